/**
 * The list of live SLA states over HTTP. Tickets are written as the owner at chosen ages before a
 * moment T (the database's now() when they were seeded), with the due columns the SLA engine would
 * have stored on them; the app's clock is then set to T. The policies count every minute (24/7), so
 * each due time is the creation time plus the target, worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MINUTE = 60_000;

type Key = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I';

interface Seed {
  priority: 'high' | 'medium' | 'low';
  ageMinutes: number;
  department: 'support' | 'infra';
  team?: 'alpha' | 'beta';
  assignee?: UserKey;
  path: string[];
  /** Minutes after creation of the first public reply by staff. */
  respondedAfter?: number;
  /** What the engine stored: the policy, the due times and the breach, in minutes relative to T. */
  storedPolicy: 'high' | 'medium' | null;
  frDue?: number;
  resDue?: number;
  breachedAt?: number;
}

// High 24/7: respond in 60, resolve in 480, at risk 30 minutes before. Medium 24/7: 120 and 960, no
// threshold. Low: no policy.
const SEEDS: Record<Key, Seed> = {
  // Created T-100: first response due T-40 and not given, so breached at T-40 (not yet stamped by the
  // engine). The engine's stored policy is stale (medium): the live state uses the matching one.
  A: { priority: 'high', ageMinutes: 100, department: 'support', team: 'alpha', assignee: 'agent', path: ['open'], storedPolicy: 'medium', frDue: -40, resDue: 380 },
  // Created T-20, answered T-10 (due T+40: met); resolution due T+460: running.
  B: { priority: 'high', ageMinutes: 20, department: 'support', team: 'alpha', assignee: 'agent', path: ['open', 'in_progress'], respondedAfter: 10, storedPolicy: 'high', frDue: 40, resDue: 460 },
  // Created T-440, answered; resolution due T+40: 40 minutes left, more than 30, so running.
  C: { priority: 'high', ageMinutes: 440, department: 'support', team: 'alpha', path: ['open', 'in_progress'], respondedAfter: 30, storedPolicy: 'high', frDue: -380, resDue: 40 },
  // Created T-460, answered; resolution due T+20: within 30 minutes, at risk.
  D: { priority: 'high', ageMinutes: 460, department: 'support', team: 'alpha', assignee: 'agent', path: ['open', 'in_progress'], respondedAfter: 30, storedPolicy: 'high', frDue: -400, resDue: 20 },
  // Created T-30, pending: the resolution clock stands still; the first response (due T+90) runs.
  E: { priority: 'medium', ageMinutes: 30, department: 'support', team: 'alpha', assignee: 'agent', path: ['open', 'in_progress', 'pending'], storedPolicy: 'medium', frDue: 90, resDue: 930 },
  // Created T-1010, answered; resolution due T-50, missed and stamped by the engine.
  F: { priority: 'medium', ageMinutes: 1010, department: 'support', path: ['open', 'in_progress'], respondedAfter: 30, storedPolicy: 'medium', frDue: -890, resDue: -50, breachedAt: -50 },
  // No policy for low tickets.
  G: { priority: 'low', ageMinutes: 10, department: 'support', team: 'alpha', path: ['open', 'in_progress'], storedPolicy: null },
  // Resolved: not open.
  H: { priority: 'high', ageMinutes: 30, department: 'support', team: 'alpha', assignee: 'agent', path: ['open', 'in_progress', 'resolved'], respondedAfter: 5, storedPolicy: 'high', frDue: 30, resDue: 450 },
  // Another department: created T-50, answered; resolution due T+430, running.
  I: { priority: 'high', ageMinutes: 50, department: 'infra', team: 'beta', assignee: 'agent2', path: ['open', 'in_progress'], respondedAfter: 10, storedPolicy: 'high', frDue: 10, resDue: 430 },
};

