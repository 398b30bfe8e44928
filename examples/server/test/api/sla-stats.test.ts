/**
 * SLA statistics over HTTP. The tickets are written as the owner in one transaction, so the
 * database's now() (T) is the same for every row: a ticket created `age` minutes before T and
 * resolved in that transaction took exactly `age` minutes to resolve. The engine's outputs (policy,
 * breach stamp, `sla.breached` events) are written directly. Every expected number is worked out by
 * hand from the seeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MINUTE = 60_000;
const RESOLVE = ['open', 'in_progress', 'resolved'];

interface Seed {
  department: 'support' | 'infra';
  team: 'alpha' | 'blue' | 'beta' | null;
  ageMinutes: number;
  underPolicy: boolean;
  respondedAfter?: number;
  path: string[];
  breached?: boolean;
  /** `sla.breached` events: one per missed target. */
  breachEvents?: number;
  rating?: number;
}

const SEEDS: Record<string, Seed> = {
  r1: { department: 'support', team: 'alpha', ageMinutes: 600, underPolicy: true, respondedAfter: 10, path: RESOLVE, rating: 5 },
  r2: { department: 'support', team: 'alpha', ageMinutes: 300, underPolicy: true, respondedAfter: 30, path: RESOLVE, breached: true, breachEvents: 2, rating: 3 },
  r3: { department: 'support', team: 'alpha', ageMinutes: 120, underPolicy: true, respondedAfter: 50, path: ['open', 'in_progress'] },
  r4: { department: 'support', team: 'alpha', ageMinutes: 60, underPolicy: true, path: ['open', 'in_progress'], breached: true, breachEvents: 1 },
  b1: { department: 'support', team: 'blue', ageMinutes: 400, underPolicy: true, respondedAfter: 20, path: [...RESOLVE, 'open', 'in_progress', 'resolved'], rating: 4 },
  b2: { department: 'support', team: 'blue', ageMinutes: 200, underPolicy: false, respondedAfter: 40, path: RESOLVE },
  n1: { department: 'support', team: null, ageMinutes: 100, underPolicy: true, respondedAfter: 5, path: RESOLVE },
  // Another department: only admins see it.
  x1: { department: 'infra', team: 'beta', ageMinutes: 90, underPolicy: true, respondedAfter: 15, path: RESOLVE },
  // Created before the period asked for.
  old: { department: 'support', team: 'alpha', ageMinutes: 2880, underPolicy: true, respondedAfter: 1, path: RESOLVE, breached: true, breachEvents: 1 },
};

/** Tickets at fixed instants, for the periods (no resolution: only counts are checked there). */
const DATED: { at: string; team: boolean; breached: boolean }[] = [
  { at: '2024-02-28T23:30:00Z', team: false, breached: false },
  { at: '2024-02-29T00:30:00Z', team: true, breached: true },
  { at: '2024-02-29T22:00:00Z', team: false, breached: false },
  { at: '2024-03-01T10:00:00Z', team: true, breached: false },
  { at: '2024-03-03T12:00:00Z', team: false, breached: false },
];

const none = { count: 0, p50: null, p90: null, p95: null };

