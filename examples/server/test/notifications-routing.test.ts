/**
 * Notification routing end to end, on both engines: actions taken through the API as the people of
 * the test world, the router's `runOnce()` run by hand, and the notification rows it wrote read back
 * as the owner.
 *
 * The world (test/support/world.ts): team Alpha of the Support department has `manager` as its lead
 * and `agent` as a member; `admin` is the only admin; `customer`, `customer2` and `spare` are
 * customers. Preferences default to email and in-app (see preferences.ts), so an untuned user gets
 * two rows per notification.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notificationRouter } from '../src/notifications/router.js';
import type { Worker } from '../src/workers/worker.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { drainWorkers } from './support/drain-workers.js';
import { engines } from './support/test-database.js';
import type { UserKey } from './support/world.js';

interface NotificationRow {
  user_id: string;
  type: string;
  channel: string;
  priority: string;
  title: string;
  body: string;
  status: string;
  metadata: Record<string, unknown>;
  created_at: Date;
  next_attempt_at: Date | null;
}

describe.each(engines)('notification routing (%s)', (engine) => {
  let api: ApiHarness;
  let router: Worker;
  /** Display names for user ids in expectations: the world's keys, plus users made here. */
  const names = new Map<string, string>();

  beforeAll(async () => {
    api = await createApiHarness(engine);
    for (const [key, id] of Object.entries(api.world.users)) names.set(id, key);
    router = notificationRouter({ db: api.db, clock: api.clock });
    // The world's own events (its tickets, comments and escalations) are routed once here, so that
    // each test sees only what it did.
    await drain(router);
  });
  afterAll(() => api.close());

  beforeEach(() => {
    api.clock.set(new Date('2031-05-06T07:08:09.000Z'));
  });

  /** Runs a router until it finds no events; its own `notification.created` events come back once. */
  const drain = (worker: Worker) => drainWorkers(api.db, [worker]);

  /** A ticket for `customer` (unless told otherwise) in team Alpha, filed through the API by `by`. */
  async function fileTicket(by: UserKey, fields: Record<string, unknown> = {}): Promise<{ id: string; number: string; title: string }> {
    const title = `Printer on fire ${Math.random().toString(36).slice(2, 8)}`;
    const res = await api.as(by).post('/v1/tickets', {
      title,
      description: 'Smoke everywhere',
      team_id: api.world.ids.alpha,
      department_id: api.world.ids.support,
      ...(by === 'customer' || by === 'customer2' || by === 'spare' ? {} : { requester_id: api.world.users.customer }),
      ...fields,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { id: res.body.id, number: res.body.ticket_number, title };
  }

  async function ok(promise: Promise<{ status: number; body: unknown }>, status = 200) {
    const res = await promise;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    return res.body as any;
  }

  const assign = (ticketId: string, to: string, by: UserKey = 'manager') =>
    ok(api.as(by).post(`/v1/tickets/${ticketId}/assign`, { assignee_id: to }));

  const comment = (ticketId: string, by: UserKey, body: string, isInternal = false) =>
    ok(api.as(by).post(`/v1/tickets/${ticketId}/comments`, { body, is_internal: isInternal }), 201);

  async function notifications(ticketId: string): Promise<NotificationRow[]> {
    const { rows } = await api.db.query<NotificationRow>(
      `select user_id, type::text, channel::text, priority::text, title, body, status::text, metadata, created_at, next_attempt_at
         from notifications where ticket_id = $1 order by (metadata ->> 'event_id')::bigint, user_id, type, channel`,
      [ticketId],
    );
    return rows;
  }

  /** The rows of a ticket as "user type channel" lines, sorted, for exact comparison. */
  async function summary(ticketId: string, filter: (row: NotificationRow) => boolean = () => true): Promise<string[]> {
    return (await notifications(ticketId))
      .filter(filter)
      .map((row) => `${names.get(row.user_id) ?? row.user_id} ${row.type} ${row.channel}`)
      .sort();
  }

  /** The ids of a ticket's events of `type`, oldest first. */
  async function eventIds(ticketId: string, type: string): Promise<string[]> {
    const { rows } = await api.db.query<{ id: string }>('select id::text from events where ticket_id = $1 and type = $2 order by id', [
      ticketId,
      type,
    ]);
    return rows.map((row) => row.id);
  }

  /** Everything since the last drain, routed; the ticket's rows before it are left out by `since`. */
  const newRows = async (ticketId: string, since: number) => (await summary(ticketId)).length - since;

  it('sends the requester a receipt for a ticket filed for them, and nothing to who filed it', async () => {
    const ticket = await fileTicket('manager', { priority: 'high' });
    await drain(router);

    const rows = await notifications(ticket.id);
    expect(rows.map((row) => `${names.get(row.user_id)} ${row.type} ${row.channel}`)).toEqual([
      'customer ticket_created email',
      'customer ticket_created in_app',
    ]);
    const [created] = await eventIds(ticket.id, 'ticket.created');
    for (const row of rows) {
      expect(row).toMatchObject({
        priority: 'high', // a high ticket
        status: 'pending',
        title: `Request received: ${ticket.number}: ${ticket.title}`,
        metadata: { event_id: created, event_type: 'ticket.created', ticket_number: ticket.number },
      });
      expect(row.body).toContain(`${ticket.number} "${ticket.title}"`);
      // Made and due at the app's clock, not the database's.
      expect(row.created_at.toISOString()).toBe('2031-05-06T07:08:09.000Z');
      expect(row.next_attempt_at?.toISOString()).toBe('2031-05-06T07:08:09.000Z');
    }
  });

  it('sends a receipt to a customer who files their own ticket, at the priority of the ticket', async () => {
    const ticket = await fileTicket('customer2', { priority: 'urgent', team_id: undefined, department_id: undefined });
    await drain(router);
    const rows = await notifications(ticket.id);
    expect(rows.map((row) => `${names.get(row.user_id)} ${row.type} ${row.channel} ${row.priority}`)).toEqual([
      'customer2 ticket_created email urgent',
      'customer2 ticket_created in_app urgent',
    ]);
  });

  it('tells each new assignee, and tells them as the ticket stood at each event even when the router runs late', async () => {
    const ticket = await fileTicket('manager');
    await drain(router);
    // Assigned (which opens the new ticket), then handed to the admin, before the router runs again.
    await assign(ticket.id, api.world.users.agent);
    await assign(ticket.id, api.world.users.admin);
    await drain(router);

    // The agent hears of the first assignment (not also of the status move it made: one notice per
    // person and event); the requester of new → open; the admin of the second assignment only,
    // though the admin is the assignee when the router reads the first event. The manager acted.
    expect(await summary(ticket.id, (row) => row.type !== 'ticket_created')).toEqual([
      'admin ticket_assigned email',
      'admin ticket_assigned in_app',
      'agent ticket_assigned email',
      'agent ticket_assigned in_app',
      'customer status_changed email',
      'customer status_changed in_app',
    ]);
    const [first, second] = await eventIds(ticket.id, 'ticket.updated');
    const rows = await notifications(ticket.id);
    expect(rows.filter((row) => names.get(row.user_id) === 'agent').map((row) => row.metadata.event_id)).toEqual([first, first]);
    expect(rows.filter((row) => names.get(row.user_id) === 'admin').map((row) => row.metadata.event_id)).toEqual([second, second]);
    const moved = rows.find((row) => row.type === 'status_changed')!;
    expect(moved.body).toBe(`Ticket ${ticket.number} "${ticket.title}" changed from new to open.`);
    expect(moved.metadata).toMatchObject({ status_from: 'new', status_to: 'open', event_id: first });
  });

  it('follows the workflow: status changes, the resolution request, closing and reopening, never to the actor', async () => {
    const ticket = await fileTicket('manager');
    await assign(ticket.id, api.world.users.agent);
    await drain(router);
    let seen = (await summary(ticket.id)).length;

    const step = async (action: () => Promise<unknown>) => {
      await action();
      await drain(router);
      const all = await notifications(ticket.id);
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh.map((row) => `${names.get(row.user_id)} ${row.type} ${row.channel}`).sort();
    };
    const post = (by: UserKey, action: string, body?: unknown) => () => ok(api.as(by).post(`/v1/tickets/${ticket.id}/${action}`, body));

    expect(await step(post('agent', 'start'))).toEqual(['customer status_changed email', 'customer status_changed in_app']);
    expect(await step(post('agent', 'pend', { reason: 'Need the printer model' }))).toEqual([
      'customer status_changed email',
      'customer status_changed in_app',
    ]);
    expect(await step(post('agent', 'resolve', { resolution_notes: 'Extinguished' }))).toEqual([
      'customer resolution_request email',
      'customer resolution_request in_app',
    ]);
    expect(await step(post('customer', 'close'))).toEqual(['agent ticket_closed email', 'agent ticket_closed in_app']);
    expect(await step(post('customer', 'reopen', { reason: 'It is burning again' }))).toEqual([
      'agent status_changed email',
      'agent status_changed in_app',
    ]);
    // A manager moving it on tells both the requester and the assignee.
    expect(await step(post('manager', 'start'))).toEqual([
      'agent status_changed email',
      'agent status_changed in_app',
      'customer status_changed email',
      'customer status_changed in_app',
    ]);
    const last = (await notifications(ticket.id)).at(-1)!;
    expect(last.body).toBe(`Ticket ${ticket.number} "${ticket.title}" changed from open to in progress.`);
  });

  it('reports starting a new ticket (new → open → in progress in one request) as one change', async () => {
    const ticket = await fileTicket('manager');
    await drain(router);
    await ok(api.as('manager').post(`/v1/tickets/${ticket.id}/start`));
    expect(await eventIds(ticket.id, 'ticket.updated')).toHaveLength(2);
    await drain(router);

    const rows = (await notifications(ticket.id)).filter((row) => row.type === 'status_changed');
    expect(rows.map((row) => `${names.get(row.user_id)} ${row.channel}`)).toEqual(['customer email', 'customer in_app']);
    expect(rows[0]!.body).toBe(`Ticket ${ticket.number} "${ticket.title}" changed from new to in progress.`);
    expect(rows[0]!.metadata).toMatchObject({ status_from: 'new', status_to: 'in_progress' });
  });

  it('sends public comments to the requester and assignee, internal notes to staff on the ticket only', async () => {
    const ticket = await fileTicket('manager');
    await assign(ticket.id, api.world.users.agent);
    await drain(router);
    const before = (await notifications(ticket.id)).length;
    const comments = (rows: NotificationRow[]) =>
      rows.slice(before).map((row) => `${names.get(row.user_id)} ${row.channel} ${row.metadata.is_internal ? 'internal' : 'public'}`);

    await comment(ticket.id, 'agent', 'We are on our way with an extinguisher.');
    await comment(ticket.id, 'customer', 'Please hurry.');
    await comment(ticket.id, 'admin', 'Facilities have been called.');
    const note = await comment(ticket.id, 'manager', 'Secret: the printer lease ends next month.', true);
    await drain(router);

    const rows = await notifications(ticket.id);
    expect(comments(rows).sort()).toEqual([
      // The agent's reply reaches the requester; the customer's reaches the assignee; the admin's both.
      'agent email public',
      'agent email public',
      // The manager's note reaches the assignee and the admin, who has written on the ticket.
      'agent email internal',
      'admin email internal',
      'agent in_app public',
      'agent in_app public',
      'agent in_app internal',
      'admin in_app internal',
      'customer email public',
      'customer email public',
      'customer in_app public',
      'customer in_app public',
    ].sort());
    expect(rows.slice(before).every((row) => row.type === 'comment_added')).toBe(true);
    const toCustomer = rows.filter((row) => names.get(row.user_id) === 'customer');
    expect(toCustomer.map((row) => row.body).join('\n')).not.toContain('Secret');
    const internal = rows.find((row) => row.metadata.comment_id === note.id && names.get(row.user_id) === 'agent')!;
    expect(internal.title).toBe(`Internal note on ${ticket.number}: ${ticket.title}`);
    expect(internal.body).toBe(
      `manager added an internal note to ticket ${ticket.number} "${ticket.title}":\n\nSecret: the printer lease ends next month.`,
    );
    const reply = rows.find((row) => names.get(row.user_id) === 'customer' && row.body.includes('extinguisher'))!;
    expect(reply.title).toBe(`New reply on ${ticket.number}: ${ticket.title}`);
    expect(reply.body).toBe(`agent replied on ticket ${ticket.number} "${ticket.title}":\n\nWe are on our way with an extinguisher.`);
  });

  it('keeps a comment made internal before it was routed from the customer', async () => {
    const ticket = await fileTicket('manager');
    await assign(ticket.id, api.world.users.agent);
    await drain(router);
    const before = (await summary(ticket.id)).length;
    const posted = await comment(ticket.id, 'agent', 'The invoice was sent to the wrong customer.');
    // Hidden again as the owner (a moderator's fix) before the router sees the comment.
    await api.db.query('update comments set is_internal = true where id = $1', [posted.id]);
    await drain(router);
    expect(await newRows(ticket.id, before)).toBe(0);
  });

  it("delivers on the channels each recipient's preferences enable, and not at all when none is", async () => {
    const prefs = await api.as('spare').put('/v1/notifications/preferences', {
      ticket_created: { email: false },
      comment_added: { email: false, sms: true, slack: true },
      status_changed: { email: false, in_app: false },
    });
    expect(prefs.status).toBe(200);
    const ticket = await fileTicket('manager', { requester_id: api.world.users.spare });
    await assign(ticket.id, api.world.users.agent);
    await comment(ticket.id, 'agent', 'Could you send a photo?');
    await drain(router);

    expect(await summary(ticket.id)).toEqual([
      'agent ticket_assigned email',
      'agent ticket_assigned in_app',
      'spare comment_added in_app',
      'spare comment_added slack',
      'spare comment_added sms',
      'spare ticket_created in_app',
    ]);
    await ok(api.as('spare').put('/v1/notifications/preferences', {}));
  });

  it('tells inactive users nothing', async () => {
    const { rows } = await api.db.query<{ id: string }>(
      "insert into users (email, first_name, role, department_id, is_approved) values ('leaver@world.test', 'Lee', 'agent', $1, true) returning id",
      [api.world.ids.support],
    );
    const leaver = rows[0]!.id;
    names.set(leaver, 'leaver');
    const ticket = await fileTicket('manager');
    await assign(ticket.id, leaver);
    await drain(router);
    expect(await summary(ticket.id, (row) => row.type === 'ticket_assigned')).toEqual([
      'leaver ticket_assigned email',
      'leaver ticket_assigned in_app',
    ]);
    const before = (await summary(ticket.id)).length;

    await ok(api.as('admin').patch(`/v1/users/${leaver}`, { is_active: false }));
    await comment(ticket.id, 'customer', 'Hello? Anyone?');
    await drain(router);
    expect(await newRows(ticket.id, before)).toBe(0);
  });

  it('sends escalations up the chain and to whom they are addressed, only when raised, never to the customer', async () => {
    const ticket = await fileTicket('manager');
    await assign(ticket.id, api.world.users.agent);
    await drain(router);
    const escalations = async () => (await summary(ticket.id, (row) => row.type === 'escalated'));

    // Level 1 reaches the assignee, who is the one escalating, and the admin it is addressed to.
    const escalation = await ok(
      api.as('agent').post(`/v1/tickets/${ticket.id}/escalations`, { reason: 'Needs a fire marshal', to_user_id: api.world.users.admin }),
      201,
    );
    expect(escalation.escalation_level).toBe(1);
    await drain(router);
    expect(await escalations()).toEqual(['admin escalated email', 'admin escalated in_app']);
    const first = (await notifications(ticket.id)).find((row) => row.type === 'escalated')!;
    expect(first).toMatchObject({
      priority: 'high', // a medium ticket, but escalations ask for action
      title: `Escalated to level 1: ${ticket.number}: ${ticket.title}`,
      metadata: { escalation_id: escalation.id, escalation_level: 1, escalation_type: 'manual', ticket_number: ticket.number },
    });
    expect(first.body).toBe(`Ticket ${ticket.number} "${ticket.title}" was escalated to level 1 (manual escalation).\n\nReason: Needs a fire marshal`);

    // The engine raises it to level 2 (no actor): the team lead, who is also whom it now goes to.
    await api.db.query('update escalations set escalation_level = 2, to_user_id = $2 where id = $1', [escalation.id, api.world.users.manager]);
    await drain(router);
    expect(await escalations()).toEqual([
      'admin escalated email',
      'admin escalated in_app',
      'manager escalated email',
      'manager escalated in_app',
    ]);
    const raised = (await notifications(ticket.id)).find((row) => row.type === 'escalated' && names.get(row.user_id) === 'manager')!;
    expect(raised.body).toBe(
      `Ticket ${ticket.number} "${ticket.title}" was raised from level 1 to level 2 (manual escalation).\n\nReason: Needs a fire marshal`,
    );

    // Acknowledging is not news.
    await ok(api.as('manager').post(`/v1/escalations/${escalation.id}/acknowledge`));
    await drain(router);
    expect(await escalations()).toHaveLength(4);

    // Level 4 reaches the admins (the department has no manager, so level 3 would too), and the
    // engine addresses it to the first of them.
    await api.db.query('update escalations set escalation_level = 4, to_user_id = $2 where id = $1', [escalation.id, api.world.users.admin]);
    await drain(router);
    expect(await escalations()).toEqual([
      'admin escalated email',
      'admin escalated email',
      'admin escalated in_app',
      'admin escalated in_app',
      'manager escalated email',
      'manager escalated in_app',
    ]);
    expect(await summary(ticket.id, (row) => names.get(row.user_id)?.startsWith('customer') ?? false)).toEqual([
      'customer status_changed email',
      'customer status_changed in_app',
      'customer ticket_created email',
      'customer ticket_created in_app',
    ]);
  });

  it('never tells a customer of an escalation, even one addressed to them', async () => {
    const ticket = await fileTicket('manager');
    await assign(ticket.id, api.world.users.agent);
    await drain(router);
    // The API refuses a customer as the target; a row written another way must still not leak.
    await api.db.query(
      "insert into escalations (ticket_id, to_user_id, reason, escalation_type) values ($1, $2, 'Internal: customer is difficult', 'manual')",
      [ticket.id, api.world.users.customer],
    );
    await drain(router);
    expect(await summary(ticket.id, (row) => row.type === 'escalated')).toEqual(['agent escalated email', 'agent escalated in_app']);
  });

  /** What the SLA scheduler emits (see sla/fire-timer.ts), emitted here as the owner. */
  async function emitSla(ticketId: string, type: 'sla.warning' | 'sla.breached', target: string, dueAt: string) {
    await api.db.query('select app.emit($1, $2, true, $3::jsonb)', [type, ticketId, { target, due_at: dueAt, policy_id: null }]);
  }

  it('warns the assignee of an SLA target due soon, and tells the assignee and the team lead of a breach', async () => {
    const ticket = await fileTicket('manager');
    await assign(ticket.id, api.world.users.agent);
    await drain(router);
    await emitSla(ticket.id, 'sla.warning', 'first_response', '2031-05-06T07:30:00.000Z');
    await emitSla(ticket.id, 'sla.breached', 'resolution', '2031-05-06T11:00:00.000Z');
    await drain(router);

    const rows = (await notifications(ticket.id)).filter((row) => row.type.startsWith('sla_'));
    expect(rows.map((row) => `${names.get(row.user_id)} ${row.type} ${row.channel} ${row.priority}`).sort()).toEqual([
      'agent sla_breach email urgent',
      'agent sla_breach in_app urgent',
      'agent sla_warning email high',
      'agent sla_warning in_app high',
      'manager sla_breach email urgent',
      'manager sla_breach in_app urgent',
    ]);
    const warning = rows.find((row) => row.type === 'sla_warning')!;
    expect(warning.title).toBe(`SLA first response due soon: ${ticket.number}: ${ticket.title}`);
    expect(warning.body).toBe(`The first response target of ticket ${ticket.number} "${ticket.title}" is due at 2031-05-06 07:30 UTC.`);
    expect(warning.metadata).toMatchObject({ target: 'first_response', due_at: '2031-05-06T07:30:00.000Z', event_type: 'sla.warning' });
    const breach = rows.find((row) => row.type === 'sla_breach')!;
    expect(breach.body).toBe(
      `The resolution target of ticket ${ticket.number} "${ticket.title}" was due at 2031-05-06 11:00 UTC and has been missed.`,
    );
  });

  it("warns the team lead when nobody holds the ticket (the chain's empty first tier passes upward)", async () => {
    const ticket = await fileTicket('manager');
    await drain(router);
    await emitSla(ticket.id, 'sla.warning', 'first_response', '2031-05-06T07:30:00.000Z');
    await drain(router);
    expect(await summary(ticket.id, (row) => row.type === 'sla_warning')).toEqual(['manager sla_warning email', 'manager sla_warning in_app']);
  });

  it('writes nothing for a ticket deleted before its events were routed, and moves past them', async () => {
    const ticket = await fileTicket('admin');
    await comment(ticket.id, 'agent', 'On it.');
    await ok(api.as('admin').delete(`/v1/tickets/${ticket.id}`), 204);
    expect(await router.runOnce()).toBeGreaterThan(0);
    expect(await router.runOnce()).toBe(0);
    expect(await notifications(ticket.id)).toEqual([]);
  });

  it('routes each event exactly once, across runs and across two router instances', async () => {
    const other = notificationRouter({ db: api.db, clock: api.clock, batchSize: 1 });
    const small = notificationRouter({ db: api.db, clock: api.clock, batchSize: 1 });
    const ticket = await fileTicket('manager');
    await assign(ticket.id, api.world.users.agent);
    await comment(ticket.id, 'agent', 'Looking.');
    await comment(ticket.id, 'customer', 'Thanks.');

    // Three instances of the one consumer, racing one event at a time and the default batch.
    await Promise.all([drain(other), drain(small), drain(router)]);
    await Promise.all([drain(other), drain(router)]);

    // receipt 2 + assigned 2 + new → open 2 + the agent's reply to the customer 2 + the customer's to the agent 2
    const rows = await notifications(ticket.id);
    expect(rows).toHaveLength(10);
    const keys = rows.map((row) => `${row.user_id} ${row.channel} ${String(row.metadata.event_id)}`);
    expect(new Set(keys).size).toBe(10);
  });
});
