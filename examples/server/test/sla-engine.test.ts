/**
 * The SLA engine end to end, on both engines: tickets made through the API, the scheduler run with
 * the harness's clock, and what it did read back from the database and over HTTP.
 *
 * The policies here count every minute (`business_hours_only: false`) so that the expected times are
 * plain sums from the ticket's creation; business-hours arithmetic has its own table of cases
 * (sla-business-time.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import { inAppChannel, notificationDelivery, type NotificationChannel, type OutgoingNotification } from '../src/notifications/delivery/index.js';
import { notificationRouter } from '../src/notifications/router.js';
import { slaScheduler } from '../src/sla/scheduler.js';
import type { Worker } from '../src/workers/worker.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { drainWorkers } from './support/drain-workers.js';
import { engines } from './support/test-database.js';

const MINUTE = 60_000;

describe.each(engines)('SLA engine (%s)', (engine) => {
  let api: ApiHarness;
  let scheduler: Worker;
  /** The scheduler, then notification routing and delivery: the chain from a due time to an inbox. */
  let pipeline: Worker[];
  const emails: OutgoingNotification[] = [];
  let category: string;
  let departmentManager: string;
  let policyId: string;

  beforeAll(async () => {
    api = await createApiHarness(engine);
    scheduler = slaScheduler({ db: api.db, clock: api.clock, logger: api.logger });
    const email: NotificationChannel = {
      send: (notification) => {
        emails.push(notification);
        return Promise.resolve({ status: 'sent' });
      },
    };
    pipeline = [
      scheduler,
      notificationRouter({ db: api.db, clock: api.clock }),
      notificationDelivery({ db: api.db, clock: api.clock, logger: api.logger, channels: { in_app: inAppChannel(), email } }),
    ];
    const { rows } = await api.db.query<{ id: string }>("insert into categories (slug, name) values ('outage', 'Outage') returning id");
    category = rows[0]!.id;
    // The support department gets a manager of its own, so that each level of the chain is someone else.
    const dm = await api.db.query<{ id: string }>(
      "insert into users (email, first_name, role, department_id, is_approved) values ('dm@world.test', 'Dora', 'manager', $1, true) returning id",
      [api.world.ids.support],
    );
    departmentManager = dm.rows[0]!.id;
    await api.db.query('update departments set manager_id = $1 where id = $2', [departmentManager, api.world.ids.support]);

    // Urgent outages: first reply in 30 minutes, resolution in 4 hours, warned and escalated every
    // 15 minutes. More specific than the world's catch-all urgent policy P1, so it applies.
    const res = await api.as('admin').post('/v1/sla-policies', {
      name: 'Urgent outages',
      priority: 'urgent',
      category_id: category,
      response_time_minutes: 30,
      resolution_time_minutes: 240,
      escalation_threshold_minutes: 15,
      business_hours_only: false,
      effective_from: '2020-01-01',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    policyId = (res.body as { id: string }).id;
  });
  afterAll(() => api.close());

  /** An urgent outage ticket of team Alpha (lead: manager), assigned to agent, made by the manager. */
  async function urgentTicket(fields: Record<string, unknown> = {}): Promise<{ id: string; createdAt: Date }> {
    const res = await api.as('manager').post('/v1/tickets', {
      title: 'Checkout is down',
      description: 'Every payment fails',
      priority: 'urgent',
      category_id: category,
      requester_id: api.world.users.customer,
      team_id: api.world.ids.alpha,
      department_id: api.world.ids.support,
      ...fields,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const ticket = res.body as { id: string; created_at: string };
    return { id: ticket.id, createdAt: new Date(ticket.created_at) };
  }

  async function assign(ticketId: string, assignee: string | null) {
    const res = await api.as('manager').post(`/v1/tickets/${ticketId}/assign`, { assignee_id: assignee });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  /** Moves the clock to `minutes` after `from` and runs the workers until they find nothing to do. */
  async function at(from: Date, minutes: number, workers: Worker[] = pipeline) {
    api.clock.set(new Date(from.getTime() + minutes * MINUTE));
    await drainWorkers(api.db, workers);
  }

  const SLA_NOTICES = ['sla_warning', 'sla_breach', 'escalated'];
  const slaEmails = (ticketId: string) => emails.filter((e) => e.ticketId === ticketId && SLA_NOTICES.includes(e.type));

  /** What the SLA engine's notices told whom about a ticket, in order, with each row's delivery status. */
  const notices = (ticketId: string, channel: string) =>
    api.db
      .query<{ type: string; user_id: string; status: string; title: string }>(
        `select type, user_id, status, title from notifications
          where ticket_id = $1 and channel = $2 and type = any ($3::text[]::notification_type[])
          order by created_at, type, user_id`,
        [ticketId, channel, SLA_NOTICES],
      )
      .then((r) => r.rows);

  const timers = (ticketId: string) =>
    api.db
      .query<{ kind: string; step: number; due_at: Date; fired_at: Date | null; outcome: string | null }>(
        'select kind, step, due_at, fired_at, outcome from sla_timers where ticket_id = $1 order by due_at, kind, step',
        [ticketId],
      )
      .then((r) => r.rows);

  const escalations = (ticketId: string) =>
    api.db
      .query<{ escalation_type: string; escalation_level: number; to_user_id: string | null; status: string }>(
        'select escalation_type, escalation_level, to_user_id, status from escalations where ticket_id = $1 order by escalated_at',
        [ticketId],
      )
      .then((r) => r.rows);

  const events = (ticketId: string, type: string) =>
    api.db
      .query<{ payload: Record<string, unknown>; is_internal: boolean }>('select payload, is_internal from events where ticket_id = $1 and type = $2 order by id', [
        ticketId,
        type,
      ])
      .then((r) => r.rows);

  const plus = (from: Date, minutes: number) => new Date(from.getTime() + minutes * MINUTE).toISOString();

  it('walks an urgent ticket left unanswered through warning, breach and escalation levels 1 to 5', async () => {
    const { id, createdAt } = await urgentTicket();
    await assign(id, api.world.users.agent);
    await at(createdAt, 1);

    // Planned: first reply due at +30, resolution at +240 (every minute counts), each warned 15
    // minutes before. The ticket carries the due times, and its version did not move for them.
    const ticket = await api.as('agent').get(`/v1/tickets/${id}`);
    expect(ticket.body.sla).toMatchObject({ policy_id: policyId, first_response_due_at: plus(createdAt, 30), resolution_due_at: plus(createdAt, 240) });
    expect(ticket.body.version).toBe(2); // created, then assigned
    expect((await timers(id)).map((t) => [t.kind, t.due_at.toISOString(), t.fired_at])).toEqual([
      ['first_response_warning', plus(createdAt, 15), null],
      ['first_response_breach', plus(createdAt, 30), null],
      ['resolution_warning', plus(createdAt, 225), null],
      ['resolution_breach', plus(createdAt, 240), null],
    ]);

    // The live state counts down.
    const live = await api.as('agent').get(`/v1/tickets/${id}/sla`);
    expect(live.body.first_response).toMatchObject({ status: 'running', due_at: plus(createdAt, 30), remaining_seconds: 29 * 60 });

    await at(createdAt, 14);
    expect(await events(id, 'sla.warning')).toEqual([]);
    await at(createdAt, 15);
    expect(await events(id, 'sla.warning')).toEqual([
      { payload: { target: 'first_response', due_at: plus(createdAt, 30), policy_id: policyId }, is_internal: true },
    ]);
    // The warning goes to the assignee, in the app and by email.
    expect((await notices(id, 'in_app')).map((n) => [n.type, n.user_id, n.status])).toEqual([['sla_warning', api.world.users.agent, 'delivered']]);
    expect(slaEmails(id).map((e) => [e.type, e.recipient.id])).toEqual([['sla_warning', api.world.users.agent]]);
    expect((await api.as('agent').get(`/v1/tickets/${id}/sla`)).body.first_response.status).toBe('at_risk');

    await at(createdAt, 30);
    // Breached when due: stamped with the due time, recorded in the history, escalated to the assignee.
    const breached = await api.as('agent').get(`/v1/tickets/${id}`);
    expect(breached.body.sla.breached_at).toBe(plus(createdAt, 30));
    expect(breached.body.escalation_level).toBe(1);
    // The engine's stamps and escalations are not edits: a client's If-Match still holds.
    expect(breached.body.version).toBe(2);
    expect(await escalations(id)).toEqual([
      { escalation_type: 'sla_breach', escalation_level: 1, to_user_id: api.world.users.agent, status: 'pending' },
    ]);
    expect((await events(id, 'sla.breached')).map((e) => e.payload)).toEqual([{ target: 'first_response', due_at: plus(createdAt, 30), policy_id: policyId }]);
    const history = await api.as('manager').get(`/v1/tickets/${id}/history?limit=100`);
    const stamps = (history.body.data as { field: string | null; new_value: unknown; reason: string | null }[]).filter((h) => h.field === 'sla_breached_at');
    expect(stamps).toHaveLength(1);
    expect(new Date(stamps[0]!.new_value as string).toISOString()).toBe(plus(createdAt, 30));

    // Every further 15 minutes the escalation climbs the chain: team lead, department manager, admins.
    const chain = [
      [45, 2, api.world.users.manager],
      [60, 3, departmentManager],
      [75, 4, api.world.users.admin],
      [90, 5, api.world.users.admin],
    ] as const;
    for (const [minutes, level, to] of chain) {
      await at(createdAt, minutes - 1);
      expect((await escalations(id))[0]!.escalation_level).toBe(level - 1);
      await at(createdAt, minutes);
      expect(await escalations(id)).toEqual([{ escalation_type: 'sla_breach', escalation_level: level, to_user_id: to, status: 'pending' }]);
    }
    // Told up the chain: the breach to the assignee and the team lead, then each new level to whom it
    // reached (levels 4 and 5 go to every admin).
    const admins = (await api.db.query<{ id: string }>("select id from users where role = 'admin' and is_active order by id")).rows.map((r) => r.id);
    const told = (await notices(id, 'in_app')).map((n) => [n.type, n.user_id, n.status]);
    expect(told).toEqual([
      ['sla_warning', api.world.users.agent, 'delivered'],
      ...[api.world.users.agent, api.world.users.manager].sort().map((user) => ['sla_breach', user, 'delivered']),
      ['escalated', api.world.users.manager, 'delivered'],
      ['escalated', departmentManager, 'delivered'],
      ...admins.map((user) => ['escalated', user, 'delivered']),
      ...admins.map((user) => ['escalated', user, 'delivered']),
    ]);
    expect((await notices(id, 'in_app')).at(-1)!.title).toContain('level 5');
    expect((await notices(id, 'email')).every((n) => n.status === 'sent')).toBe(true);
    expect(slaEmails(id)).toHaveLength(told.length);

    const raises = (await events(id, 'escalation.updated')).map((e) => [e.payload.previous_level, e.payload.escalation_level]);
    expect(raises).toEqual([[1, 2], [2, 3], [3, 4], [4, 5]]);
    expect((await api.as('agent').get(`/v1/tickets/${id}`)).body).toMatchObject({ escalation_level: 5, version: 2 });

    // Nothing is left to fire but the resolution's; level 5 is the top.
    await at(createdAt, 240);
    const all = await timers(id);
    expect(all.every((t) => t.fired_at !== null)).toBe(true);
    expect(all.filter((t) => t.kind === 'escalation_level').map((t) => t.step)).toEqual([2, 3, 4, 5]);
    expect(all.find((t) => t.kind === 'resolution_breach')?.outcome).toBe('breached (escalation already open)');
    expect(await escalations(id)).toHaveLength(1);
  });

  it('stops at the first response: a public staff reply meets the target and removes its timers', async () => {
    const { id, createdAt } = await urgentTicket();
    await assign(id, api.world.users.agent);
    await at(createdAt, 1);
    const reply = await api.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'Looking into it now.' });
    expect(reply.status).toBe(201);
    await at(createdAt, 31);
    expect(await events(id, 'sla.breached')).toEqual([]);
    expect(await escalations(id)).toEqual([]);
    expect((await timers(id)).map((t) => t.kind)).toEqual(['resolution_warning', 'resolution_breach']);
  });

  it('records a miss when the reply comes late but before the scheduler noticed, without escalating', async () => {
    const { id, createdAt } = await urgentTicket();
    await assign(id, api.world.users.agent);
    await at(createdAt, 1);
    // The reply lands at +31, one minute late, and the scheduler's next pass comes after it. (The
    // database stamps replies with its own clock, so the stamp is written where the test wants it.)
    expect((await api.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'Sorry, on it.' })).status).toBe(201);
    await api.db.query('update tickets set first_responded_at = $2 where id = $1', [id, plus(createdAt, 31)]);
    await at(createdAt, 32);

    expect((await api.as('agent').get(`/v1/tickets/${id}`)).body.sla.breached_at).toBe(plus(createdAt, 30));
    expect((await events(id, 'sla.breached')).map((e) => e.payload.target)).toEqual(['first_response']);
    expect((await timers(id)).find((t) => t.kind === 'first_response_breach')?.outcome).toBe('breached (met late)');
    expect(await escalations(id)).toEqual([]);
    expect(await events(id, 'sla.warning')).toEqual([]);
  });

  it('breaches a resolution missed before the ticket was put on hold, and escalates it', async () => {
    const { id, createdAt } = await urgentTicket();
    await assign(id, api.world.users.agent);
    expect((await api.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'On it.' })).status).toBe(201);
    expect((await api.as('agent').post(`/v1/tickets/${id}/start`, {})).status).toBe(200);
    await at(createdAt, 1);
    // Put on hold at +241, a minute after the resolution was due, before the scheduler's next pass.
    expect((await api.as('agent').post(`/v1/tickets/${id}/pend`, { reason: 'Waiting for the customer' })).status).toBe(200);
    await setLastStatusChange(api.db, id, plus(createdAt, 241));
    await at(createdAt, 242);
    expect((await events(id, 'sla.breached')).map((e) => e.payload)).toEqual([{ target: 'resolution', due_at: plus(createdAt, 240), policy_id: policyId }]);
    expect((await api.as('agent').get(`/v1/tickets/${id}`)).body.sla.breached_at).toBe(plus(createdAt, 240));
    expect(await escalations(id)).toEqual([{ escalation_type: 'sla_breach', escalation_level: 1, to_user_id: api.world.users.agent, status: 'pending' }]);
  });

  it('gives a later breach its own escalation levels once the first escalation is resolved', async () => {
    const { id, createdAt } = await urgentTicket();
    await assign(id, api.world.users.agent);
    await at(createdAt, 30);
    const [first] = (await api.as('manager').get(`/v1/tickets/${id}/escalations`)).body.data as { id: string }[];
    const resolved = await api.as('manager').post(`/v1/escalations/${first!.id}/resolve`, { resolution_notes: 'Customer called back; handled.' });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    // The first escalation's levels come due with nothing open to raise.
    await at(createdAt, 90);
    expect(await escalations(id)).toEqual([{ escalation_type: 'sla_breach', escalation_level: 1, to_user_id: api.world.users.agent, status: 'resolved' }]);

    // The resolution is missed at +240: a new escalation, raised 15 minutes later to the team lead.
    await at(createdAt, 240);
    await at(createdAt, 254);
    expect((await escalations(id))[1]).toMatchObject({ escalation_type: 'sla_breach', escalation_level: 1, status: 'pending' });
    await at(createdAt, 255);
    expect((await escalations(id))[1]).toEqual({ escalation_type: 'sla_breach', escalation_level: 2, to_user_id: api.world.users.manager, status: 'pending' });
  });

  it('escalates an urgent ticket nobody took within the company limit, once, and follows a change of the limit', async () => {
    const { id, createdAt } = await urgentTicket();
    const taken = await urgentTicket();
    await at(createdAt, 1);
    await assign(taken.id, api.world.users.agent);
    // Planned at +30 (the default); the limit lowered to 20 minutes moves the waiting ticket's timer.
    expect((await api.as('admin').patch('/v1/settings', { critical_unassigned_minutes: 20 })).status).toBe(200);
    await at(createdAt, 19);
    expect((await escalations(id)).filter((e) => e.escalation_type === 'critical_priority')).toEqual([]);
    await at(createdAt, 20);
    // Unassigned and without a team lead above an assignee, level 1 passes to the team lead.
    expect((await escalations(id)).filter((e) => e.escalation_type === 'critical_priority')).toEqual([
      { escalation_type: 'critical_priority', escalation_level: 1, to_user_id: api.world.users.manager, status: 'pending' },
    ]);
    expect((await escalations(taken.id)).filter((e) => e.escalation_type === 'critical_priority')).toEqual([]);
    await api.as('admin').patch('/v1/settings', { critical_unassigned_minutes: 30 });
  });

  it('escalates on the third reopen, and only then', async () => {
    const { id } = await urgentTicket();
    await assign(id, api.world.users.agent);
    const cycle = async () => {
      expect((await api.as('agent').post(`/v1/tickets/${id}/start`, {})).status).toBe(200);
      expect((await api.as('agent').post(`/v1/tickets/${id}/resolve`, { resolution_notes: 'Fixed' })).status).toBe(200);
      expect((await api.as('customer').post(`/v1/tickets/${id}/reopen`, { reason: 'Still broken' })).status).toBe(200);
      while ((await scheduler.runOnce()) > 0);
    };
    await cycle();
    await cycle();
    expect((await escalations(id)).filter((e) => e.escalation_type === 'multiple_reopens')).toEqual([]);
    await cycle();
    await cycle();
    expect((await escalations(id)).filter((e) => e.escalation_type === 'multiple_reopens')).toEqual([
      { escalation_type: 'multiple_reopens', escalation_level: 1, to_user_id: api.world.users.agent, status: 'pending' },
    ]);
  });

  it('re-plans when the priority changes, and the history says why', async () => {
    // Medium has no policy of ours: no targets until the ticket becomes urgent.
    const { id, createdAt } = await urgentTicket({ priority: 'medium' });
    await at(createdAt, 1);
    expect((await api.as('agent').get(`/v1/tickets/${id}`)).body.sla.policy_id).toBeNull();
    expect((await api.as('manager').patch(`/v1/tickets/${id}`, { priority: 'urgent' })).status).toBe(200);
    await at(createdAt, 2);
    const after = (await api.as('agent').get(`/v1/tickets/${id}`)).body.sla;
    // The targets count from the ticket's creation, not from the change.
    expect(after).toMatchObject({ policy_id: policyId, first_response_due_at: plus(createdAt, 30), resolution_due_at: plus(createdAt, 240) });
    const history = (await api.as('manager').get(`/v1/tickets/${id}/history?limit=100`)).body.data as { field: string | null; reason: string | null }[];
    expect(history.filter((h) => h.field === 'sla_policy_id').map((h) => h.reason)).toEqual(['SLA policy "Urgent outages"']);
  });

  it('pauses the resolution clock while pending and moves the due time by the pause', async () => {
    const { id, createdAt } = await urgentTicket();
    await assign(id, api.world.users.agent);
    expect((await api.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'Which browser?' })).status).toBe(201);
    await at(createdAt, 1);
    expect((await api.as('agent').post(`/v1/tickets/${id}/start`, {})).status).toBe(200);

    // Pending from +60 to +100 (the database stamps status changes with its own time, so the pause
    // is written where the test wants it).
    expect((await api.as('agent').post(`/v1/tickets/${id}/pend`, { reason: 'Waiting for the customer' })).status).toBe(200);
    await setLastStatusChange(api.db, id, plus(createdAt, 60));
    await at(createdAt, 61);
    expect((await timers(id)).filter((t) => t.fired_at === null)).toEqual([]);
    await at(createdAt, 300); // would have breached at +240 had the clock run
    expect(await events(id, 'sla.breached')).toEqual([]);

    expect((await api.as('agent').post(`/v1/tickets/${id}/start`, {})).status).toBe(200);
    await setLastStatusChange(api.db, id, plus(createdAt, 100));
    await at(createdAt, 301);
    // 240 minutes of running clock + the 40-minute pause.
    expect((await api.as('agent').get(`/v1/tickets/${id}`)).body.sla.resolution_due_at).toBe(plus(createdAt, 280));
  });

  // Concurrent connections exist on PostgreSQL only (PGlite runs one transaction at a time).
  if (engine === 'postgres') {
    it('passes over a ticket a request holds instead of waiting for it', async () => {
      const { id, createdAt } = await urgentTicket();
      await assign(id, api.world.users.agent);
      // A request is halfway through changing the ticket: it holds the row, and its queue entry and
      // due timers are there for the scheduler to find.
      let release!: () => void;
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const request = api.db.transaction(async (tx) => {
        await tx.query('select 1 from tickets where id = $1 for update', [id]);
        holding();
        await new Promise<void>((resolve) => (release = resolve));
        await tx.query("update tickets set priority = 'high' where id = $1", [id]);
      });
      await held;
      // Were the scheduler to wait for the row, this would never return (the request waits for it).
      await at(createdAt, 31, [scheduler]);
      expect(await events(id, 'sla.breached')).toEqual([]);
      release();
      await request;
      // Once the request is done the ticket is planned (now under the catch-all high policy P2) and
      // its due timers fire.
      await at(createdAt, 32, [scheduler]);
      expect((await api.as('agent').get(`/v1/tickets/${id}`)).body.sla.policy_id).not.toBe(policyId);
    });
  }

  it('never fires a timer twice with two schedulers at once, and a crash before commit loses nothing', async () => {
    const tickets = [];
    for (let i = 0; i < 12; i += 1) tickets.push(await urgentTicket());
    const start = tickets.at(-1)!.createdAt;
    await at(start, 0);

    // A scheduler whose transactions all fail at commit: it acts, then everything rolls back.
    const crashing: Database = {
      ...api.db,
      transaction: (fn) =>
        api.db.transaction(async (tx) => {
          const result = await fn(tx);
          if (result !== 0) throw new Error('crash before commit');
          return result;
        }),
    };
    api.clock.set(new Date(start.getTime() + 31 * MINUTE));
    await expect(slaScheduler({ db: crashing, clock: api.clock, logger: api.logger }).runOnce()).rejects.toThrow('crash');
    const ids = tickets.map((t) => t.id);
    const count = async (sql: string) => Number((await api.db.query<{ n: string }>(sql, [ids])).rows[0]!.n);
    expect(await count("select count(*) as n from escalations where ticket_id = any ($1::uuid[]) and escalation_type = 'sla_breach'")).toBe(0);

    const a = slaScheduler({ db: api.db, clock: api.clock, logger: api.logger, batchSize: 5 });
    const b = slaScheduler({ db: api.db, clock: api.clock, logger: api.logger, batchSize: 5 });
    for (;;) {
      const [x, y] = await Promise.all([a.runOnce(), b.runOnce()]);
      if (x + y === 0) break;
    }
    expect(await count("select count(*) as n from escalations where ticket_id = any ($1::uuid[]) and escalation_type = 'sla_breach'")).toBe(12);
    expect(await count("select count(*) as n from events where ticket_id = any ($1::uuid[]) and type = 'sla.breached'")).toBe(12);
    // The warnings were due at +15 but came up only at +31, after the due time: none is sent.
    expect(await count("select count(*) as n from events where ticket_id = any ($1::uuid[]) and type = 'sla.warning'")).toBe(0);
    expect(await count("select count(*) as n from sla_timers where ticket_id = any ($1::uuid[]) and kind = 'first_response_warning' and outcome = 'skipped: already breached'")).toBe(12);
    expect(await count("select count(*) as n from sla_timers where ticket_id = any ($1::uuid[]) and kind = 'first_response_breach' and outcome = 'breached'")).toBe(12);
  });
});

/**
 * Moves the newest status change of a ticket to `at`: status changes are dated by the database's own
 * clock, which the test cannot move. The history is append-only even for the owner, so its triggers
 * are switched off for this one statement (`session_replication_role`, transaction-local).
 */
async function setLastStatusChange(db: Database, ticketId: string, at: string) {
  await db.transaction(async (tx) => {
    await tx.query("set local session_replication_role = 'replica'");
    await tx.query(
      `update ticket_history set created_at = $2
        where seq = (select max(seq) from ticket_history where ticket_id = $1 and field = 'status')`,
      [ticketId, at],
    );
  });
  await db.query('insert into sla_refresh_queue (ticket_id) values ($1) on conflict do nothing', [ticketId]);
}