describe.each(engines)('SLA statistics over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let T: number;
  let blue: string;
  let green: string;
  let dated: string;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    const { users, ids } = api.world;
    await api.db.transaction(async (tx) => {
      const one = async (sql: string, params: unknown[] = []) => (await tx.query<{ id: string }>(sql, params)).rows[0]!.id;
      T = (await tx.query<{ now: Date }>('select now()')).rows[0]!.now.getTime();
      const policy = await one(
        `insert into sla_policies (name, priority, response_time_minutes, resolution_time_minutes, business_hours_only, effective_from)
         values ('High', 'high', 60, 480, false, '2020-01-01') returning id`,
      );
      blue = await one("insert into teams (name, department_id) values ('Blue', $1) returning id", [ids.support]);
      const teamOf = { alpha: ids.alpha, beta: ids.beta, blue };
      for (const [name, seed] of Object.entries(SEEDS)) {
        const id = await one(
          `insert into tickets (title, requester_id, created_by, department_id, team_id, priority, created_at)
           values ($1, $2, $2, $3, $4, 'high', now() - make_interval(mins => $5)) returning id`,
          [`Stats ${name}`, users.customer, ids[seed.department], seed.team ? teamOf[seed.team] : null, seed.ageMinutes],
        );
        for (const status of seed.path) await tx.query('update tickets set status = $2 where id = $1', [id, status]);
        await tx.query(
          `update tickets set first_responded_at = created_at + make_interval(mins => $2), sla_policy_id = $3,
                  sla_breached_at = case when $4 then created_at + interval '1 minute' end
            where id = $1`,
          [id, seed.respondedAfter ?? null, seed.underPolicy ? policy : null, seed.breached ?? false],
        );
        for (let i = 0; i < (seed.breachEvents ?? 0); i += 1) {
          await tx.query(`select app.emit('sla.breached', $1, true, $2::jsonb)`, [id, { target: i === 0 ? 'first_response' : 'resolution', due_at: null, policy_id: policy }]);
        }
        if (seed.rating) {
          await tx.query('insert into ticket_feedback (ticket_id, customer_id, rating) values ($1, $2, $3)', [id, users.customer, seed.rating]);
        }
      }

      dated = await one("insert into departments (name) values ('Periods') returning id");
      green = await one("insert into teams (name, department_id) values ('Green', $1) returning id", [dated]);
      for (const ticket of DATED) {
        await tx.query(
          `insert into tickets (title, requester_id, created_by, department_id, team_id, created_at, sla_policy_id, sla_breached_at)
           values ('Dated', $1, $1, $2, $3, $4, $5, case when $6 then $4::timestamptz + interval '1 hour' end)`,
          [users.customer, dated, ticket.team ? green : null, ticket.at, policy, ticket.breached],
        );
      }
    });
  });
  afterAll(() => api.close());

  const iso = (ms: number) => new Date(ms).toISOString();

  async function stats(user: UserKey, query: string) {
    const res = await api.as(user).get(`/v1/stats/sla?${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /** The period with every seed but `old` in it, and none of the world's tickets (created just before T). */
  const window = () => `from=${encodeURIComponent(iso(T - 24 * 60 * MINUTE))}&to=${encodeURIComponent(iso(T - 30 * MINUTE))}`;

  it('computes compliance, breaches, percentiles, reopen rate and CSAT overall and per team', async () => {
    const body = await stats('manager', `${window()}&time_zone=UTC`);
    expect(body).toMatchObject({ from: iso(T - 24 * 60 * MINUTE), to: iso(T - 30 * MINUTE), interval: null, time_zone: 'UTC' });
    expect(body.periods).toHaveLength(1);
    const [period] = body.periods;
    expect(period.start).toBe(body.from);
    expect(period.end).toBe(body.to);

    // The manager's department: r1–r4, b1, b2, n1 (x1 is another department, old is too old).
    // Met: r1, b1, n1 (resolved under the policy, never breached); breached: r2, r4; r3 is open and
    // b2 has no policy. 3 / 5 = 60 %. Breaches: 2 (r2) + 1 (r4).
    // First response (minutes): 5, 10, 20, 30, 40, 50. p50 at rank 2.5: 25; p90 at 4.5: 45; p95 at
    // 4.75: 40 + 0.75 × 10 = 47.5.
    // Resolution: 100, 200, 300, 400, 600. p50 at rank 2: 300; p90 at 3.6: 400 + 0.6 × 200 = 520; p95
    // at 3.8: 400 + 0.8 × 200 = 560.
    // Reopened: b1 of the five ever resolved: 20 %. CSAT: 5, 3, 4 → 4.
    expect(period.overall).toEqual({
      tickets: 7,
      sla_met: 3,
      sla_breached: 2,
      compliance_percent: 60,
      breaches: 3,
      first_response_minutes: { count: 6, p50: 25, p90: 45, p95: 47.5 },
      resolution_minutes: { count: 5, p50: 300, p90: 520, p95: 560 },
      reopen_rate_percent: 20,
      csat: { average: 4, responses: 3 },
    });

    expect(period.teams.map((team: { team_name: string | null }) => team.team_name)).toEqual(['Alpha', 'Blue', null]);
    const [alpha, blueRow, noTeam] = period.teams;
    // Alpha: r1–r4. Met r1, breached r2 and r4: 1 / 3 = 33.3 %. First response 10, 30, 50: p50 30,
    // p90 at 1.8: 30 + 0.8 × 20 = 46, p95 at 1.9: 48. Resolution 300, 600: p50 450, p90 570, p95 585.
    // Neither resolved ticket was reopened. CSAT 5 and 3.
    expect(alpha).toEqual({
      team_id: api.world.ids.alpha,
      team_name: 'Alpha',
      metrics: {
        tickets: 4,
        sla_met: 1,
        sla_breached: 2,
        compliance_percent: 33.3,
        breaches: 3,
        first_response_minutes: { count: 3, p50: 30, p90: 46, p95: 48 },
        resolution_minutes: { count: 2, p50: 450, p90: 570, p95: 585 },
        reopen_rate_percent: 0,
        csat: { average: 4, responses: 2 },
      },
    });
    // Blue: b1 met, b2 without a policy. First response 20, 40; resolution 200, 400; b1 reopened.
    expect(blueRow).toEqual({
      team_id: blue,
      team_name: 'Blue',
      metrics: {
        tickets: 2,
        sla_met: 1,
        sla_breached: 0,
        compliance_percent: 100,
        breaches: 0,
        first_response_minutes: { count: 2, p50: 30, p90: 38, p95: 39 },
        resolution_minutes: { count: 2, p50: 300, p90: 380, p95: 390 },
        reopen_rate_percent: 50,
        csat: { average: 4, responses: 1 },
      },
    });
    expect(noTeam).toEqual({
      team_id: null,
      team_name: null,
      metrics: {
        tickets: 1,
        sla_met: 1,
        sla_breached: 0,
        compliance_percent: 100,
        breaches: 0,
        first_response_minutes: { count: 1, p50: 5, p90: 5, p95: 5 },
        resolution_minutes: { count: 1, p50: 100, p90: 100, p95: 100 },
        reopen_rate_percent: 0,
        csat: { average: null, responses: 0 },
      },
    });
  });

  it('gives each member of staff the numbers of the tickets they see', async () => {
    // The admin also sees x1 (infra, Beta): 8 tickets, 4 met.
    const admin = (await stats('admin', `${window()}&time_zone=UTC`)).periods[0];
    expect(admin.overall).toMatchObject({ tickets: 8, sla_met: 4, sla_breached: 2, compliance_percent: 66.7 });
    expect(admin.teams.map((team: { team_name: string | null }) => team.team_name)).toEqual(['Alpha', 'Beta', 'Blue', null]);
    // agent2 (infra) sees x1 only.
    const agent2 = (await stats('agent2', `${window()}&time_zone=UTC`)).periods[0];
    expect(agent2.overall).toMatchObject({ tickets: 1, sla_met: 1, compliance_percent: 100, resolution_minutes: { count: 1, p50: 90, p90: 90, p95: 90 } });
    // The department filter narrows within what the caller sees.
    const support = (await stats('admin', `${window()}&department_id=${api.world.ids.support}`)).periods[0];
    expect(support.overall.tickets).toBe(7);

    const customer = await api.as('customer').get(`/v1/stats/sla?${window()}`);
    expect(customer.status).toBe(403);
    expect(customer.body.code).toBe('forbidden');
  });

  it('splits the period into calendar days, weeks and months of the time zone, empty ones included', async () => {
    const query = (from: string, to: string, interval: string, zone = 'UTC') =>
      stats('admin', `department_id=${dated}&from=${from}&to=${to}&interval=${interval}&time_zone=${encodeURIComponent(zone)}`);
    const counts = (body: { periods: { start: string; end: string; overall: { tickets: number } }[] }) =>
      body.periods.map((period) => [period.start, period.end, period.overall.tickets]);

    // UTC days from noon on the 28th: the first cut to it. 2024 is a leap year.
    const days = await query('2024-02-28T12:00:00Z', '2024-03-02T00:00:00Z', 'day');
    expect(days).toMatchObject({ interval: 'day', time_zone: 'UTC' });
    expect(counts(days)).toEqual([
      ['2024-02-28T12:00:00.000Z', '2024-02-29T00:00:00.000Z', 1],
      ['2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z', 2],
      ['2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z', 1],
    ]);
    // The 29th: one ticket of Green (breached), one without a team.
    expect(days.periods[1].overall).toMatchObject({ sla_breached: 1, sla_met: 0, compliance_percent: 0 });
    expect(days.periods[1].teams.map((team: { team_name: string | null; metrics: { tickets: number } }) => [team.team_name, team.metrics.tickets])).toEqual([
      ['Green', 1],
      [null, 1],
    ]);
    expect(days.periods[0].teams).toHaveLength(1);

    // Berlin is UTC+1 in February: its days start at 23:00 UTC. 23:30 UTC on the 28th is already the
    // 29th there, and the last day is cut at midnight UTC.
    expect(counts(await query('2024-02-28T12:00:00Z', '2024-03-02T00:00:00Z', 'day', 'Europe/Berlin'))).toEqual([
      ['2024-02-28T12:00:00.000Z', '2024-02-28T23:00:00.000Z', 0],
      ['2024-02-28T23:00:00.000Z', '2024-02-29T23:00:00.000Z', 3],
      ['2024-02-29T23:00:00.000Z', '2024-03-01T23:00:00.000Z', 1],
      ['2024-03-01T23:00:00.000Z', '2024-03-02T00:00:00.000Z', 0],
    ]);

    // Weeks start on Monday: 2024-02-26 was one, so Sunday 3 March is in the same week.
    expect(counts(await query('2024-02-20T00:00:00Z', '2024-03-10T00:00:00Z', 'week'))).toEqual([
      ['2024-02-20T00:00:00.000Z', '2024-02-26T00:00:00.000Z', 0],
      ['2024-02-26T00:00:00.000Z', '2024-03-04T00:00:00.000Z', 5],
      ['2024-03-04T00:00:00.000Z', '2024-03-10T00:00:00.000Z', 0],
    ]);
    expect(counts(await query('2024-02-15T00:00:00Z', '2024-03-15T00:00:00Z', 'month'))).toEqual([
      ['2024-02-15T00:00:00.000Z', '2024-03-01T00:00:00.000Z', 3],
      ['2024-03-01T00:00:00.000Z', '2024-03-15T00:00:00.000Z', 2],
    ]);
  });

  it('covers the last 30 days up to now by default, in the company time zone', async () => {
    const body = await stats('admin', `department_id=${dated}`);
    const now = api.clock.now().getTime();
    expect(body).toMatchObject({ from: iso(now - 30 * 24 * 60 * MINUTE), to: iso(now), interval: null, time_zone: 'UTC' });
    expect(body.periods).toEqual([
      {
        start: body.from,
        end: body.to,
        overall: {
          tickets: 0, sla_met: 0, sla_breached: 0, compliance_percent: null, breaches: 0,
          first_response_minutes: none, resolution_minutes: none, reopen_rate_percent: null, csat: { average: null, responses: 0 },
        },
        teams: [],
      },
    ]);
  });

  it('refuses bad periods, intervals and time zones, missing scopes and credentials', async () => {
    const bad = [
      ['from=2024-03-01T00:00:00Z&to=2024-03-01T00:00:00Z', 'from'],
      ['from=2024-03-02T00:00:00Z&to=2024-03-01T00:00:00Z', 'from'],
      ['from=2020-01-01T00:00:00Z&to=2024-01-01T00:00:00Z', 'from'],
      ['from=2023-01-01T00:00:00Z&to=2024-03-01T00:00:00Z&interval=day', 'interval'],
      ['interval=year', 'interval'],
      ['time_zone=Mars%2FOlympus', 'time_zone'],
      ['from=yesterday', 'from'],
      ['department_id=x', 'department_id'],
      ['team=1', ''],
    ] as const;
    for (const [query, path] of bad) {
      const res = await api.as('admin').get(`/v1/stats/sla?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe('validation_failed');
      if (path) expect(res.body.errors[0].path, query).toBe(path);
    }
    // A year by week is fine.
    expect((await api.as('admin').get('/v1/stats/sla?from=2023-01-01T00:00:00Z&to=2024-03-01T00:00:00Z&interval=week')).status).toBe(200);

    const { key, prefix, hash } = generateApiKey();
    await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
      'stats', prefix, hash, api.world.users.agent, ['kb:read'],
    ]);
    const kb = await api.withToken(key).get('/v1/stats/sla');
    expect(kb.status).toBe(403);
    expect(kb.body.code).toBe('insufficient_scope');
    expect((await api.anonymous().get('/v1/stats/sla')).status).toBe(401);
  });
});
