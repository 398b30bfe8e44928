/**
 * The ticket workflow over HTTP: assign, start, pend, resolve, close and reopen, as each role, from
 * every status, with If-Match and Idempotency-Key, and bad input for each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

type Status = 'new' | 'open' | 'in_progress' | 'pending' | 'resolved' | 'closed';

/** The workflow as the design states it, written out independently of the trigger. */
const NEXT: Record<Status, Status[]> = {
  new: ['open'],
  open: ['in_progress'],
  in_progress: ['pending', 'resolved'],
  pending: ['in_progress', 'resolved'],
  resolved: ['closed', 'open'],
  closed: ['open'],
};
const PATH_TO: Record<Status, Status[]> = {
  new: [],
  open: ['open'],
  in_progress: ['open', 'in_progress'],
  pending: ['open', 'in_progress', 'pending'],
  resolved: ['open', 'in_progress', 'resolved'],
  closed: ['open', 'in_progress', 'resolved', 'closed'],
};

/** Each transition: where it goes, and a body it accepts. */
const TRANSITIONS = {
  start: { to: 'in_progress', body: undefined },
  pend: { to: 'pending', body: { reason: 'Waiting for logs' } },
  resolve: { to: 'resolved', body: { resolution_notes: 'Fixed it' } },
  close: { to: 'closed', body: undefined },
  reopen: { to: 'open', body: { reason: 'Broken again' } },
} as const satisfies Record<string, { to: Status; body: object | undefined }>;

type Transition = keyof typeof TRANSITIONS;

