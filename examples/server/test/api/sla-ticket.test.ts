/**
 * A ticket's live SLA state over HTTP. Tickets and their moves are set up in the database (as the
 * acting user, so triggers record history as the API would); the app's clock is then moved to
 * chosen moments relative to the times the database recorded, and the state is checked against
 * values worked out by hand from those times.
 *
 * The database records those times on the real clock, so the world's P1 policy is made to count every
 * minute (it is a business-hours policy by default, which would make the answers depend on when the
 * tests run). Business hours get their own case, on a ticket created at a fixed moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import type { Queryable } from '../../src/db/database.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';
const MINUTE = 60_000;

describe.each(engines)('ticket SLA state over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    const p1 = api.world.rows.sla_policies!.p1!.params[0] as string;
    const res = await api.as('admin').patch(`/v1/sla-policies/${p1}`, { business_hours_only: false });
    expect(res.status).toBe(200);
  });
  afterAll(() => api.close());

  const as = <T>(user: UserKey, fn: (tx: Queryable) => Promise<T>) =>
    api.db.transaction(async (tx) => {
      await tx.query("select set_config('app.user_id', $1, true), set_config('app.role', (select role::text from users where id = $1::uuid), true)", [
        api.world.users[user],
      ]);
      return fn(tx);
    });

  /**
   * A ticket of `customer` in the support department and team Alpha, which agent and manager see;
   * created now (the database's clock) unless `created_at` says when.
   */
  async function ticket(fields: { priority: string; category_id?: string; sla_policy_id?: string; created_at?: string }) {
    const { rows } = await as('customer', (tx) =>
      tx.query<{ id: string; created_at: Date }>(
        `insert into tickets (title, requester_id, created_by, department_id, team_id, priority, category_id, sla_policy_id, created_at)
         values ('SLA test', $1, $1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now())) returning id, created_at`,
        [
          api.world.users.customer, api.world.ids.support, api.world.ids.alpha, fields.priority, fields.category_id ?? null,
          fields.sla_policy_id ?? null, fields.created_at ?? null,
        ],
      ),
    );
    return { id: rows[0]!.id, createdAt: rows[0]!.created_at.getTime() };
  }

  /** Moves a ticket through `statuses` (one transaction each) and returns when each move happened. */
  async function move(ticketId: string, ...statuses: string[]): Promise<number[]> {
    const times: number[] = [];
    for (const status of statuses) {
      const { rows } = await as('admin', async (tx) => {
        await tx.query('update tickets set status = $2 where id = $1', [ticketId, status]);
        return tx.query<{ at: Date }>("select created_at as at from ticket_history where ticket_id = $1 and field = 'status' order by seq desc limit 1", [ticketId]);
      });
      times.push(rows[0]!.at.getTime());
    }
    return times;
  }

  const setClock = (ms: number) => api.clock.advance((ms - api.clock.now().getTime()) / 1000);
  const iso = (ms: number) => new Date(ms).toISOString();
  const sla = (id: string, user: UserKey = 'agent') => api.as(user).get(`/v1/tickets/${id}/sla`);

  async function createPolicy(body: Record<string, unknown>) {
    const res = await api.as('admin').post('/v1/sla-policies', { business_hours_only: false, effective_from: '2020-01-01', ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  }

  it('reports no targets for a ticket no policy applies to', async () => {
    const res = await sla(api.world.ids.mine!);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ticket_id: api.world.ids.mine,
      policy: null,
      first_response: { status: 'none', target_minutes: null, due_at: null, remaining_seconds: null, breached: false },
      resolution: { status: 'none', target_minutes: null, due_at: null, remaining_seconds: null, breached: false },
      paused: false,
      breached_at: null,
    });
  });

  it('counts the first response and resolution down from creation, and past the due time', async () => {
    // The world's P1 policy: urgent, 5 minutes to respond, 4 hours to resolve.
    const { id, createdAt } = await ticket({ priority: 'urgent' });
    setClock(createdAt + 60_000);
    const early = await sla(id);
    expect(early.status).toBe(200);
    expect(early.body.policy).toMatchObject({ name: 'P1', response_time_minutes: 5, resolution_time_minutes: 240 });
    expect(early.body.first_response).toEqual({
      status: 'running', target_minutes: 5, due_at: iso(createdAt + 5 * MINUTE), responded_at: null,
      elapsed_business_minutes: 1, remaining_business_minutes: 4, remaining_seconds: 240, breached: false,
    });
    expect(early.body.resolution).toEqual({
      status: 'running', target_minutes: 240, due_at: iso(createdAt + 240 * MINUTE), resolved_at: null,
      elapsed_business_minutes: 1, remaining_business_minutes: 239, remaining_seconds: 239 * 60, breached: false,
    });
    expect(early.body.computed_at).toBe(iso(createdAt + 60_000));

    api.clock.advance(5 * 60);
    const late = await sla(id);
    expect(late.body.first_response).toMatchObject({ status: 'breached', remaining_seconds: -60, remaining_business_minutes: -1, breached: true });
    expect(late.body.resolution).toMatchObject({ status: 'running', remaining_seconds: 234 * 60, breached: false });
    expect(late.body.breached_at).toBe(iso(createdAt + 5 * MINUTE));

    api.clock.advance(240 * 60);
    const overdue = await sla(id);
    expect(overdue.body.resolution).toMatchObject({ status: 'breached', remaining_seconds: -6 * 60, breached: true });
    expect(overdue.body.breached_at).toBe(iso(createdAt + 5 * MINUTE));
  });

  it('picks the category policy over the catch-all, and ignores inactive and not-yet-effective ones', async () => {
    const network = api.world.ids.network!;
    await createPolicy({ name: 'High, any category', priority: 'high', response_time_minutes: 30, resolution_time_minutes: 300 });
    const specific = await createPolicy({
      name: 'High network', priority: 'high', category_id: network, response_time_minutes: 10, resolution_time_minutes: 100, escalation_threshold_minutes: 5,
    });
    await createPolicy({ name: 'High network, later', priority: 'high', category_id: network, response_time_minutes: 1, resolution_time_minutes: 2, effective_from: '2999-01-01' });
    await createPolicy({ name: 'Low, inactive', priority: 'low', response_time_minutes: 1, resolution_time_minutes: 2, is_active: false });

    const networkTicket = await ticket({ priority: 'high', category_id: network });
    setClock(networkTicket.createdAt + 6 * MINUTE);
    const state = await sla(networkTicket.id);
    expect(state.body.policy).toMatchObject({ id: specific.id, category_id: network, escalation_threshold_minutes: 5 });
    // Four minutes left is within the five-minute threshold.
    expect(state.body.first_response).toMatchObject({ status: 'at_risk', target_minutes: 10, remaining_seconds: 4 * 60 });
    expect(state.body.resolution).toMatchObject({ status: 'running', target_minutes: 100, remaining_seconds: 94 * 60 });

    const plain = await ticket({ priority: 'high' });
    expect((await sla(plain.id)).body.policy.name).toBe('High, any category');
    const low = await ticket({ priority: 'low' });
    expect((await sla(low.id)).body.policy).toBeNull();
  });

  it('applies the policy that matches the ticket, not the one the engine last stamped on it', async () => {
    // sla_policy_id is the SLA engine's output; the live state follows the policies as they are now.
    const stamped = await createPolicy({ name: 'Stamped', priority: 'low', response_time_minutes: 7, resolution_time_minutes: 70, is_active: false, effective_from: '2021-01-01' });
    const { id } = await ticket({ priority: 'medium', sla_policy_id: stamped.id });
    expect((await sla(id)).body.policy).toBeNull();
    const medium = await createPolicy({ name: 'Medium', priority: 'medium', response_time_minutes: 60, resolution_time_minutes: 600 });
    expect((await sla(id)).body.policy).toMatchObject({ id: medium.id });
  });

  it('computes due times itself, whatever due times the ticket carries', async () => {
    const { id, createdAt } = await ticket({ priority: 'urgent' });
    await api.db.query('update tickets set first_response_due_at = $2, resolution_due_at = $2 where id = $1', [id, new Date(createdAt + 30 * MINUTE)]);
    setClock(createdAt);
    const state = await sla(id);
    expect(state.body.first_response).toMatchObject({ due_at: iso(createdAt + 5 * MINUTE), remaining_seconds: 5 * 60, target_minutes: 5 });
    expect(state.body.resolution).toMatchObject({ due_at: iso(createdAt + 240 * MINUTE), remaining_seconds: 240 * 60 });
  });

  it('counts business hours in the policy\'s zone, skipping its holidays, and follows a policy change at once', async () => {
    const { rows } = await api.db.query<{ id: string }>("insert into categories (slug, name) values ('hardware', 'Hardware') returning id");
    const berlin = await createPolicy({
      name: 'High hardware, Berlin office', priority: 'high', category_id: rows[0]!.id, response_time_minutes: 60, resolution_time_minutes: 480,
      escalation_threshold_minutes: 30, business_hours_only: true, business_start_hour: 9, business_end_hour: 17, time_zone: 'Europe/Berlin',
      holidays: ['2025-12-25', '2025-04-18'], effective_from: '2025-01-01',
    });
    // Created Thu 17 Apr 2025 16:30 CEST (14:30Z): 30 business minutes that day; Good Friday (18 Apr) is a
    // holiday, then the weekend; business resumes Mon 21 Apr 09:00 CEST (07:00Z). Response (60) due 07:30Z;
    // resolution (480): 30 + 450 → 16:30 CEST (14:30Z).
    const { id } = await ticket({ priority: 'high', category_id: rows[0]!.id, created_at: '2025-04-17T14:30:00Z' });
    // Asked on Good Friday at 12:00 CEST (10:00Z): 30 business minutes ran; 30 are left on the response
    // (at risk) and 450 on the resolution; calendar time to the due times: 69 h 30 min and 76 h 30 min.
    setClock(Date.parse('2025-04-18T10:00:00Z'));
    const state = await sla(id);
    expect(state.status).toBe(200);
    expect(state.body.policy).toMatchObject({ id: berlin.id, holidays: ['2025-04-18', '2025-12-25'] });
    expect(state.body.first_response).toEqual({
      status: 'at_risk', target_minutes: 60, due_at: '2025-04-21T07:30:00.000Z', responded_at: null,
      elapsed_business_minutes: 30, remaining_business_minutes: 30, remaining_seconds: (69 * 60 + 30) * 60, breached: false,
    });
    expect(state.body.resolution).toEqual({
      status: 'running', target_minutes: 480, due_at: '2025-04-21T14:30:00.000Z', resolved_at: null,
      elapsed_business_minutes: 30, remaining_business_minutes: 450, remaining_seconds: (76 * 60 + 30) * 60, breached: false,
    });

    // Easter Monday made a holiday too: everything moves to Tue 22 Apr, 07:30Z and 14:30Z.
    const patched = await api.as('admin').patch(`/v1/sla-policies/${berlin.id}`, { holidays: ['2025-04-18', '2025-04-21', '2025-12-25'] });
    expect(patched.status).toBe(200);
    const moved = await sla(id);
    expect(moved.body.first_response).toMatchObject({ due_at: '2025-04-22T07:30:00.000Z', remaining_business_minutes: 30 });
    expect(moved.body.resolution).toMatchObject({ due_at: '2025-04-22T14:30:00.000Z', remaining_business_minutes: 450 });
  });

  it('stops the first-response clock at the first public reply by staff', async () => {
    const { id, createdAt } = await ticket({ priority: 'urgent' });
    await as('customer', (tx) => tx.query("insert into comments (ticket_id, body) values ($1, 'Still broken')", [id]));
    await as('agent', (tx) => tx.query("insert into comments (ticket_id, body, is_internal) values ($1, 'Looking', true)", [id]));
    setClock(createdAt + 10 * MINUTE);
    expect((await sla(id)).body.first_response).toMatchObject({ status: 'breached', responded_at: null });

    const { rows } = await as('agent', (tx) =>
      tx.query<{ at: Date }>("insert into comments (ticket_id, body) values ($1, 'On it') returning created_at as at", [id]),
    );
    const repliedAt = rows[0]!.at.getTime();
    const state = await sla(id);
    expect(state.body.first_response).toMatchObject({
      responded_at: iso(repliedAt),
      remaining_seconds: Math.floor((createdAt + 5 * MINUTE - repliedAt) / 1000),
      status: repliedAt <= createdAt + 5 * MINUTE ? 'met' : 'breached',
    });
    api.clock.advance(3600);
    expect((await sla(id)).body.first_response.remaining_seconds).toBe(state.body.first_response.remaining_seconds);
  });

  it('pauses the resolution clock while the ticket is pending, and resumes it after', async () => {
    const { id, createdAt } = await ticket({ priority: 'urgent' });
    const [, , pendingAt] = await move(id, 'open', 'in_progress', 'pending');
    const dueAtPause = createdAt + 240 * MINUTE;
    setClock(pendingAt! + 3600_000);
    const paused = await sla(id);
    expect(paused.body.paused).toBe(true);
    expect(paused.body.paused_seconds).toBe(3600);
    expect(paused.body.resolution).toEqual({
      status: 'paused',
      target_minutes: 240,
      due_at: iso(dueAtPause),
      resolved_at: null,
      elapsed_business_minutes: Math.floor((pendingAt! - createdAt) / MINUTE),
      remaining_business_minutes: Math.floor((dueAtPause - pendingAt!) / MINUTE),
      remaining_seconds: Math.floor((dueAtPause - pendingAt!) / 1000),
      breached: false,
    });
    // The first response does not pause.
    expect(paused.body.first_response).toMatchObject({ status: 'breached', breached: true });

    api.clock.advance(3600);
    expect((await sla(id)).body.resolution.remaining_seconds).toBe(paused.body.resolution.remaining_seconds);

    const [resumedAt] = await move(id, 'in_progress');
    setClock(resumedAt! + 60_000);
    const resumed = await sla(id);
    const dueAfterPause = dueAtPause + (resumedAt! - pendingAt!);
    expect(resumed.body.paused).toBe(false);
    expect(resumed.body.paused_seconds).toBe(Math.floor((resumedAt! - pendingAt!) / 1000));
    expect(resumed.body.resolution).toMatchObject({
      status: 'running',
      due_at: iso(dueAfterPause),
      remaining_seconds: Math.floor((dueAfterPause - (resumedAt! + 60_000)) / 1000),
    });
  });

  it('stops the resolution clock at the resolution, and restarts it on reopen', async () => {
    const { id, createdAt } = await ticket({ priority: 'urgent' });
    const [, , resolvedAt] = await move(id, 'open', 'in_progress', 'resolved');
    setClock(resolvedAt! + 600 * MINUTE);
    const resolved = await sla(id);
    expect(resolved.body.resolution).toEqual({
      status: 'met',
      target_minutes: 240,
      due_at: iso(createdAt + 240 * MINUTE),
      resolved_at: iso(resolvedAt!),
      elapsed_business_minutes: Math.floor((resolvedAt! - createdAt) / MINUTE),
      remaining_business_minutes: Math.floor((createdAt + 240 * MINUTE - resolvedAt!) / MINUTE),
      remaining_seconds: Math.floor((createdAt + 240 * MINUTE - resolvedAt!) / 1000),
      breached: false,
    });
    // Resolving answers the ticket.
    expect(resolved.body.first_response).toMatchObject({ status: 'met', responded_at: iso(resolvedAt!) });
    expect(resolved.body.paused).toBe(false);

    const [reopenedAt] = await move(id, 'open');
    setClock(reopenedAt!);
    const reopened = await sla(id);
    const due = createdAt + 240 * MINUTE + (reopenedAt! - resolvedAt!);
    expect(reopened.body.resolution).toMatchObject({ status: 'running', resolved_at: null, due_at: iso(due), remaining_seconds: Math.floor((due - reopenedAt!) / 1000) });
  });

  it('shows the SLA to staff who see the ticket, refuses customers, and hides other tickets', async () => {
    const mine = api.world.ids.mine!;
    for (const role of ['agent', 'manager', 'admin'] as const) expect((await sla(mine, role)).status, role).toBe(200);
    const own = await sla(mine, 'customer');
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('forbidden');
    expect((await sla(api.world.ids.foreign!, 'customer')).status).toBe(404);
    expect((await sla(mine, 'agent2')).status).toBe(404);
    expect((await sla(api.world.ids.foreign!, 'manager')).status).toBe(404);
    expect((await sla(api.world.ids.foreign!, 'agent2')).status).toBe(200);
  });

  it('answers bad ids, unknown tickets, missing scopes and credentials', async () => {
    const badId = await sla('not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'ticket_id' });
    const missing = await sla(MISSING);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toMatch(/ticket/);

    const keyFor = async (scopes: string[]) => {
      const { key, prefix, hash } = generateApiKey();
      await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
        'sla', prefix, hash, api.world.users.agent, scopes,
      ]);
      return key;
    };
    expect((await api.withToken(await keyFor(['tickets:read'])).get(`/v1/tickets/${api.world.ids.mine}/sla`)).status).toBe(200);
    const kb = await api.withToken(await keyFor(['kb:read'])).get(`/v1/tickets/${api.world.ids.mine}/sla`);
    expect(kb.status).toBe(403);
    expect(kb.body.code).toBe('insufficient_scope');
    expect((await api.anonymous().get(`/v1/tickets/${api.world.ids.mine}/sla`)).status).toBe(401);
  });
});
