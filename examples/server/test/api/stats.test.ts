import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const ROLE: Record<UserKey, string> = {
  admin: 'admin', manager: 'manager', agent: 'agent', agent2: 'agent', customer: 'customer', customer2: 'customer', spare: 'customer',
};

interface Seed {
  requester: 'customer' | 'customer2';
  priority: 'urgent' | 'high' | 'medium' | 'low';
  /** Statuses to walk through after `new`, as an admin. */
  path: string[];
  ageMinutes: number;
  team?: boolean;
  firstResponseAfterMinutes?: number;
  resolutionDueInMinutes?: number;
  breached?: boolean;
  escalated?: boolean;
  rating?: number;
}

/**
 * The tickets of a department of their own, so the numbers below can be worked out by hand. Nobody
 * is assigned, so agents and managers of other departments see only the unassigned new/open ones
 * (the pick-up queue).
 */
const SEEDS: Record<string, Seed> = {
  t1: { requester: 'customer', priority: 'urgent', path: [], ageMinutes: 180, resolutionDueInMinutes: -60 },
  t2: { requester: 'customer', priority: 'high', path: ['open', 'in_progress'], ageMinutes: 120, team: true, firstResponseAfterMinutes: 30, escalated: true },
  t3: { requester: 'customer', priority: 'medium', path: ['open', 'in_progress', 'resolved'], ageMinutes: 240, firstResponseAfterMinutes: 60, rating: 5 },
  t4: { requester: 'customer', priority: 'low', path: ['open', 'in_progress', 'resolved', 'closed'], ageMinutes: 360, rating: 2 },
  t5: { requester: 'customer', priority: 'medium', path: ['open', 'in_progress', 'pending'], ageMinutes: 60, breached: true },
  u1: { requester: 'customer2', priority: 'urgent', path: ['open'], ageMinutes: 30, team: true, resolutionDueInMinutes: 24 * 60 },
  u2: { requester: 'customer2', priority: 'medium', path: ['open', 'in_progress', 'resolved'], ageMinutes: 120, rating: 1 },
};

