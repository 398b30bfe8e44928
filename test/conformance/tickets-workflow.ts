/** Tickets through their workflow, their tags, comments and history, as the roles that use them. */
import { describe, expect } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
} from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, supportTicket, unique, word } from './helpers.js';

export function ticketsWorkflow(tf: Conformance): void {
  describe('tickets, comments and history', () => {
    tf.test('takes a ticket through its workflow as customer and agent, with ETags', async () => {
      const customer = tf.as('customer');
      const agent = tf.as('agent');
      const { users } = tf.target;
      const created = await customer.tickets.create({ title: 'VPN drops every hour', description: 'Since Monday', priority: 'high' });
      expect(created).toMatchObject({ title: 'VPN drops every hour', status: 'new', requester_id: users.customer.id });

      const { data: seen, response } = await agent.tickets.get(created.id).withResponse();
      expect(seen.id).toBe(created.id);
      const etag = response.headers.get('etag')!;
      await agent.tickets.assign(created.id, { assignee_id: users.agent.id });
      // The assignment moved the version: the ETag read before it is stale.
      await expect(agent.tickets.update(created.id, { priority: 'urgent' }, { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
      const { response: current } = await agent.tickets.get(created.id).withResponse();
      const updated = await agent.tickets.update(created.id, { priority: 'urgent', environment: 'Office VPN' }, { ifMatch: current.headers.get('etag')! });
      expect(updated).toMatchObject({ id: created.id, priority: 'urgent', environment: 'Office VPN' });

      expect(await agent.tickets.start(created.id)).toMatchObject({ status: 'in_progress' });
      expect(await agent.tickets.resolve(created.id, { resolution_notes: 'Replaced the router' })).toMatchObject({ status: 'resolved' });
      expect(await customer.tickets.reopen(created.id, { reason: 'It dropped again' })).toMatchObject({ status: 'open', reopen_count: 1 });
      await agent.tickets.start(created.id);
      await agent.tickets.resolve(created.id, { resolution_notes: 'Replaced the cable too' });
      const closed = await agent.tickets.close(created.id);
      expect(closed).toMatchObject({ id: created.id, status: 'closed' });
      expect(closed.closed_at).not.toBeNull();
    });

    tf.test('reopens only a resolved or closed ticket: 409 for staff, 403 for the customer, nothing changed', async () => {
      const customer = tf.as('customer');
      const admin = tf.as('admin');
      const ticket = await customer.tickets.create({ title: 'Never resolved', description: 'Still new' });
      const asCustomer = await customer.tickets.reopen(ticket.id).catch((error: unknown) => error);
      expect(asCustomer).toBeInstanceOf(PermissionDeniedError);
      const asStaff = await admin.tickets.reopen(ticket.id).catch((error: unknown) => error);
      expect(asStaff).toBeInstanceOf(ConflictError);
      expect((asStaff as ConflictError).code).toBe('invalid_transition');
      expect((asStaff as ConflictError).problem?.detail).toBe((asCustomer as PermissionDeniedError).problem?.detail);
      expect(await admin.tickets.get(ticket.id)).toMatchObject({ status: 'new', reopen_count: 0, version: ticket.version });
    });

    tf.test('lists the tickets each caller may see, filtered and page by page', async () => {
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const agent = tf.as('agent');
      const term = word();
      const first = await supportTicket(tf, { title: `Printer ${term} one`, priority: 'low' });
      const second = await supportTicket(tf, { title: `Printer ${term} two`, priority: 'high' });
      const theirs = await other.tickets.create({ title: `Printer ${term} elsewhere`, description: 'Not yours' });

      const mine = await all(customer.tickets.list({ q: term, limit: 1 }));
      expect(mine.map((ticket) => ticket.id).sort()).toEqual([first.id, second.id].sort());
      expect((await all(other.tickets.list({ q: term }))).map((ticket) => ticket.id)).toEqual([theirs.id]);
      const high = await agent.tickets.list({ q: term, priority: ['high'], assignee_id: tf.target.users.agent.id });
      expect(high.data.map((ticket) => ticket.id)).toEqual([second.id]);
      expect(high.next_cursor).toBeNull();
    });

    tf.test('tags a ticket and takes the tag off again, as staff only', async () => {
      const agent = tf.as('agent');
      const customer = tf.as('customer');
      const { vip, outage } = tf.target.fixtures.tags;
      const ticket = await supportTicket(tf, { title: 'Tag me' });
      await agent.tickets.addTag(ticket.id, vip);
      await agent.tickets.addTag(ticket.id, outage);
      // Adding a tag the ticket has is no change, and no error.
      await agent.tickets.addTag(ticket.id, vip);
      expect((await agent.tickets.get(ticket.id)).tag_ids.sort()).toEqual([vip, outage].sort());
      expect((await agent.tickets.list({ tag: [outage], assignee_id: tf.target.users.agent.id, limit: 100 })).data.map((each) => each.id)).toContain(ticket.id);
      await expect(customer.tickets.addTag(ticket.id, vip)).rejects.toBeInstanceOf(PermissionDeniedError);

      await agent.tickets.removeTag(ticket.id, outage);
      expect((await agent.tickets.get(ticket.id)).tag_ids).toEqual([vip]);
    });

    tf.test('keeps internal notes from the customer, edits and deletes comments, and pages through comments and history', async () => {
      const customer = tf.as('customer');
      const agent = tf.as('agent');
      const ticket = await supportTicket(tf, { title: 'Printer jams' });
      const note = await agent.comments.create(ticket.id, { body: 'Probably the rollers', is_internal: true });
      for (const n of [1, 2, 3]) await agent.comments.create(ticket.id, { body: `Public reply ${n}` });

      const staffView = await all(agent.comments.list(ticket.id, { limit: 2 }));
      expect(staffView.map((comment) => comment.body)).toEqual(['Probably the rollers', 'Public reply 1', 'Public reply 2', 'Public reply 3']);
      const customerView = await all(customer.comments.list(ticket.id, { limit: 2 }));
      expect(customerView.map((comment) => comment.body)).toEqual(['Public reply 1', 'Public reply 2', 'Public reply 3']);
      await expect(customer.comments.get(ticket.id, note.id)).rejects.toBeInstanceOf(NotFoundError);

      const reply = staffView[1]!;
      expect(await customer.comments.get(ticket.id, reply.id)).toMatchObject({ id: reply.id, body: 'Public reply 1', edited: false });
      const edited = await agent.comments.update(ticket.id, reply.id, { body: 'Public reply 1, corrected' });
      expect(edited).toMatchObject({ id: reply.id, body: 'Public reply 1, corrected', edited: true, edit_count: 1 });
      await expect(customer.comments.update(ticket.id, reply.id, { body: 'Rewritten by the customer' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(customer.comments.delete(ticket.id, reply.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await agent.comments.delete(ticket.id, reply.id);
      expect((await all(customer.comments.list(ticket.id))).map((comment) => comment.body)).toEqual(['Public reply 2', 'Public reply 3']);
      const withDeleted = await all(agent.comments.list(ticket.id, { include_deleted: true }));
      expect(withDeleted.find((comment) => comment.id === reply.id)?.deleted_at).not.toBeNull();

      const pages: number[] = [];
      for await (const page of agent.history.list(ticket.id, { limit: 1 }).pages()) pages.push(page.data.length);
      expect(pages.length).toBeGreaterThan(3);
      expect(pages.every((n) => n === 1)).toBe(true);
      const customerHistory = await all(customer.history.list(ticket.id));
      expect(customerHistory.length).toBeGreaterThan(0);
      expect(customerHistory.length).toBeLessThan(pages.length);
    });

    tf.test('answers with the typed error of each refusal, and lets an admin delete a ticket', async () => {
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const admin = tf.as('admin');
      const ticket = await customer.tickets.create({ title: unique('Mine'), description: 'Only mine' });
      await expect(other.tickets.get(ticket.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(customer.tickets.delete(ticket.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      const invalid = await customer.tickets.create({ title: '' }).catch((error: unknown) => error);
      expect(invalid).toBeInstanceOf(BadRequestError);
      expect((invalid as BadRequestError).code).toBe('validation_failed');
      expect((invalid as BadRequestError).requestId).toMatch(/\S/);
      await expect(tf.stranger().tickets.list()).rejects.toBeInstanceOf(AuthenticationError);

      await admin.tickets.delete(ticket.id);
      await expect(customer.tickets.get(ticket.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('replays a create retried with the same idempotency key: one ticket', async () => {
      const customer = tf.as('customer');
      const key = unique('sdk-once');
      const title = unique('Once only');
      const first = await customer.tickets.create({ title, description: 'x' }, { idempotencyKey: key });
      const again = await customer.tickets.create({ title, description: 'x' }, { idempotencyKey: key });
      expect(again.id).toBe(first.id);
      expect((await customer.tickets.list({ q: title })).data.map((ticket) => ticket.id)).toEqual([first.id]);
    });
  });
}
