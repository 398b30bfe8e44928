/**
 * Tickets over HTTP: creating, reading, changing and deleting them as each role, tags, history,
 * ETag/If-Match, and bad input for every operation. Lists are in tickets-list.test.ts, the
 * workflow in tickets-transitions.test.ts, concurrent writers in tickets-concurrency.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

describe.each(engines)('tickets over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let ids: Record<string, string>;
  let users: Record<UserKey, string>;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    ids = api.world.ids;
    users = api.world.users;
  });
  afterAll(() => api.close());

  /** A fresh ticket of `customer`, moved into the support department by an admin. */
  async function supportTicket(fields: Record<string, unknown> = {}) {
    const created = await api.as('customer').post('/v1/tickets', { title: 'Printer on fire', ...fields });
    expect(created.status).toBe(201);
    const moved = await api.as('admin').patch(`/v1/tickets/${created.body.id}`, { department_id: ids.support, team_id: ids.alpha });
    expect(moved.status).toBe(200);
    return moved.body;
  }

  const historyOf = async (ticketId: string) => {
    const { rows } = await api.db.query<{ action: string; field: string | null; actor_id: string | null; is_internal: boolean }>(
      'select action, field, actor_id, is_internal from ticket_history where ticket_id = $1 order by seq',
      [ticketId],
    );
    return rows;
  };

  describe('createTicket', () => {
    it('opens a customer ticket for the caller, numbered, new and unassigned, with Location and ETag', async () => {
      const body = {
        title: '  VPN drops every few minutes  ',
        description: 'Since this morning.',
        priority: 'high',
        impact_level: 'medium',
        category_id: ids.network,
        department_id: ids.support,
        due_at: '2030-01-02T03:04:05.678Z',
        estimated_hours: 2.5,
        environment: 'production',
        affected_services: ['vpn', 'sso'],
        metadata: { source: 'portal', nested: { ok: true } },
      };
      const res = await api.as('customer').post('/v1/tickets', body);
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/tickets/${res.body.id}`);
      expect(res.headers.get('etag')).toBe('"1"');
      expect(res.body).toMatchObject({
        title: 'VPN drops every few minutes',
        description: 'Since this morning.',
        status: 'new',
        priority: 'high',
        impact_level: 'medium',
        category_id: ids.network,
        department_id: ids.support,
        team_id: null,
        requester_id: users.customer,
        created_by: users.customer,
        assignee_id: null,
        due_at: '2030-01-02T03:04:05.678Z',
        estimated_hours: 2.5,
        actual_hours: null,
        environment: 'production',
        affected_services: ['vpn', 'sso'],
        metadata: { source: 'portal', nested: { ok: true } },
        tag_ids: [],
        escalation_level: 0,
        reopen_count: 0,
        version: 1,
        resolved_at: null,
        closed_at: null,
        sla: { policy_id: null, first_response_due_at: null, resolution_due_at: null, first_responded_at: null, breached_at: null },
      });
      expect(res.body.ticket_number).toMatch(/^TKT-\d{4}-\d{5,}$/);
      const fetched = await api.as('customer').get(res.headers.get('location')!);
      expect(fetched.body).toEqual(res.body);
    });

    it('fills defaults for a minimal ticket and numbers tickets uniquely', async () => {
      const first = await api.as('customer').post('/v1/tickets', { title: 'One' });
      const second = await api.as('customer').post('/v1/tickets', { title: 'Two' });
      expect(first.body).toMatchObject({ description: '', priority: 'medium', impact_level: null, category_id: null, metadata: {}, affected_services: [] });
      expect(second.body.ticket_number).not.toBe(first.body.ticket_number);
    });

    it('lets staff open a ticket on a customer\'s behalf, with team and tags', async () => {
      for (const role of ['agent', 'manager', 'admin'] as const) {
        const res = await api.as(role).post('/v1/tickets', {
          title: `Called in (${role})`,
          requester_id: users.customer2,
          team_id: ids.alpha,
          tag_ids: [ids.vip, ids.outage],
        });
        expect(res.status, role).toBe(201);
        expect(res.body).toMatchObject({ requester_id: users.customer2, created_by: users[role], team_id: ids.alpha });
        expect(res.body.tag_ids).toEqual([ids.vip!, ids.outage!].sort());
        // The requester sees it, without the staff-only tags.
        const seen = await api.as('customer2').get(`/v1/tickets/${res.body.id}`);
        expect(seen.status).toBe(200);
        expect(seen.body.tag_ids).toEqual([]);
        expect((await api.as('customer').get(`/v1/tickets/${res.body.id}`)).status).toBe(404);
      }
    });

    it('refuses what the database does not let customers set: someone else as requester, a team, tags', async () => {
      const cases = [{ requester_id: users.customer2 }, { team_id: ids.alpha }, { tag_ids: [ids.vip] }];
      for (const fields of cases) {
        const res = await api.as('customer').post('/v1/tickets', { title: 'Sneaky', ...fields });
        expect(res.status, JSON.stringify(fields)).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      const own = await api.as('customer').post('/v1/tickets', { title: 'For me', requester_id: users.customer });
      expect(own.status).toBe(201);
    });

    it('keeps a ticket visible to the staff member who opened it, wherever it goes', async () => {
      const opened = await api.as('agent2').post('/v1/tickets', { title: 'Opened for a caller', requester_id: users.customer, department_id: ids.support });
      expect(opened.status).toBe(201);
      // Once assigned it leaves the queue, and it is not agent2's department: only created_by remains.
      expect((await api.as('manager').post(`/v1/tickets/${opened.body.id}/assign`, { assignee_id: users.agent })).status).toBe(200);
      expect((await api.as('agent2').get(`/v1/tickets/${opened.body.id}`)).status).toBe(200);
      expect((await api.as('agent2').get(`/v1/tickets/${ids.mine}`)).status).toBe(404);
    });

    it('refuses references to rows that do not exist (422)', async () => {
      for (const fields of [{ category_id: MISSING }, { department_id: MISSING }, { tag_ids: [MISSING] }, { requester_id: MISSING }]) {
        const res = await api.as('admin').post('/v1/tickets', { title: 'Dangling', ...fields });
        expect(res.status, JSON.stringify(fields)).toBe(422);
        expect(res.body.code).toBe('unprocessable');
      }
    });

    it('answers bad input with 4xx problems naming the field', async () => {
      const customer = api.as('customer');
      const cases: { body: unknown; path: string }[] = [
        { body: {}, path: 'title' },
        { body: { title: '   ' }, path: 'title' },
        { body: { title: 'x'.repeat(256) }, path: 'title' },
        { body: { title: 42 }, path: 'title' },
        { body: { title: 'ok', colour: 'red' }, path: '' },
        { body: { title: 'ok', status: 'open' }, path: '' },
        { body: { title: 'ok', assignee_id: users.agent }, path: '' },
        { body: { title: 'ok', priority: 'P1' }, path: 'priority' },
        { body: { title: 'ok', impact_level: 'huge' }, path: 'impact_level' },
        { body: { title: 'ok', category_id: 'nope' }, path: 'category_id' },
        { body: { title: 'ok', due_at: '2030-01-01' }, path: 'due_at' },
        { body: { title: 'ok', estimated_hours: -1 }, path: 'estimated_hours' },
        { body: { title: 'ok', estimated_hours: 100000 }, path: 'estimated_hours' },
        { body: { title: 'ok', estimated_hours: '2' }, path: 'estimated_hours' },
        { body: { title: 'ok', environment: 'e'.repeat(51) }, path: 'environment' },
        { body: { title: 'ok', affected_services: 'vpn' }, path: 'affected_services' },
        { body: { title: 'ok', affected_services: [''] }, path: 'affected_services.0' },
        { body: { title: 'ok', metadata: [1, 2] }, path: 'metadata' },
        { body: { title: 'ok', metadata: null }, path: 'metadata' },
        { body: { title: 'ok', tag_ids: [ids.vip, ids.vip] }, path: 'tag_ids' },
        { body: { title: 'nul \u0000 byte' }, path: 'title' },
        { body: { title: 'ok', metadata: { note: 'nul \u0000' } }, path: 'metadata' },
        { body: [], path: '' },
        { body: 'title', path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await customer.post('/v1/tickets', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      const malformed = await customer.request('POST', '/v1/tickets', { raw: '{"title":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('malformed_request');
      const wrongType = await customer.request('POST', '/v1/tickets', { raw: 'title=x', headers: { 'content-type': 'text/plain' } });
      expect(wrongType.status).toBe(415);
      const noBody = await customer.request('POST', '/v1/tickets');
      expect(noBody.status).toBe(415);
      const tooLarge = await customer.post('/v1/tickets', { title: 'big', description: 'x'.repeat(1024 * 1024) });
      expect(tooLarge.status).toBe(413);
    });

    it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
      const headers = { 'idempotency-key': 'create-once' };
      const first = await api.as('customer').post('/v1/tickets', { title: 'Only once' }, { headers });
      const again = await api.as('customer').post('/v1/tickets', { title: 'Only once' }, { headers });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(again.headers.get('etag')).toBe('"1"');
      const other = await api.as('customer').post('/v1/tickets', { title: 'Something else' }, { headers });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      // Keys are per caller: another user's identical key is a new request.
      const someoneElse = await api.as('customer2').post('/v1/tickets', { title: 'Only once' }, { headers });
      expect(someoneElse.status).toBe(201);
      expect(someoneElse.body.id).not.toBe(first.body.id);
    });
  });

  describe('getTicket', () => {
    it('shows each role exactly the tickets its policies allow, and 404 for the rest', async () => {
      const resolvedMine = api.world.rows.ticket_feedback!.mineFeedback!.params[0] as string;
      const resolvedForeign = api.world.rows.ticket_feedback!.foreignFeedback!.params[0] as string;
      const tickets = { mine: ids.mine!, queue: ids.queue!, foreign: ids.foreign!, resolvedMine, resolvedForeign };
      const visible: Record<UserKey, (keyof typeof tickets)[]> = {
        customer: ['mine', 'resolvedMine'],
        customer2: ['queue', 'foreign', 'resolvedForeign'],
        spare: [],
        agent: ['mine', 'queue', 'resolvedMine'],
        agent2: ['queue', 'foreign', 'resolvedForeign'],
        manager: ['mine', 'queue', 'resolvedMine'],
        admin: ['mine', 'queue', 'foreign', 'resolvedMine', 'resolvedForeign'],
      };
      for (const [user, names] of Object.entries(visible) as [UserKey, (keyof typeof tickets)[]][]) {
        for (const [name, ticketId] of Object.entries(tickets)) {
          const res = await api.as(user).get(`/v1/tickets/${ticketId}`);
          const expected = names.includes(name as keyof typeof tickets) ? 200 : 404;
          expect(res.status, `${user} → ${name}`).toBe(expected);
          if (expected === 200) {
            expect(res.body.id).toBe(ticketId);
            expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
          } else {
            expect(res.body.code).toBe('not_found');
          }
        }
      }
    });

    it('shows tags to staff only', async () => {
      expect((await api.as('agent').get(`/v1/tickets/${ids.mine}`)).body.tag_ids).toEqual([ids.vip]);
      expect((await api.as('customer').get(`/v1/tickets/${ids.mine}`)).body.tag_ids).toEqual([]);
    });

    it('reports numbers as numbers and the SLA fields as the database holds them', async () => {
      const ticket = await supportTicket({ estimated_hours: 1.25 });
      await api.db.query(
        `update tickets set actual_hours = 3.5, sla_policy_id = (select id from sla_policies limit 1),
                first_response_due_at = '2030-01-01T00:05:00Z', resolution_due_at = '2030-01-01T04:00:00Z',
                first_responded_at = '2030-01-01T00:01:00.123456Z', sla_breached_at = null where id = $1`,
        [ticket.id],
      );
      const res = await api.as('agent').get(`/v1/tickets/${ticket.id}`);
      expect(res.body.estimated_hours).toBe(1.25);
      expect(res.body.actual_hours).toBe(3.5);
      expect(res.body.sla).toMatchObject({
        first_response_due_at: '2030-01-01T00:05:00.000Z',
        resolution_due_at: '2030-01-01T04:00:00.000Z',
        first_responded_at: '2030-01-01T00:01:00.123Z',
        breached_at: null,
      });
      expect(res.body.sla.policy_id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers a bad id with 400 and an unknown one with 404', async () => {
      const bad = await api.as('admin').get('/v1/tickets/not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ location: 'path', path: 'ticket_id' });
      expect((await api.as('admin').get(`/v1/tickets/${MISSING}`)).status).toBe(404);
    });

    it('needs credentials, and the tickets scope on an API key', async () => {
      expect((await api.anonymous().get(`/v1/tickets/${ids.mine}`)).status).toBe(401);
      const readOnly = await createKey('agent', ['tickets:read']);
      expect((await api.withToken(readOnly).get(`/v1/tickets/${ids.mine}`)).status).toBe(200);
      const write = await api.withToken(readOnly).post('/v1/tickets', { title: 'Via key' });
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('insufficient_scope');
      const other = await createKey('agent', ['kb:read']);
      expect((await api.withToken(other).get(`/v1/tickets/${ids.mine}`)).body.code).toBe('insufficient_scope');
      const writer = await createKey('agent', ['tickets:write']);
      const created = await api.withToken(writer).post('/v1/tickets', { title: 'Via key', requester_id: users.customer });
      expect(created.status).toBe(201);
      expect(created.body.created_by).toBe(users.agent);
    });
  });

  /** An API key for `user`, written straight into the database (the API keys API is another area). */
  async function createKey(user: UserKey, scopes: string[]): Promise<string> {
    const { key, prefix, hash } = generateApiKey();
    await api.db.query(
      'insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)',
      [`key ${prefix}`, prefix, hash, users[user], scopes],
    );
    return key;
  }

  describe('updateTicket', () => {
    it('changes exactly the given fields, clears nulls, and returns the new ETag', async () => {
      const ticket = await supportTicket({ environment: 'staging', estimated_hours: 3 });
      const res = await api.as('admin').patch(`/v1/tickets/${ticket.id}`, {
        priority: 'urgent',
        impact_level: 'critical',
        environment: null,
        actual_hours: 1.5,
        due_at: '2031-05-06T07:08:09Z',
        affected_services: ['mail'],
        metadata: { replaced: true },
        resolution_notes: 'Not yet',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        priority: 'urgent',
        impact_level: 'critical',
        environment: null,
        estimated_hours: 3,
        actual_hours: 1.5,
        due_at: '2031-05-06T07:08:09.000Z',
        affected_services: ['mail'],
        metadata: { replaced: true },
        resolution_notes: 'Not yet',
        title: ticket.title,
        status: 'new',
        version: ticket.version + 1,
        last_updated_by: users.admin,
      });
      expect(res.headers.get('etag')).toBe(`"${ticket.version + 1}"`);
      expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(ticket.updated_at));
      const fields = (await historyOf(ticket.id)).filter((h) => h.actor_id === users.admin).map((h) => h.field);
      expect(fields).toEqual(expect.arrayContaining(['priority', 'impact_level', 'environment', 'actual_hours']));
    });

    it('lets customers change the title and description of their own tickets, and nothing else', async () => {
      const ticket = await supportTicket();
      const ok = await api.as('customer').patch(`/v1/tickets/${ticket.id}`, { title: 'Printer on fire, still', description: 'Smoke now' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ title: 'Printer on fire, still', description: 'Smoke now' });
      for (const fields of [{ priority: 'urgent' }, { department_id: null }, { title: 'x', metadata: { a: 1 } }]) {
        const res = await api.as('customer').patch(`/v1/tickets/${ticket.id}`, fields);
        expect(res.status, JSON.stringify(fields)).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      expect((await api.as('customer2').patch(`/v1/tickets/${ticket.id}`, { title: 'Mine now' })).status).toBe(404);
    });

    it('lets staff change what the policies give them, 403 for what they only see, 404 for the rest', async () => {
      // mine: assigned to agent, support/alpha. foreign: agent2, infra/beta. queue: unassigned, new.
      const expectations: [UserKey, string, number][] = [
        ['agent', ids.mine!, 200],
        ['agent', ids.queue!, 403],
        ['agent', ids.foreign!, 404],
        ['agent2', ids.mine!, 404],
        ['agent2', ids.foreign!, 200],
        ['manager', ids.mine!, 200],
        ['manager', ids.foreign!, 404],
        ['admin', ids.foreign!, 200],
      ];
      for (const [user, ticketId, status] of expectations) {
        const res = await api.as(user).patch(`/v1/tickets/${ticketId}`, { environment: `by ${user}` });
        expect(res.status, `${user} → ${ticketId}`).toBe(status);
      }
      // An agent may not change a department ticket someone else holds.
      const held = await supportTicket();
      await api.as('admin').post(`/v1/tickets/${held.id}/assign`, { assignee_id: users.manager });
      const res = await api.as('agent').patch(`/v1/tickets/${held.id}`, { priority: 'low' });
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/not change/);
    });

    it('applies If-Match atomically: the current ETag writes, a stale one is a 412 that changes nothing', async () => {
      const ticket = await supportTicket();
      const etag = `"${ticket.version}"`;
      const first = await api.as('admin').patch(`/v1/tickets/${ticket.id}`, { priority: 'high' }, { headers: { 'if-match': etag } });
      expect(first.status).toBe(200);
      const stale = await api.as('admin').patch(`/v1/tickets/${ticket.id}`, { priority: 'low' }, { headers: { 'if-match': etag } });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('precondition_failed');
      expect(stale.body.detail).toContain(`version ${ticket.version + 1}`);
      const now = await api.as('admin').get(`/v1/tickets/${ticket.id}`);
      expect(now.body).toMatchObject({ priority: 'high', version: ticket.version + 1 });
      const list = await api.as('admin').patch(`/v1/tickets/${ticket.id}`, { priority: 'low' }, { headers: { 'if-match': `"999", ${now.headers.get('etag')}` } });
      expect(list.status).toBe(200);
      const star = await api.as('admin').patch(`/v1/tickets/${ticket.id}`, { priority: 'medium' }, { headers: { 'if-match': '*' } });
      expect(star.status).toBe(200);
      const weak = await api.as('admin').patch(`/v1/tickets/${ticket.id}`, { priority: 'high' }, { headers: { 'if-match': `W/${star.headers.get('etag')}` } });
      expect(weak.status).toBe(412);
      const malformed = await api.as('admin').patch(`/v1/tickets/${ticket.id}`, { priority: 'high' }, { headers: { 'if-match': '3' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors[0]).toMatchObject({ location: 'header', path: 'If-Match' });
      // The precondition never reveals an invisible ticket.
      const hidden = await api.as('customer2').patch(`/v1/tickets/${ticket.id}`, { title: 'x' }, { headers: { 'if-match': '"1"' } });
      expect(hidden.status).toBe(404);
    });

    it('answers bad input with 4xx problems', async () => {
      const admin = api.as('admin');
      const url = `/v1/tickets/${ids.foreign}`;
      const cases: { body: unknown; path: string }[] = [
        { body: {}, path: '' },
        { body: { status: 'closed' }, path: '' },
        { body: { assignee_id: users.agent }, path: '' },
        { body: { tag_ids: [] }, path: '' },
        { body: { requester_id: users.customer }, path: '' },
        { body: { title: null }, path: 'title' },
        { body: { title: '' }, path: 'title' },
        { body: { priority: null }, path: 'priority' },
        { body: { team_id: 'x' }, path: 'team_id' },
        { body: { actual_hours: 'lots' }, path: 'actual_hours' },
        { body: { metadata: 'x' }, path: 'metadata' },
        { body: { due_at: 'tomorrow' }, path: 'due_at' },
        { body: null, path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await admin.patch(url, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await admin.request('PATCH', url, { raw: '{', headers: { 'content-type': 'application/json' } })).body.code).toBe('malformed_request');
      expect((await admin.request('PATCH', url, { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await admin.patch('/v1/tickets/123', { title: 'x' })).status).toBe(400);
      expect((await admin.patch(`/v1/tickets/${MISSING}`, { title: 'x' })).status).toBe(404);
      expect((await admin.patch(url, { category_id: MISSING })).status).toBe(422);
    });
  });

  describe('deleteTicket', () => {
    it('lets admins delete, keeps the history for them, and 404s afterwards', async () => {
      const ticket = await supportTicket();
      // Children go with the ticket (their APIs are other areas', so write the rows directly).
      await api.db.query("insert into comments (ticket_id, author_id, body) values ($1, $2, 'A note')", [ticket.id, users.agent]);
      await api.db.query(
        `insert into attachments (ticket_id, file_name, mime_type, size_bytes, sha256, storage_key)
         values ($1, 'log.txt', 'text/plain', 3, repeat('a', 64), $2)`,
        [ticket.id, `key-${ticket.id}`],
      );
      // Escalated by a person (the engine's own escalations leave the version alone).
      const escalated = await api.as('manager').post(`/v1/tickets/${ticket.id}/escalations`, { reason: 'Stuck', to_user_id: users.agent });
      expect(escalated.status, JSON.stringify(escalated.body)).toBe(201);
      await api.db.query(
        "insert into notifications (user_id, ticket_id, type, title, body) values ($1, $2, 'comment_added', 'New', 'Body')",
        [users.customer, ticket.id],
      );
      for (const user of ['customer', 'agent', 'manager'] as const) {
        const res = await api.as(user).delete(`/v1/tickets/${ticket.id}`);
        expect(res.status, user).toBe(403);
        expect(res.body.detail).toBe('Only admins may delete tickets.');
      }
      expect((await api.as('customer2').delete(`/v1/tickets/${ticket.id}`)).status).toBe(404);
      const stale = await api.as('admin').delete(`/v1/tickets/${ticket.id}`, { headers: { 'if-match': '"999"' } });
      expect(stale.status).toBe(412);
      // The escalation raised the ticket's level, and with it its version: only the current ETag deletes.
      expect((await api.as('admin').delete(`/v1/tickets/${ticket.id}`, { headers: { 'if-match': `"${ticket.version}"` } })).status).toBe(412);
      const current = (await api.as('admin').get(`/v1/tickets/${ticket.id}`)).headers.get('etag')!;
      const res = await api.as('admin').delete(`/v1/tickets/${ticket.id}`, { headers: { 'if-match': current } });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await api.as('admin').get(`/v1/tickets/${ticket.id}`)).status).toBe(404);
      for (const table of ['comments', 'attachments', 'escalations', 'notifications']) {
        expect((await api.db.query(`select 1 from ${table} where ticket_id = $1`, [ticket.id])).rows, table).toEqual([]);
      }
      expect((await api.as('admin').delete(`/v1/tickets/${ticket.id}`)).status).toBe(404);
      const history = await api.as('admin').get(`/v1/tickets/${ticket.id}/history?limit=100`);
      expect(history.status).toBe(200);
      expect(history.body.data.at(-1)).toMatchObject({ action: 'deleted', actor_id: users.admin });
      expect((await api.as('customer').get(`/v1/tickets/${ticket.id}/history`)).status).toBe(404);
    });

    it('answers a bad id with 400', async () => {
      expect((await api.as('admin').delete('/v1/tickets/nope')).status).toBe(400);
    });
  });

  describe('addTicketTag and removeTicketTag', () => {
    it('tags and untags idempotently as staff, without changing the version', async () => {
      const ticket = await supportTicket();
      const url = `/v1/tickets/${ticket.id}/tags/${ids.outage}`;
      for (let i = 0; i < 2; i++) {
        const res = await api.as('agent').put(url);
        expect(res.status).toBe(204);
      }
      const tagged = await api.as('agent').get(`/v1/tickets/${ticket.id}`);
      expect(tagged.body.tag_ids).toEqual([ids.outage]);
      expect(tagged.body.version).toBe(ticket.version);
      const list = await api.as('agent').get(`/v1/tickets?tag=${ids.outage}&limit=100`);
      expect(list.body.data.map((t: { id: string }) => t.id)).toContain(ticket.id);
      for (let i = 0; i < 2; i++) expect((await api.as('manager').delete(url)).status).toBe(204);
      expect((await api.as('agent').get(`/v1/tickets/${ticket.id}`)).body.tag_ids).toEqual([]);
      const entries = (await historyOf(ticket.id)).filter((h) => h.field === 'tags');
      expect(entries).toHaveLength(2);
      expect(entries.every((h) => h.is_internal)).toBe(true);
    });

    it('refuses customers (403), and 404s for an invisible ticket or an unknown tag', async () => {
      const url = `/v1/tickets/${ids.mine}/tags/${ids.outage}`;
      const put = await api.as('customer').put(url);
      expect(put.status).toBe(403);
      const del = await api.as('customer').delete(`/v1/tickets/${ids.mine}/tags/${ids.vip}`);
      expect(del.status).toBe(403);
      expect((await api.as('agent').get(`/v1/tickets/${ids.mine}`)).body.tag_ids).toEqual([ids.vip]);
      expect((await api.as('agent2').put(url)).status).toBe(404);
      expect((await api.as('agent2').delete(url)).status).toBe(404);
      const unknownTag = await api.as('agent').put(`/v1/tickets/${ids.mine}/tags/${MISSING}`);
      expect(unknownTag.status).toBe(404);
      expect(unknownTag.body.detail).toBe('No tag with this id.');
      expect((await api.as('agent').delete(`/v1/tickets/${ids.mine}/tags/${MISSING}`)).status).toBe(404);
      expect((await api.as('agent').put(`/v1/tickets/${ids.mine}/tags/vip`)).status).toBe(400);
      expect((await api.as('agent').delete(`/v1/tickets/x/tags/${ids.vip}`)).status).toBe(400);
      // Staff who merely see a ticket may tag it: tagging is triage.
      expect((await api.as('agent').put(`/v1/tickets/${ids.queue}/tags/${ids.outage}`)).status).toBe(204);
      expect((await api.as('agent').delete(`/v1/tickets/${ids.queue}/tags/${ids.outage}`)).status).toBe(204);
    });
  });

  describe('listTicketHistory', () => {
    it('pages through every entry in order, with no gaps or repeats', async () => {
      const ticket = await supportTicket();
      for (const priority of ['high', 'low', 'urgent', 'medium']) {
        expect((await api.as('admin').patch(`/v1/tickets/${ticket.id}`, { priority })).status).toBe(200);
      }
      const all = await api.db.query<{ id: string }>('select id from ticket_history where ticket_id = $1 order by seq', [ticket.id]);
      const seen: string[] = [];
      const seqs: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const res = await api.as('admin').get(`/v1/tickets/${ticket.id}/history${query}`);
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((e: { id: string }) => e.id));
        seqs.push(...res.body.data.map((e: { seq: number }) => e.seq));
        cursor = res.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(all.rows.map((r) => r.id));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const first = await api.as('admin').get(`/v1/tickets/${ticket.id}/history?limit=1`);
      expect(first.body.data[0]).toMatchObject({ action: 'created', actor_id: users.customer, ticket_id: ticket.id, is_internal: false, field: null, old_value: null });
      expect(first.body.data[0].new_value).toMatchObject({ title: ticket.title, status: 'new' });
    });

    it('hides internal entries from customers, and 404s for tickets the caller cannot see', async () => {
      const customer = await api.as('customer').get(`/v1/tickets/${ids.mine}/history?limit=100`);
      const agent = await api.as('agent').get(`/v1/tickets/${ids.mine}/history?limit=100`);
      expect(customer.status).toBe(200);
      expect(agent.body.data.some((e: { is_internal: boolean }) => e.is_internal)).toBe(true);
      expect(customer.body.data.some((e: { is_internal: boolean }) => e.is_internal)).toBe(false);
      expect(customer.body.data.length).toBeGreaterThan(0);
      expect(customer.body.data.length).toBeLessThan(agent.body.data.length);
      for (const user of ['customer2', 'agent2', 'spare'] as const) {
        expect((await api.as(user).get(`/v1/tickets/${ids.mine}/history`)).status, user).toBe(404);
      }
      expect((await api.as('admin').get(`/v1/tickets/${MISSING}/history`)).status).toBe(404);
    });

    it('refuses bad parameters and cursors from another ticket', async () => {
      const admin = api.as('admin');
      expect((await admin.get('/v1/tickets/x/history')).status).toBe(400);
      expect((await admin.get(`/v1/tickets/${ids.mine}/history?limit=0`)).body.errors[0]).toMatchObject({ location: 'query', path: 'limit' });
      expect((await admin.get(`/v1/tickets/${ids.mine}/history?since=1`)).status).toBe(400);
      expect((await admin.get(`/v1/tickets/${ids.mine}/history?cursor=garbage`)).body.code).toBe('invalid_cursor');
      const page = await admin.get(`/v1/tickets/${ids.mine}/history?limit=1`);
      const reused = await admin.get(`/v1/tickets/${ids.foreign}/history?limit=1&cursor=${page.body.next_cursor}`);
      expect(reused.status).toBe(400);
      expect(reused.body.code).toBe('invalid_cursor');
    });
  });
});
