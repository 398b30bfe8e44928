/**
 * The helpdesk end to end, as its people use it: a customer's ticket from opening to rating, watched
 * live, and the fix written up in the knowledge base. Each step is what a real client would do next
 * with what the previous step returned.
 */
import { describe, expect } from 'vitest';
import { NotFoundError, PermissionDeniedError, type LiveEvent } from '../../src/index.js';
import type { Conformance } from './context.js';
import { commentOf, FROM_THE_START } from './events.js';
import { all, unique, word } from './helpers.js';

/** Events until (and with) the first one `last` accepts; what came before it if the stream ends first. */
async function eventsUntil(events: AsyncIterable<LiveEvent>, last: (event: LiveEvent) => boolean): Promise<LiveEvent[]> {
  const seen: LiveEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (last(event)) break;
  }
  return seen;
}

const rated = (event: LiveEvent) => event.type === 'feedback.created';

export function story(tf: Conformance): void {
  describe('a day at the helpdesk', () => {
    tf.test('a customer opens a ticket with a log file; an agent answers; a manager reassigns and escalates; it is resolved and rated, watched live', async () => {
      const { users, fixtures } = tf.target;
      const customer = tf.as('customer');
      const agent = tf.as('agent');
      const specialist = tf.as('agent2');
      const manager = tf.as('manager');

      // The customer opens a ticket and attaches the printer's log.
      const ticket = await customer.tickets.create({
        title: 'Payslips print blank',
        description: 'The printer on floor 2 prints blank pages since this morning',
        priority: 'high',
        category_id: fixtures.category,
        department_id: fixtures.departments.support,
      });
      expect(ticket).toMatchObject({ status: 'new', requester_id: users.customer.id, assignee_id: null });
      // The manager watches the ticket from its first event: nothing that happens can slip past.
      const watching = new AbortController();
      const watched = eventsUntil(manager.events.subscribe({ ticketId: ticket.id, lastEventId: FROM_THE_START }, { signal: watching.signal }), rated);
      try {
        const logText = 'E-4102 fuser temperature low\n'.repeat(40);
        const log = await customer.attachments.upload(ticket.id, new Blob([logText], { type: 'text/plain' }), { filename: 'printer.log' });
        expect(log).toMatchObject({ ticket_id: ticket.id, file_name: 'printer.log', size_bytes: logText.length });

        // An agent of the department picks it up, reads the log, notes a hunch and answers.
        expect((await all(agent.tickets.list({ assignee_id: 'none', department_id: fixtures.departments.support }))).map((t) => t.id)).toContain(ticket.id);
        await agent.tickets.assign(ticket.id, { assignee_id: users.agent.id });
        expect(await agent.tickets.start(ticket.id)).toMatchObject({ status: 'in_progress', assignee_id: users.agent.id });
        expect(await (await agent.attachments.download(log.id)).text()).toBe(logText);
        const note = await agent.comments.create(ticket.id, { body: 'Fuser error in the log: probably hardware', is_internal: true });
        const reply = await agent.comments.create(ticket.id, { body: 'We are looking at the printer now.' });

        // The customer sees the answer, never the note, and writes back.
        expect((await all(customer.comments.list(ticket.id))).map((comment) => comment.id)).toEqual([reply.id]);
        await expect(customer.comments.get(ticket.id, note.id)).rejects.toBeInstanceOf(NotFoundError);
        const answer = await customer.comments.create(ticket.id, { body: 'Thanks! Payday is tomorrow, so it is urgent.' });

        // The manager raises the priority, hands it to the hardware specialist, and escalates to them.
        await manager.tickets.update(ticket.id, { priority: 'urgent' });
        expect(await manager.tickets.assign(ticket.id, { assignee_id: users.agent2.id })).toMatchObject({ assignee_id: users.agent2.id, priority: 'urgent' });
        const escalation = await manager.escalations.create(ticket.id, { reason: 'Payroll is blocked', to_user_id: users.agent2.id, escalation_level: 2 });
        expect(escalation).toMatchObject({ ticket_id: ticket.id, from_user_id: users.manager.id, status: 'pending' });
        // No longer the first agent's to change.
        await expect(agent.tickets.resolve(ticket.id, { resolution_notes: 'Not mine any more' })).rejects.toBeInstanceOf(PermissionDeniedError);

        // The specialist takes the escalation, fixes the printer and resolves both.
        expect(await specialist.escalations.acknowledge(escalation.id)).toMatchObject({ status: 'acknowledged' });
        const resolved = await specialist.tickets.resolve(ticket.id, { resolution_notes: 'Replaced the fuser unit' });
        expect(resolved).toMatchObject({ status: 'resolved', resolution_notes: 'Replaced the fuser unit' });
        await specialist.escalations.resolve(escalation.id, { resolution_notes: 'Fuser replaced' });
        expect((await all(manager.escalations.listForTicket(ticket.id))).map((each) => [each.id, each.status])).toEqual([[escalation.id, 'resolved']]);

        // The customer rates the work; the staff see the rating.
        const rating = await customer.feedback.rate(ticket.id, { rating: 5, comment: 'Printed in time for payday' });
        expect(await manager.feedback.get(ticket.id)).toEqual(rating);
        const history = await all(customer.history.list(ticket.id));
        expect(history.length).toBeGreaterThan(0);

        // What the manager saw happen, in order: every step, internal ones included.
        const live = await watched;
        expect(live[0]).toMatchObject({ type: 'ticket.created', ticket_id: ticket.id });
        expect(live.at(-1)).toMatchObject({ type: 'feedback.created', ticket_id: ticket.id });
        expect(live.every((event) => event.ticket_id === ticket.id)).toBe(true);
        expect(live.filter((event) => event.type === 'comment.created').map(commentOf)).toEqual([note.id, reply.id, answer.id]);
        const types = live.map((event) => event.type);
        expect(types).toContain('attachment.created');
        expect(types).toContain('escalation.created');
        expect(types.indexOf('attachment.created')).toBeLessThan(types.indexOf('escalation.created'));

        // The customer, replaying the same ticket, is told of everything but the internal note.
        const told = await eventsUntil(customer.events.subscribe({ ticketId: ticket.id, lastEventId: FROM_THE_START }), rated);
        expect(told.filter((event) => event.type === 'comment.created').map(commentOf)).toEqual([reply.id, answer.id]);
        expect(told.map((event) => event.id)).toEqual(live.filter((event) => told.some((each) => each.id === event.id)).map((event) => event.id));
      } finally {
        watching.abort();
      }
    });

    tf.test('the fix becomes an article: drafted, published, revised, found by search and voted helpful', async () => {
      const agent = tf.as('agent');
      const customer = tf.as('customer');
      const term = word();
      const draft = await agent.kb.articles.create({ title: `Blank pages from the ${term} printer`, slug: unique('blank-pages'), body: 'Check the toner.' });
      expect(draft).toMatchObject({ status: 'draft', author_id: tf.target.users.agent.id });
      await expect(customer.kb.articles.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await customer.kb.search({ q: term })).data).toEqual([]);

      expect(await agent.kb.articles.publish(draft.id)).toMatchObject({ status: 'published' });
      const { response } = await agent.kb.articles.get(draft.id).withResponse();
      const revised = await agent.kb.articles.update(
        draft.id,
        { body: 'Replace the fuser unit: toner is rarely the cause.' },
        { ifMatch: response.headers.get('etag')! },
      );
      const versions = await all(agent.kb.versions.list(draft.id));
      expect(versions[0]).toMatchObject({ version: revised.version, body: 'Replace the fuser unit: toner is rarely the cause.' });
      expect(versions.at(-1)).toMatchObject({ version: 1, body: 'Check the toner.' });

      const hits = await customer.kb.search({ q: term });
      expect(hits.data.map((hit) => hit.article.id)).toEqual([draft.id]);
      expect(await customer.kb.articles.get(draft.id)).toMatchObject({ body: 'Replace the fuser unit: toner is rarely the cause.' });
      await customer.kb.feedback.submit(draft.id, { helpful: true, comment: 'Fixed mine too' });
      expect(await agent.kb.articles.get(draft.id)).toMatchObject({ helpful_votes: 1, unhelpful_votes: 0 });
    });
  });
}
