/**
 * Customer satisfaction ratings over HTTP: only the requester rates, only once the ticket is
 * resolved, and a rating is seen by its author and by the staff who see the ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';
import { createApiKey, createTicket, MISSING_ID, ownerRows } from './comments-support.js';

interface Feedback {
  id: string;
  ticket_id: string;
  customer_id: string;
  rating: number;
  comment: string | null;
  created_at: string;
  updated_at: string;
}

describe.each(engines)('feedback over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let ids: Record<string, string>;
  let resolvedMine: string;
  let resolvedForeign: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    ids = api.world.ids;
    resolvedMine = api.world.rows.ticket_feedback!.mineFeedback!.params[0] as string;
    resolvedForeign = api.world.rows.ticket_feedback!.foreignFeedback!.params[0] as string;
  });
  afterAll(() => api.close());

  const feedbackOf = (ticketId: string) => `/v1/tickets/${ticketId}/feedback`;
  /** A resolved ticket of `requester`'s in the support department, worked by the agent. */
  const resolvedTicket = (requester: UserKey = 'customer') =>
    createTicket(api, requester, { assignee: 'agent', department: ids.support, team: ids.alpha, path: ['in_progress', 'resolved'] });

  describe('getTicketFeedback', () => {
    it('shows a rating to its author and to the staff who see the ticket', async () => {
      for (const user of ['customer', 'agent', 'manager', 'admin'] as const) {
        const res = await api.as(user).get(feedbackOf(resolvedMine));
        expect(res.status, user).toBe(200);
        expect(res.body).toMatchObject({ ticket_id: resolvedMine, customer_id: api.world.users.customer, rating: 4, comment: null });
      }
    });

    it('answers 404 for tickets the caller cannot see, and for tickets without a rating', async () => {
      for (const user of ['customer', 'agent', 'manager'] as const) {
        const res = await api.as(user).get(feedbackOf(resolvedForeign));
        expect(res.status, user).toBe(404);
        expect(res.body.detail).toBe('No ticket with this id.');
      }
      expect((await api.as('customer2').get(feedbackOf(resolvedMine))).status).toBe(404);
      expect((await api.as('admin').get(feedbackOf(resolvedForeign))).body.rating).toBe(2);
      const unrated = await api.as('customer').get(feedbackOf(ids.resolvedUnrated!));
      expect(unrated.status).toBe(404);
      expect(unrated.body.detail).toBe('This ticket has not been rated.');
      expect((await api.as('admin').get(feedbackOf(MISSING_ID))).status).toBe(404);
    });
  });

  describe('rateTicket', () => {
    it('creates the rating (201), then replaces it (200)', async () => {
      const ticket = await resolvedTicket();
      const created = await api.as('customer').put(feedbackOf(ticket), { rating: 5, comment: 'Quick fix, thanks!' });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(feedbackOf(ticket));
      expect(created.body).toMatchObject({ ticket_id: ticket, customer_id: api.world.users.customer, rating: 5, comment: 'Quick fix, thanks!' });

      const replaced = await api.as('customer').put(feedbackOf(ticket), { rating: 3 });
      expect(replaced.status).toBe(200);
      expect(replaced.headers.get('location')).toBeNull();
      expect(replaced.body).toMatchObject({ id: created.body.id, rating: 3, comment: null, created_at: created.body.created_at });
      expect(Date.parse(replaced.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.body.updated_at));
      expect((await api.as('agent').get(feedbackOf(ticket))).body).toEqual(replaced.body);
      expect(await ownerRows(api, 'select 1 from ticket_feedback where ticket_id = $1', [ticket])).toHaveLength(1);
    });

    it('accepts a rating of a closed ticket', async () => {
      const ticket = await createTicket(api, 'customer', { assignee: 'agent', path: ['in_progress', 'resolved', 'closed'] });
      expect((await api.as('customer').put(feedbackOf(ticket), { rating: 1, comment: null })).status).toBe(201);
    });

    it('refuses anyone but the requester (403) and tickets the caller cannot see (404)', async () => {
      const ticket = await resolvedTicket();
      for (const user of ['agent', 'manager', 'admin'] as const) {
        const res = await api.as(user).put(feedbackOf(ticket), { rating: 5 });
        expect(res.status, user).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      expect((await api.as('customer2').put(feedbackOf(ticket), { rating: 1 })).status).toBe(404);
      expect((await api.as('customer2').put(feedbackOf(resolvedMine), { rating: 1 })).status).toBe(404);
      expect(await ownerRows(api, 'select 1 from ticket_feedback where ticket_id = $1', [ticket])).toEqual([]);
      expect((await api.as('customer').get(feedbackOf(resolvedMine))).body.rating).toBe(4);
    });

    it('refuses a rating before the ticket is resolved (409)', async () => {
      const res = await api.as('customer').put(feedbackOf(ids.mine!), { rating: 5 });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('invalid_transition');
      expect(res.body.detail).toMatch(/resolved/);
      expect((await api.as('customer').get(feedbackOf(ids.mine!))).status).toBe(404);
    });

    it('answers invalid bodies with 400 problems naming the field', async () => {
      const ticket = await resolvedTicket();
      const cases = [
        { body: {}, path: 'rating' },
        { body: { rating: 0 }, path: 'rating' },
        { body: { rating: 6 }, path: 'rating' },
        { body: { rating: 4.5 }, path: 'rating' },
        { body: { rating: '5' }, path: 'rating' },
        { body: { rating: null }, path: 'rating' },
        { body: { rating: 5, comment: 'x'.repeat(10_001) }, path: 'comment' },
        { body: { rating: 5, comment: 7 }, path: 'comment' },
        { body: { rating: 5, customer_id: api.world.users.customer }, path: '' },
        { body: [5], path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await api.as('customer').put(feedbackOf(ticket), body);
        expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      const malformed = await api.as('customer').request('PUT', feedbackOf(ticket), { raw: '{"rating":', headers: { 'content-type': 'application/json' } });
      expect(malformed.body.code).toBe('malformed_request');
      const wrongType = await api.as('customer').request('PUT', feedbackOf(ticket), { raw: 'rating=5', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(wrongType.status).toBe(415);
      const badId = await api.as('customer').put(feedbackOf('not-a-ticket'), { rating: 5 });
      expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'ticket_id' });
      expect(await ownerRows(api, 'select 1 from ticket_feedback where ticket_id = $1', [ticket])).toEqual([]);
    });
  });

  describe('listFeedback', () => {
    const list = async (user: UserKey, query = '') => {
      const res = await api.as(user).get(`/v1/feedback${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body.data as Feedback[];
    };

    it('shows staff the ratings of tickets they see, and customers their own', async () => {
      const all = (await list('admin', '?limit=100')).map((f) => f.ticket_id);
      expect(all).toEqual(expect.arrayContaining([resolvedMine, resolvedForeign]));
      const agentView = (await list('agent', '?limit=100')).map((f) => f.ticket_id);
      expect(agentView).toContain(resolvedMine);
      expect(agentView).not.toContain(resolvedForeign);
      expect((await list('agent2', '?limit=100')).map((f) => f.ticket_id)).toContain(resolvedForeign);
      expect((await list('customer', '?limit=100')).every((f) => f.customer_id === api.world.users.customer)).toBe(true);
      expect((await list('customer2', '?limit=100')).map((f) => f.ticket_id)).toEqual([resolvedForeign]);
      expect(await list('spare')).toEqual([]);
    });

    it('filters by rating, ticket and creation time, newest first with a cursor', async () => {
      const rated: Feedback[] = [];
      for (const rating of [1, 2, 5, 1]) {
        const ticket = await resolvedTicket('spare');
        const res = await api.as('spare').put(feedbackOf(ticket), { rating });
        expect(res.status).toBe(201);
        rated.push(res.body);
      }
      const newestFirst = [...rated].reverse().map((f) => f.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
        const page = await api.as('spare').get(`/v1/feedback${query}`);
        seen.push(...page.body.data.map((f: Feedback) => f.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(newestFirst);

      expect((await list('spare', '?rating=1')).map((f) => f.id)).toEqual([rated[3]!.id, rated[0]!.id]);
      expect((await list('spare', '?rating=1&rating=5')).map((f) => f.rating)).toEqual([1, 5, 1]);
      expect((await list('admin', `?ticket_id=${rated[1]!.ticket_id}`)).map((f) => f.id)).toEqual([rated[1]!.id]);
      const since = encodeURIComponent(rated[2]!.created_at);
      expect((await list('spare', `?created_after=${since}`)).map((f) => f.id)).toEqual([rated[3]!.id, rated[2]!.id]);
      expect((await list('spare', `?created_before=${since}`)).map((f) => f.id)).toEqual([rated[1]!.id, rated[0]!.id]);

      const first = await api.as('spare').get('/v1/feedback?limit=1');
      const reused = await api.as('spare').get(`/v1/feedback?limit=1&rating=1&cursor=${first.body.next_cursor}`);
      expect(reused.body.code).toBe('invalid_cursor');
    });

    it('refuses invalid filters with 400', async () => {
      for (const query of ['?rating=0', '?rating=6', '?rating=x', '?rating=1.5', '?rating=1&rating=2&rating=3&rating=4&rating=5&rating=1',
        '?ticket_id=42', '?created_after=yesterday', '?created_before=2024-01-01', '?limit=500', '?sort=rating', '?cursor=not-a-cursor']) {
        const res = await api.as('admin').get(`/v1/feedback${query}`);
        expect(res.status, query).toBe(400);
        expect(['validation_failed', 'invalid_cursor']).toContain(res.body.code);
      }
    });
  });

  describe('credentials and scopes', () => {
    it('refuses anonymous callers and API keys without the tickets scope', async () => {
      expect((await api.anonymous().get('/v1/feedback')).status).toBe(401);
      expect((await api.anonymous().get(feedbackOf(resolvedMine))).status).toBe(401);
      const reader = api.withToken(await createApiKey(api, 'customer', ['tickets:read']));
      expect((await reader.get(feedbackOf(resolvedMine))).status).toBe(200);
      const write = await reader.put(feedbackOf(ids.resolvedUnrated!), { rating: 5 });
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('insufficient_scope');
      const kb = api.withToken(await createApiKey(api, 'customer', ['kb:read']));
      expect((await kb.get('/v1/feedback')).body.code).toBe('insufficient_scope');
    });
  });
});