describe.each(engines)('SLA state list over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let T: number;
  const ids = {} as Record<Key, string>;
  const policies = {} as Record<'high' | 'medium', string>;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    const { users, ids: world } = api.world;
    await api.db.transaction(async (tx) => {
      const one = async (sql: string, params: unknown[] = []) => (await tx.query<{ id: string }>(sql, params)).rows[0]!.id;
      T = (await tx.query<{ now: Date }>('select now()')).rows[0]!.now.getTime();
      policies.high = await one(
        `insert into sla_policies (name, priority, response_time_minutes, resolution_time_minutes, escalation_threshold_minutes, business_hours_only, effective_from)
         values ('High 24/7', 'high', 60, 480, 30, false, '2020-01-01') returning id`,
      );
      policies.medium = await one(
        `insert into sla_policies (name, priority, response_time_minutes, resolution_time_minutes, business_hours_only, effective_from)
         values ('Medium 24/7', 'medium', 120, 960, false, '2020-01-01') returning id`,
      );
      const minutes = (offset: number | undefined) => (offset === undefined ? null : new Date(T + offset * MINUTE));
      for (const [key, seed] of Object.entries(SEEDS) as [Key, Seed][]) {
        const id = await one(
          `insert into tickets (title, requester_id, created_by, department_id, team_id, priority, created_at)
           values ($1, $2, $2, $3, $4, $5, now() - make_interval(mins => $6)) returning id`,
          [`SLA list ${key}`, users.customer, world[seed.department], seed.team ? world[seed.team] : null, seed.priority, seed.ageMinutes],
        );
        ids[key] = id;
        if (seed.assignee) await tx.query('update tickets set assignee_id = $2 where id = $1', [id, users[seed.assignee]]);
        for (const status of seed.path) await tx.query('update tickets set status = $2 where id = $1', [id, status]);
        await tx.query(
          `update tickets set first_responded_at = created_at + make_interval(mins => $2),
                  sla_policy_id = $3, first_response_due_at = $4, resolution_due_at = $5, sla_breached_at = $6
            where id = $1`,
          [id, seed.respondedAfter ?? null, seed.storedPolicy ? policies[seed.storedPolicy] : null, minutes(seed.frDue), minutes(seed.resDue), minutes(seed.breachedAt)],
        );
      }
    });
    api.clock.set(new Date(T));
  });
  afterAll(() => api.close());

  const at = (offsetMinutes: number) => new Date(T + offsetMinutes * MINUTE).toISOString();
  const keyOf = (ticketId: string) => (Object.keys(ids) as Key[]).find((key) => ids[key] === ticketId) ?? ticketId;

  async function list(user: UserKey, query = '') {
    const res = await api.as(user).get(`/v1/sla/tickets${query ? `?${query}` : ''}`);
    expect(res.status, res.text).toBe(200);
    return res.body as { data: Record<string, any>[]; next_cursor: string | null };
  }
  const keys = async (user: UserKey, query = '') => (await list(user, query)).data.map((item) => keyOf(item.ticket_id));

  it('lists the open tickets under a policy, most urgent first, with their live state', async () => {
    const page = await list('admin');
    expect(page.next_cursor).toBeNull();
    expect(page.data.map((item) => [keyOf(item.ticket_id), item.sla_status, item.next_due_at])).toEqual([
      ['F', 'breached', at(-50)],
      ['A', 'breached', at(-40)],
      ['D', 'at_risk', at(20)],
      ['C', 'running', at(40)],
      ['E', 'paused', at(90)],
      ['I', 'running', at(430)],
      ['B', 'running', at(460)],
    ]);

    const byKey = Object.fromEntries(page.data.map((item) => [keyOf(item.ticket_id), item]));
    // A: the policy is the one matching its priority, not the stale one stored on it; the breach is
    // computed live (due T-40, 40 minutes ago).
    expect(byKey.A).toMatchObject({ ticket_status: 'open', priority: 'high', assignee_id: api.world.users.agent, team_id: api.world.ids.alpha });
    expect(byKey.A!.ticket_number).toMatch(/^[A-Z]+-\d{4}-\d{5,}$/);
    expect(byKey.A!.title).toBe('SLA list A');
    expect(byKey.A!.sla.policy.id).toBe(policies.high);
    expect(byKey.A!.sla.first_response).toMatchObject({ status: 'breached', due_at: at(-40), remaining_seconds: -40 * 60, breached: true });
    expect(byKey.A!.sla.breached_at).toBe(at(-40));
    // D: 20 minutes left of the resolution.
    expect(byKey.D!.sla.resolution).toMatchObject({ status: 'at_risk', due_at: at(20), remaining_seconds: 20 * 60 });
    expect(byKey.D!.sla.first_response.status).toBe('met');
    // E: the resolution stands still, the first response runs.
    expect(byKey.E!.sla).toMatchObject({ paused: true, resolution: { status: 'paused' }, first_response: { status: 'running', due_at: at(90) } });
    // F: the stamped breach time is reported.
    expect(byKey.F!.sla).toMatchObject({ breached_at: at(-50), resolution: { status: 'breached', due_at: at(-50) } });
    expect(byKey.F).toMatchObject({ assignee_id: null, team_id: null, ticket_status: 'in_progress' });
    expect(byKey.F!.sla.computed_at).toBe(at(0));
  });

  it('filters by SLA status, one or several', async () => {
    expect(await keys('admin', 'status=breached')).toEqual(['F', 'A']);
    expect(await keys('admin', 'status=at_risk&status=paused')).toEqual(['D', 'E']);
    expect(await keys('admin', 'status=running')).toEqual(['C', 'I', 'B']);
    expect(await keys('admin', 'status=paused')).toEqual(['E']);
  });

  it('finds the tickets breaching within N minutes: not yet breached, next due time at most N minutes away', async () => {
    // D is due at T+20, C at T+40, E (its first response) at T+90; F and A are already breached.
    expect(await keys('admin', 'breaching_within=60')).toEqual(['D', 'C']);
    expect(await keys('admin', 'breaching_within=90')).toEqual(['D', 'C', 'E']);
    expect(await keys('admin', 'breaching_within=19')).toEqual([]);
    expect(await keys('admin', 'breaching_within=60&status=running')).toEqual(['C']);
    // Twenty minutes later D is breached (and leaves), C has 20 minutes left.
    api.clock.set(new Date(T + 21 * MINUTE));
    try {
      expect(await keys('admin', 'breaching_within=60')).toEqual(['C']);
      expect(await keys('admin', 'status=breached')).toEqual(['F', 'A', 'D']);
    } finally {
      api.clock.set(new Date(T));
    }
  });

  it('filters by assignee, team and priority', async () => {
    expect(await keys('admin', `assignee_id=${api.world.users.agent}`)).toEqual(['A', 'D', 'E', 'B']);
    expect(await keys('admin', 'assignee_id=none')).toEqual(['F', 'C']);
    expect(await keys('admin', `team_id=${api.world.ids.alpha}`)).toEqual(['A', 'D', 'C', 'E', 'B']);
    expect(await keys('admin', 'priority=medium')).toEqual(['F', 'E']);
    expect(await keys('admin', 'priority=medium&priority=high&status=running')).toEqual(['C', 'I', 'B']);
  });

  it('shows each member of staff the tickets they can see, and refuses customers', async () => {
    expect(await keys('agent')).toEqual(['F', 'A', 'D', 'C', 'E', 'B']);
    expect(await keys('manager')).toEqual(['F', 'A', 'D', 'C', 'E', 'B']);
    expect(await keys('agent2')).toEqual(['I']);
    const customer = await api.as('customer').get('/v1/sla/tickets');
    expect(customer.status).toBe(403);
    expect(customer.body.code).toBe('forbidden');
  });

  it('pages with a cursor bound to the filters', async () => {
    const first = await list('admin', 'limit=3');
    expect(first.data.map((item) => keyOf(item.ticket_id))).toEqual(['F', 'A', 'D']);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await list('admin', `limit=3&cursor=${first.next_cursor}`);
    expect(second.data.map((item) => keyOf(item.ticket_id))).toEqual(['C', 'E', 'I']);
    const third = await list('admin', `limit=3&cursor=${second.next_cursor}`);
    expect(third.data.map((item) => keyOf(item.ticket_id))).toEqual(['B']);
    expect(third.next_cursor).toBeNull();

    // Filtered after the live state is computed: pages still follow on.
    const running = await list('admin', 'status=running&limit=2');
    expect(running.data.map((item) => keyOf(item.ticket_id))).toEqual(['C', 'I']);
    const rest = await list('admin', `status=running&limit=2&cursor=${running.next_cursor}`);
    expect(rest.data.map((item) => keyOf(item.ticket_id))).toEqual(['B']);
    expect(rest.next_cursor).toBeNull();

    const other = await api.as('admin').get(`/v1/sla/tickets?limit=3&status=breached&cursor=${first.next_cursor}`);
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('invalid_cursor');
    const garbage = await api.as('admin').get('/v1/sla/tickets?cursor=not-a-cursor');
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('invalid_cursor');
  });

  it('refuses bad filters, missing scopes and credentials', async () => {
    for (const query of ['status=late', 'breaching_within=0', 'breaching_within=10081', 'breaching_within=soon', 'assignee_id=someone', 'team_id=x', 'priority=critical', 'limit=0', 'sort=due']) {
      const res = await api.as('admin').get(`/v1/sla/tickets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe('validation_failed');
    }
    const keyFor = async (scopes: string[]) => {
      const { key, prefix, hash } = generateApiKey();
      await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
        'sla-list', prefix, hash, api.world.users.agent, scopes,
      ]);
      return key;
    };
    expect((await api.withToken(await keyFor(['tickets:read'])).get('/v1/sla/tickets')).status).toBe(200);
    const kb = await api.withToken(await keyFor(['kb:read'])).get('/v1/sla/tickets');
    expect(kb.status).toBe(403);
    expect(kb.body.code).toBe('insufficient_scope');
    expect((await api.anonymous().get('/v1/sla/tickets')).status).toBe(401);
  });

  it('reads on past tickets the live state drops until a page is full', async () => {
    // 105 tickets of a team of their own whose first response is overdue (breached, not yet stamped)
    // sort before the two that run: a page of running tickets must read past all of them.
    const bulkTeam = (await api.db.query<{ id: string }>("insert into teams (name, department_id) values ('Bulk', $1) returning id", [api.world.ids.support]))
      .rows[0]!.id;
    await api.db.query(
      `insert into tickets (title, requester_id, created_by, department_id, team_id, priority, created_at,
                            sla_policy_id, first_response_due_at, resolution_due_at)
       select 'Bulk ' || n, $1, $1, $2, $3, 'high', $4::timestamptz - interval '100 minutes',
              $5, $4::timestamptz - interval '40 minutes', $4::timestamptz + interval '380 minutes'
         from generate_series(1, 105) n`,
      [api.world.users.customer, api.world.ids.support, bulkTeam, new Date(T), policies.high],
    );
    const running = async (ageMinutes: number, title: string) => {
      const { rows } = await api.db.query<{ id: string }>(
        `insert into tickets (title, requester_id, created_by, department_id, team_id, priority, created_at, first_responded_at,
                              sla_policy_id, first_response_due_at, resolution_due_at)
         values ($1, $2, $2, $3, $4, 'high', $5::timestamptz - make_interval(mins => $6), $5::timestamptz - make_interval(mins => $6 - 5),
                 $7, $5::timestamptz - make_interval(mins => $6 - 60), $5::timestamptz - make_interval(mins => $6 - 480)) returning id`,
        [title, api.world.users.customer, api.world.ids.support, bulkTeam, new Date(T), ageMinutes, policies.high],
      );
      return rows[0]!.id;
    };
    // Resolution due at T+200 and T+300.
    const r1 = await running(280, 'Runs 1');
    const r2 = await running(180, 'Runs 2');

    const first = await list('admin', `team_id=${bulkTeam}&status=running&limit=1`);
    expect(first.data.map((item) => item.ticket_id)).toEqual([r1]);
    expect(first.data[0]!.next_due_at).toBe(at(200));
    const second = await list('admin', `team_id=${bulkTeam}&status=running&limit=1&cursor=${first.next_cursor}`);
    expect(second.data.map((item) => item.ticket_id)).toEqual([r2]);
    expect(second.next_cursor).toBeNull();

    const breached = await list('admin', `team_id=${bulkTeam}&status=breached&limit=100`);
    expect(breached.data).toHaveLength(100);
    expect(breached.data.every((item) => item.sla_status === 'breached' && item.next_due_at === at(-40))).toBe(true);
    const lastBreached = await list('admin', `team_id=${bulkTeam}&status=breached&limit=100&cursor=${breached.next_cursor}`);
    expect(lastBreached.data).toHaveLength(5);
    expect(lastBreached.next_cursor).toBeNull();
  });
});