describe.each(engines)('ticket statistics over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let department: string;
  let team: string;
  /** The database's now() when the seeds were written: every age above is relative to it. */
  let seededAt: Date;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    const { users } = api.world;
    await api.db.transaction(async (tx) => {
      const actAs = (user: UserKey) =>
        tx.query("select set_config('app.user_id', $1, true), set_config('app.role', $2, true)", [users[user], ROLE[user]]);
      const one = async (sql: string, params: unknown[] = []) => (await tx.query<{ id: string }>(sql, params)).rows[0]!.id;
      seededAt = (await tx.query<{ now: Date }>('select now()')).rows[0]!.now;
      department = await one("insert into departments (name) values ('Statistics') returning id");
      team = await one("insert into teams (name, department_id) values ('Counters', $1) returning id", [department]);
      for (const seed of Object.values(SEEDS)) {
        await actAs(seed.requester);
        const id = await one(
          `insert into tickets (title, priority, department_id, team_id, created_at)
           values ('Counting', $1, $2, $3, now() - make_interval(mins => $4)) returning id`,
          [seed.priority, department, seed.team ? team : null, seed.ageMinutes],
        );
        await actAs('admin');
        for (const status of seed.path) await tx.query('update tickets set status = $2 where id = $1', [id, status]);
        await tx.query(
          `update tickets set
             first_responded_at = created_at + make_interval(mins => $2),
             resolution_due_at = now() + make_interval(mins => $3),
             sla_breached_at = case when $4 then now() end
           where id = $1`,
          [id, seed.firstResponseAfterMinutes ?? null, seed.resolutionDueInMinutes ?? null, seed.breached ?? false],
        );
        if (seed.escalated) {
          await actAs('manager');
          await tx.query("insert into escalations (ticket_id, reason, escalation_type) values ($1, 'Stuck', 'manual')", [id]);
        }
        if (seed.rating) {
          await actAs(seed.requester);
          await tx.query('insert into ticket_feedback (ticket_id, customer_id, rating) values ($1, $2, $3)', [id, users[seed.requester], seed.rating]);
        }
      }
      await tx.query("select set_config('app.user_id', '', true), set_config('app.role', '', true)");
    });
  });
  afterAll(() => api.close());

  const stats = async (user: UserKey, query = `department_id=${department}`) => {
    const res = await api.as(user).get(`/v1/stats/tickets?${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  it('computes every number over all the tickets an admin sees', async () => {
    expect(await stats('admin')).toEqual({
      total: 7,
      by_status: { new: 1, open: 1, in_progress: 1, pending: 1, resolved: 2, closed: 1 },
      by_priority: { urgent: 2, high: 1, medium: 3, low: 1 },
      open: 4,
      overdue: 2,
      escalated: 1,
      avg_first_response_minutes: 45,
      avg_resolution_minutes: 240,
      csat: { average: 2.67, responses: 3 },
    });
  });

  it('gives a customer the numbers of their own tickets only', async () => {
    expect(await stats('customer')).toEqual({
      total: 5,
      by_status: { new: 1, open: 0, in_progress: 1, pending: 1, resolved: 1, closed: 1 },
      by_priority: { urgent: 1, high: 1, medium: 2, low: 1 },
      open: 3,
      overdue: 2,
      escalated: 1,
      avg_first_response_minutes: 45,
      avg_resolution_minutes: 300,
      csat: { average: 3.5, responses: 2 },
    });
    const customer2 = await stats('customer2');
    expect(customer2).toMatchObject({ total: 2, open: 1, overdue: 0, avg_resolution_minutes: 120, csat: { average: 1, responses: 1 } });
    expect(await stats('spare')).toEqual({
      total: 0,
      by_status: { new: 0, open: 0, in_progress: 0, pending: 0, resolved: 0, closed: 0 },
      by_priority: { urgent: 0, high: 0, medium: 0, low: 0 },
      open: 0,
      overdue: 0,
      escalated: 0,
      avg_first_response_minutes: null,
      avg_resolution_minutes: null,
      csat: { average: null, responses: 0 },
    });
  });

  it('gives agents and managers of other departments only the pick-up queue', async () => {
    for (const user of ['agent', 'agent2', 'manager'] as const) {
      const body = await stats(user);
      expect(body, user).toMatchObject({
        total: 2,
        by_status: { new: 1, open: 1, in_progress: 0, pending: 0, resolved: 0, closed: 0 },
        by_priority: { urgent: 2, high: 0, medium: 0, low: 0 },
        open: 2,
        overdue: 1,
        escalated: 0,
        avg_resolution_minutes: null,
        csat: { average: null, responses: 0 },
      });
    }
  });

  it('counts exactly the tickets each role may read, without filters', async () => {
    const own = await api.db.query<{ n: number }>('select count(*)::int as n from tickets where requester_id = $1', [api.world.users.customer]);
    expect((await stats('customer', '')).total).toBe(own.rows[0]!.n);
    const all = await api.db.query<{ n: number }>('select count(*)::int as n from tickets');
    expect((await stats('admin', '')).total).toBe(all.rows[0]!.n);
    for (const user of ['agent', 'agent2', 'manager', 'customer2'] as const) {
      const visible = await api.db.transaction(async (tx) => {
        await tx.exec('set local role ticketflow_app');
        await tx.query('select app.bind_actor($1)', [api.world.users[user]]);
        return (await tx.query<{ n: number }>('select count(*)::int as n from tickets')).rows[0]!.n;
      });
      expect((await stats(user, '')).total, user).toBe(visible);
      expect(visible).toBeLessThan(all.rows[0]!.n);
    }
  });

  it('filters by team and by creation time', async () => {
    expect(await stats('admin', `team_id=${team}`)).toMatchObject({ total: 2, by_priority: { urgent: 1, high: 1 }, escalated: 1 });
    const minutesAgo = (minutes: number) => new Date(seededAt.getTime() - minutes * 60_000).toISOString();
    const window = `department_id=${department}&created_after=${minutesAgo(150)}&created_before=${encodeURIComponent(minutesAgo(45))}`;
    expect(await stats('admin', window)).toMatchObject({ total: 3, by_status: { in_progress: 1, pending: 1, resolved: 1 } });
    const unknownTeam = await stats('admin', 'team_id=7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f');
    expect(unknownTeam.total).toBe(0);
  });

  it('answers bad input with 400 problems naming the parameter', async () => {
    const cases: [string, string][] = [
      ['created_after=yesterday', 'created_after'],
      ['created_before=2024-01-01', 'created_before'],
      ['department_id=support', 'department_id'],
      ['team_id=1', 'team_id'],
      ['status=open', ''],
      [`department_id=${department}&department_id=${department}`, 'department_id'],
    ];
    for (const [query, path] of cases) {
      const res = await api.as('admin').get(`/v1/stats/tickets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path), query).toContain(path);
    }
  });

  it('needs tickets:read for API keys, and credentials', async () => {
    const key = async (scopes: string[]) => {
      const { key, prefix, hash } = generateApiKey();
      await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
        `stats ${scopes.join(' ')}`, prefix, hash, api.world.users.customer, scopes]);
      return key;
    };
    const kbOnly = await api.withToken(await key(['kb:read'])).get('/v1/stats/tickets');
    expect(kbOnly.status).toBe(403);
    expect(kbOnly.body.code).toBe('insufficient_scope');
    const reader = await api.withToken(await key(['tickets:read'])).get(`/v1/stats/tickets?department_id=${department}`);
    expect(reader.status).toBe(200);
    expect(reader.body.total).toBe(5);
    expect((await api.anonymous().get('/v1/stats/tickets')).status).toBe(401);
  });

  // Last: it moves the app's clock, which the other tests' expectations assume unmoved.
  it('measures overdue against the server clock', async () => {
    api.clock.advance(2 * 24 * 3600);
    expect((await stats('admin')).overdue).toBe(3);
  });
});