describe.each(engines)('the ticket workflow over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let ids: Record<string, string>;
  let users: Record<UserKey, string>;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    ids = api.world.ids;
    users = api.world.users;
  });
  afterAll(() => api.close());

  /**
   * A ticket of `customer` in the support department and team Alpha, walked to `status` by the
   * owner (the workflow trigger still checks each step), assigned to `assignee` if given.
   */
  async function ticketIn(status: Status, assignee: UserKey | null = 'agent'): Promise<{ id: string; version: number }> {
    const { rows } = await api.db.query<{ id: string }>(
      `insert into tickets (title, requester_id, created_by, department_id, team_id, assignee_id)
       values ('Workflow ticket', $1, $1, $2, $3, $4) returning id`,
      [users.customer, ids.support, ids.alpha, assignee ? users[assignee] : null],
    );
    const id = rows[0]!.id;
    for (const step of PATH_TO[status]) await api.db.query('update tickets set status = $2 where id = $1', [id, step]);
    const version = await api.db.query<{ version: number }>('select version from tickets where id = $1', [id]);
    return { id, version: version.rows[0]!.version };
  }

  const post = (user: UserKey, ticketId: string, transition: string, body?: unknown, headers: Record<string, string> = {}) =>
    body === undefined
      ? api.as(user).request('POST', `/v1/tickets/${ticketId}/${transition}`, { headers })
      : api.as(user).post(`/v1/tickets/${ticketId}/${transition}`, body, { headers });

  const historyOf = async (ticketId: string) => {
    const { rows } = await api.db.query<{ action: string; field: string | null; old_value: unknown; new_value: unknown; reason: string | null; actor_id: string | null }>(
      'select action, field, old_value, new_value, reason, actor_id from ticket_history where ticket_id = $1 order by seq',
      [ticketId],
    );
    return rows;
  };

  describe('from every status', () => {
    const statuses = Object.keys(NEXT) as Status[];
    const cases = statuses.flatMap((from) => (Object.keys(TRANSITIONS) as Transition[]).map((transition) => ({ from, transition })));

    it.each(cases)('$transition from $from follows the workflow', async ({ from, transition }) => {
      const { to, body } = TRANSITIONS[transition];
      const ticket = await ticketIn(from);
      const res = await post('admin', ticket.id, transition, body);
      // start opens a new ticket on the way; every other move is one step of the workflow, and
      // reopen only brings back a resolved or closed ticket (a new one is opened by start or assign).
      const legal = (NEXT[from].includes(to) && !(transition === 'reopen' && from === 'new')) || (transition === 'start' && from === 'new');
      if (legal) {
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(to);
        expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
        expect(res.body.version).toBe(ticket.version + (transition === 'start' && from === 'new' ? 2 : 1));
      } else {
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('invalid_transition');
        const now = await api.as('admin').get(`/v1/tickets/${ticket.id}`);
        expect(now.body).toMatchObject({ status: from, version: ticket.version });
      }
    });
  });

  describe('every transition', () => {
    const all = { ...TRANSITIONS, assign: { to: 'open', body: { assignee_id: null } } };

    it.each(Object.keys(all))('%s answers malformed JSON, a wrong content type, bad and unknown ids, and invisible tickets', async (transition) => {
      const { body } = all[transition as keyof typeof all];
      const ticket = await ticketIn('in_progress', 'agent');
      const url = `/v1/tickets/${ticket.id}/${transition}`;
      const malformed = await api.as('admin').request('POST', url, { raw: '{"reason":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('malformed_request');
      const text = await api.as('admin').request('POST', url, { raw: 'please', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect(text.body.code).toBe('unsupported_media_type');
      const unknownField = await post('admin', ticket.id, transition, { ...(body ?? {}), extra: 1 });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.code).toBe('validation_failed');
      expect((await post('admin', 'TKT-2026-00001', transition, body)).status).toBe(400);
      const missing = await post('admin', MISSING, transition, body);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('not_found');
      for (const outsider of ['customer2', 'agent2'] as const) {
        expect((await post(outsider, ticket.id, transition, body)).status, outsider).toBe(404);
      }
      const unchanged = await api.as('admin').get(`/v1/tickets/${ticket.id}`);
      expect(unchanged.body).toMatchObject({ status: 'in_progress', version: ticket.version });
    });
  });

  describe('assignTicket', () => {
    it('lets an agent take unassigned queue work for themselves, which opens a new ticket', async () => {
      const ticket = await ticketIn('new', null);
      const res = await post('agent', ticket.id, 'assign', { assignee_id: users.agent });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assignee_id: users.agent, status: 'open', version: ticket.version + 1 });
      const actions = (await historyOf(ticket.id)).slice(1).map((h) => h.action).sort();
      expect(actions).toEqual(['assigned', 'status_changed']);
    });

    it('does not let agents hand work to others, give it back, or take held work', async () => {
      const queue = await ticketIn('open', null);
      expect((await post('agent', queue.id, 'assign', { assignee_id: users.agent2 })).status).toBe(403);
      const own = await ticketIn('in_progress', 'agent');
      expect((await post('agent', own.id, 'assign', { assignee_id: null })).status).toBe(403);
      const held = await ticketIn('open', 'manager');
      const res = await post('agent', held.id, 'assign', { assignee_id: users.agent });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect((await api.as('admin').get(`/v1/tickets/${held.id}`)).body.assignee_id).toBe(users.manager);
    });

    it('lets managers assign and reassign within their department and teams', async () => {
      const ticket = await ticketIn('open', 'agent');
      const res = await post('manager', ticket.id, 'assign', { assignee_id: users.agent2 });
      expect(res.status).toBe(200);
      expect(res.body.assignee_id).toBe(users.agent2);
      expect((await historyOf(ticket.id)).at(-1)).toMatchObject({ action: 'reassigned', actor_id: users.manager });
      // A queue ticket outside their scope becomes theirs to assign by moving it into their team.
      const { rows } = await api.db.query<{ id: string }>(
        "insert into tickets (title, requester_id, created_by) values ('Loose', $1, $1) returning id",
        [users.customer2],
      );
      const loose = rows[0]!.id;
      expect((await post('manager', loose, 'assign', { assignee_id: users.agent })).status).toBe(403);
      const moved = await post('manager', loose, 'assign', { assignee_id: users.agent, team_id: ids.alpha });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ assignee_id: users.agent, team_id: ids.alpha, status: 'open' });
      expect((await post('manager', ids.foreign!, 'assign', { assignee_id: users.agent })).status).toBe(404);
    });

    it('lets admins put a ticket back in the queue, keeping its status and team', async () => {
      const ticket = await ticketIn('in_progress', 'agent');
      const res = await post('admin', ticket.id, 'assign', { assignee_id: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assignee_id: null, status: 'in_progress', team_id: ids.alpha });
      expect((await historyOf(ticket.id)).at(-1)).toMatchObject({ action: 'unassigned', old_value: users.agent, new_value: null });
      const cleared = await post('admin', ticket.id, 'assign', { assignee_id: users.manager, team_id: null });
      expect(cleared.body).toMatchObject({ assignee_id: users.manager, team_id: null });
    });

    it('refuses assignees who cannot hold a ticket (422)', async () => {
      const ticket = await ticketIn('open', null);
      await api.db.query("insert into users (email, role, is_active) values ('gone@world.test', 'agent', false)");
      const { rows } = await api.db.query<{ id: string }>("select id from users where email = 'gone@world.test'");
      for (const assignee of [users.customer, rows[0]!.id, MISSING]) {
        const res = await post('admin', ticket.id, 'assign', { assignee_id: assignee });
        expect(res.status, assignee).toBe(422);
        expect(res.body.detail).toBe('assignee_id must be an active agent, manager or admin.');
      }
    });

    it('refuses customers: 403 on their own tickets, 404 on others\'', async () => {
      const own = await ticketIn('open', null);
      expect((await post('customer', own.id, 'assign', { assignee_id: users.agent })).status).toBe(403);
      expect((await post('customer', ids.foreign!, 'assign', { assignee_id: users.agent })).status).toBe(404);
    });

    it('answers bad input with 4xx problems', async () => {
      const url = ids.queue!;
      const cases: { body: unknown; path: string }[] = [
        { body: {}, path: 'assignee_id' },
        { body: { assignee_id: 'agent' }, path: 'assignee_id' },
        { body: { assignee_id: 7 }, path: 'assignee_id' },
        { body: { assignee_id: null, team_id: 'x' }, path: 'team_id' },
        { body: { assignee_id: null, status: 'open' }, path: '' },
        { body: [], path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await post('admin', url, 'assign', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await post('admin', url, 'assign')).status).toBe(415);
      const malformed = await api.as('admin').request('POST', `/v1/tickets/${url}/assign`, { raw: '{', headers: { 'content-type': 'application/json' } });
      expect(malformed.body.code).toBe('malformed_request');
      expect((await post('admin', 'nope', 'assign', { assignee_id: null })).status).toBe(400);
      expect((await post('admin', MISSING, 'assign', { assignee_id: null })).status).toBe(404);
      expect((await post('admin', url, 'assign', { assignee_id: users.agent, team_id: MISSING })).status).toBe(422);
    });
  });

  describe('startTicket', () => {
    it('opens and starts a new ticket in one step, recording both moves', async () => {
      const ticket = await ticketIn('new', 'agent');
      const res = await post('agent', ticket.id, 'start');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'in_progress', version: ticket.version + 2 });
      const moves = (await historyOf(ticket.id)).filter((h) => h.field === 'status').map((h) => [h.old_value, h.new_value]);
      expect(moves).toEqual([
        ['new', 'open'],
        ['open', 'in_progress'],
      ]);
    });

    it('resumes pending work, accepts an empty JSON object, and refuses a ticket already in progress', async () => {
      const ticket = await ticketIn('pending', 'agent');
      const res = await post('agent', ticket.id, 'start', {});
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('in_progress');
      const again = await post('agent', ticket.id, 'start');
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'invalid_transition', detail: 'The ticket is already in_progress.' });
    });

    it('is for staff who may change the ticket', async () => {
      const ticket = await ticketIn('open', 'agent');
      expect((await post('customer', ticket.id, 'start')).status).toBe(403);
      expect((await post('customer2', ticket.id, 'start')).status).toBe(404);
      expect((await post('agent2', ticket.id, 'start')).status).toBe(404);
      // Seeing queue work is not holding it: an agent takes it first (assign), then starts it.
      const queue = await ticketIn('new', null);
      const refused = await post('agent', queue.id, 'start');
      expect(refused.status).toBe(403);
      expect((await api.as('admin').get(`/v1/tickets/${queue.id}`)).body.status).toBe('new');
      expect((await post('manager', ticket.id, 'start')).status).toBe(200);
    });

    it('honours If-Match: a stale ETag changes nothing, not even the implicit opening', async () => {
      const ticket = await ticketIn('new', 'agent');
      const stale = await post('agent', ticket.id, 'start', undefined, { 'if-match': `"${ticket.version - 1}"` });
      expect(stale.status).toBe(412);
      expect((await api.as('agent').get(`/v1/tickets/${ticket.id}`)).body).toMatchObject({ status: 'new', version: ticket.version });
      const ok = await post('agent', ticket.id, 'start', undefined, { 'if-match': `"${ticket.version}"` });
      expect(ok.status).toBe(200);
    });

    it('refuses a body with fields, or one that is not JSON', async () => {
      const ticket = await ticketIn('open', 'agent');
      const withField = await post('agent', ticket.id, 'start', { status: 'resolved' });
      expect(withField.status).toBe(400);
      expect(withField.body.code).toBe('validation_failed');
      const text = await api.as('agent').request('POST', `/v1/tickets/${ticket.id}/start`, { raw: 'go', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect((await post('agent', 'x', 'start')).status).toBe(400);
      const badMatch = await post('agent', ticket.id, 'start', undefined, { 'if-match': 'latest' });
      expect(badMatch.status).toBe(400);
    });
  });

  describe('pendTicket', () => {
    it('puts work on hold with a reason the requester can read in the history', async () => {
      const ticket = await ticketIn('in_progress', 'agent');
      const res = await post('agent', ticket.id, 'pend', { reason: '  Waiting for your VPN logs  ' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('pending');
      const history = await api.as('customer').get(`/v1/tickets/${ticket.id}/history?limit=100`);
      expect(history.body.data.at(-1)).toMatchObject({
        action: 'status_changed',
        field: 'status',
        old_value: 'in_progress',
        new_value: 'pending',
        reason: 'Waiting for your VPN logs',
        actor_id: users.agent,
      });
      // The reason belongs to that change only.
      await api.as('agent').patch(`/v1/tickets/${ticket.id}`, { priority: 'low' });
      expect((await historyOf(ticket.id)).at(-1)).toMatchObject({ field: 'priority', reason: null });
    });

    it('refuses customers and bad input', async () => {
      const ticket = await ticketIn('in_progress', 'agent');
      expect((await post('customer', ticket.id, 'pend', { reason: 'I am away' })).status).toBe(403);
      for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(1001) }, { reason: 5 }, { reason: 'ok', until: 'monday' }]) {
        const res = await post('agent', ticket.id, 'pend', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      expect((await post('agent', ticket.id, 'pend')).status).toBe(415);
      expect((await post('agent', MISSING, 'pend', { reason: 'x' })).status).toBe(404);
    });
  });

  describe('resolveTicket', () => {
    it('resolves with notes and a resolution time', async () => {
      const ticket = await ticketIn('pending', 'agent');
      const res = await post('agent', ticket.id, 'resolve', { resolution_notes: 'Rolled back the gateway' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'resolved', resolution_notes: 'Rolled back the gateway', closed_at: null });
      expect(Date.parse(res.body.resolved_at)).not.toBeNaN();
    });

    it('refuses customers, other departments and bad input', async () => {
      const ticket = await ticketIn('in_progress', 'agent');
      expect((await post('customer', ticket.id, 'resolve', { resolution_notes: 'Fixed myself' })).status).toBe(403);
      expect((await post('agent2', ticket.id, 'resolve', { resolution_notes: 'x' })).status).toBe(404);
      for (const body of [{}, { resolution_notes: '' }, { resolution_notes: null }, { notes: 'x' }]) {
        expect((await post('agent', ticket.id, 'resolve', body)).status, JSON.stringify(body)).toBe(400);
      }
      expect((await api.as('agent').get(`/v1/tickets/${ticket.id}`)).body.status).toBe('in_progress');
    });
  });

  describe('closeTicket and reopenTicket', () => {
    it('lets the requester close a resolved ticket and reopen it, counting the reopening', async () => {
      const ticket = await ticketIn('resolved', 'agent');
      const closed = await post('customer', ticket.id, 'close');
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe('closed');
      expect(Date.parse(closed.body.closed_at)).not.toBeNaN();
      const reopened = await post('customer', ticket.id, 'reopen', { reason: 'It broke again' }, { 'if-match': closed.headers.get('etag')! });
      expect(reopened.status).toBe(200);
      expect(reopened.body).toMatchObject({ status: 'open', reopen_count: 1, resolved_at: null, closed_at: null });
      expect((await historyOf(ticket.id)).at(-1)).toMatchObject({ action: 'reopened', reason: 'It broke again', actor_id: users.customer });
    });

    it('reopens without a body or with an empty one, and counts every reopening', async () => {
      const ticket = await ticketIn('resolved', 'agent');
      const first = await post('agent', ticket.id, 'reopen');
      expect(first.body).toMatchObject({ status: 'open', reopen_count: 1 });
      expect((await historyOf(ticket.id)).at(-1)).toMatchObject({ action: 'reopened', reason: null });
      await post('agent', ticket.id, 'start');
      await post('agent', ticket.id, 'resolve', { resolution_notes: 'Again' });
      const second = await post('agent', ticket.id, 'reopen', {});
      expect(second.body).toMatchObject({ status: 'open', reopen_count: 2 });
    });

    it('refuses customers what only staff do, and what the workflow forbids', async () => {
      const working = await ticketIn('in_progress', 'agent');
      const close = await post('customer', working.id, 'close');
      expect(close.status).toBe(409);
      expect(close.body.code).toBe('invalid_transition');
      // Customers may only close and reopen: moving work back to open is not theirs (403).
      expect((await post('customer', working.id, 'reopen')).status).toBe(403);
      expect((await post('agent', working.id, 'reopen')).status).toBe(409);
      const open = await ticketIn('open', 'agent');
      const already = await post('agent', open.id, 'reopen');
      expect(already.status).toBe(409);
      expect(already.body.detail).toBe('The ticket is already open.');
      const resolved = await ticketIn('resolved', 'agent');
      expect((await post('customer2', resolved.id, 'close')).status).toBe(404);
      expect((await post('agent2', resolved.id, 'reopen')).status).toBe(404);
      expect((await post('agent', resolved.id, 'close', { now: true })).status).toBe(400);
      expect((await post('agent', resolved.id, 'reopen', { reason: '' })).status).toBe(400);
      expect((await post('agent', resolved.id, 'reopen', { why: 'x' })).status).toBe(400);
    });
  });

  describe('Idempotency-Key on transitions', () => {
    it('replays the first response instead of moving twice, and refuses the key with another body', async () => {
      const ticket = await ticketIn('in_progress', 'agent');
      const headers = { 'idempotency-key': `pend-${ticket.id}` };
      const first = await post('agent', ticket.id, 'pend', { reason: 'Waiting' }, headers);
      const replay = await post('agent', ticket.id, 'pend', { reason: 'Waiting' }, headers);
      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
      expect((await api.as('agent').get(`/v1/tickets/${ticket.id}`)).body.version).toBe(first.body.version);
      const other = await post('agent', ticket.id, 'pend', { reason: 'Something else' }, headers);
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      // A failed move stores nothing: the same key may be retried once the cause is fixed.
      const blocked = await ticketIn('open', 'agent');
      const retryKey = { 'idempotency-key': `resolve-${blocked.id}` };
      expect((await post('agent', blocked.id, 'resolve', { resolution_notes: 'Done' }, retryKey)).status).toBe(409);
      await post('agent', blocked.id, 'start');
      expect((await post('agent', blocked.id, 'resolve', { resolution_notes: 'Done' }, retryKey)).status).toBe(200);
    });
  });

  it('walks a whole life, and the requester reads it back without internal entries', async () => {
    const created = await api.as('customer').post('/v1/tickets', { title: 'Whole life', department_id: ids.support });
    const id = created.body.id;
    const steps: [UserKey, string, unknown][] = [
      ['agent', 'assign', { assignee_id: users.agent }],
      ['agent', 'start', undefined],
      ['agent', 'pend', { reason: 'Need a screenshot' }],
      ['agent', 'start', undefined],
      ['agent', 'resolve', { resolution_notes: 'Cleared the cache' }],
      ['customer', 'close', undefined],
      ['customer', 'reopen', { reason: 'Still broken' }],
    ];
    let etag = created.headers.get('etag')!;
    for (const [user, transition, body] of steps) {
      const res = await post(user, id, transition, body, { 'if-match': etag });
      expect(res.status, `${user} ${transition}`).toBe(200);
      etag = res.headers.get('etag')!;
    }
    await api.as('agent').put(`/v1/tickets/${id}/tags/${ids.vip}`);
    const history = await api.as('customer').get(`/v1/tickets/${id}/history?limit=100`);
    const actions = history.body.data.map((e: { action: string; new_value: unknown }) => `${e.action}:${String(e.new_value)}`);
    expect(actions).toEqual([
      'created:[object Object]',
      `assigned:${users.agent}`,
      'status_changed:open',
      'status_changed:in_progress',
      'status_changed:pending',
      'status_changed:in_progress',
      'field_updated:Cleared the cache',
      'status_changed:resolved',
      'closed:closed',
      'reopened:open',
    ]);
    const staff = await api.as('agent').get(`/v1/tickets/${id}/history?limit=100`);
    expect(staff.body.data.at(-1)).toMatchObject({ field: 'tags', is_internal: true });
  });
});
