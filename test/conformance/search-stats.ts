/** `tf.search` and `tf.stats`: what each caller may find and count. */
import { describe, expect } from 'vitest';
import { PermissionDeniedError } from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, unique, word } from './helpers.js';

export function searchAndStats(tf: Conformance): void {
  describe('search and statistics', () => {
    tf.test('searches only what the caller may read, page by page', async () => {
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const agent = tf.as('agent');
      const term = word();
      const ticket = await customer.tickets.create({ title: `${term} printer squeaks`, description: `The ${term} printer on floor 3` });
      await agent.tickets.assign(ticket.id, { assignee_id: tf.target.users.agent.id });
      const note = await agent.comments.create(ticket.id, { body: `${term} firmware is outdated`, is_internal: true });
      const reply = await agent.comments.create(ticket.id, { body: `We are updating the ${term} firmware` });

      const staffHits = await all(agent.search.query({ q: term, limit: 1 }));
      expect(staffHits.map((hit) => [hit.type, hit.id]).sort()).toEqual(
        [['comment', note.id], ['comment', reply.id], ['ticket', ticket.id]].sort(),
      );
      expect(staffHits.every((hit) => hit.ticket_id === ticket.id)).toBe(true);

      const customerHits = await all(customer.search.query({ q: term }));
      expect(customerHits.map((hit) => hit.id).sort()).toEqual([reply.id, ticket.id].sort());
      const onlyComments = await customer.search.query({ q: term, types: ['comments'] });
      expect(onlyComments.data.map((hit) => [hit.type, hit.id])).toEqual([['comment', reply.id]]);
      expect((await other.search.query({ q: term })).data).toEqual([]);
    });

    tf.test('counts the tickets each caller can see, and gives SLA numbers to staff only', async () => {
      const admin = tf.as('admin');
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const manager = tf.as('manager');
      const team = await admin.teams.create({ name: unique('Stats'), department_id: tf.target.fixtures.departments.support });
      const open = (requester: 'customer' | 'customer2', priority: 'urgent' | 'low') =>
        admin.tickets.create({ title: `Counted ${priority}`, priority, team_id: team.id, requester_id: tf.target.users[requester].id });
      const urgent = await open('customer', 'urgent');
      await open('customer', 'low');
      await open('customer2', 'low');
      await admin.tickets.assign(urgent.id, { assignee_id: tf.target.users.agent.id });
      await admin.tickets.start(urgent.id);

      const everything = await admin.stats.tickets({ team_id: team.id });
      expect(everything).toMatchObject({
        total: 3,
        open: 3,
        by_priority: { urgent: 1, high: 0, medium: 0, low: 2 },
        by_status: { new: 2, in_progress: 1, resolved: 0 },
        csat: { average: null, responses: 0 },
      });
      expect(await customer.stats.tickets({ team_id: team.id })).toMatchObject({ total: 2, by_priority: { urgent: 1, low: 1 } });
      expect(await other.stats.tickets({ team_id: team.id })).toMatchObject({ total: 1, by_priority: { urgent: 0, low: 1 } });

      await expect(customer.stats.sla()).rejects.toBeInstanceOf(PermissionDeniedError);
      const from = new Date(Date.UTC(2024, 0, 1)).toISOString();
      const to = new Date(Date.UTC(2024, 0, 4)).toISOString();
      const byDay = await manager.stats.sla({ from, to, interval: 'day', time_zone: 'UTC' });
      expect(byDay).toMatchObject({ interval: 'day', time_zone: 'UTC' });
      expect(byDay.periods.map((period) => Date.parse(period.start))).toEqual([0, 1, 2].map((day) => Date.UTC(2024, 0, 1 + day)));
      expect(byDay.periods.every((period) => period.overall.tickets === 0)).toBe(true);
      const around = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
      const current = await admin.stats.sla({ from: around(-1), to: around(1), time_zone: 'UTC' });
      expect(current.interval).toBeNull();
      expect(current.periods).toHaveLength(1);
      expect(current.periods[0]!.overall.tickets).toBeGreaterThanOrEqual(3);
    });
  });
}
