/**
 * The SDK's SLA, escalation, notification and feedback modules against the reference server,
 * in-process (as sdk-client.test.ts): every method, called as the roles the contract names, with
 * the outcomes and typed refusals checked against what each test set up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slaScheduler } from '../src/sla/scheduler.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { sdkClients } from './support/sdk.js';
import { engines } from './support/test-database.js';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  UnprocessableEntityError,
  type PagePromise,
} from '../../../src/index.js';

/** Every item of every page. */
async function all<Item>(list: PagePromise<Item>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of list) items.push(item);
  return items;
}

const DEFAULT_CHANNELS = { email: true, in_app: true, sms: false, slack: false };

describe.each(engines)('SDK SLA, escalations, notifications and feedback (%s)', (engine) => {
  let api: ApiHarness;
  const { as } = sdkClients(() => api);

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  const rowId = (table: string, name: string) => api.world.rows[table]![name]!.params[0] as string;

  /** A ticket of `customer` in the support department (agent and manager see it), assigned to agent so agent2 does not. */
  async function supportTicket(fields: { title: string; priority?: 'urgent' | 'high' | 'medium' | 'low' }) {
    const customer = await as('customer');
    const agent = await as('agent');
    const ticket = await customer.tickets.create({ ...fields, description: 'Set up by the SDK test', department_id: api.world.ids.support! });
    await agent.tickets.assign(ticket.id, { assignee_id: api.world.users.agent });
    return ticket;
  }

  describe('tf.sla', () => {
    it('creates, reads, updates and deletes SLA policies as admin; staff read them, customers see none', async () => {
      const admin = await as('admin');
      const agent = await as('agent');
      const customer = await as('customer');
      const network = api.world.ids.network!;

      const created = await admin.sla.policies.create({
        name: 'SDK low network',
        priority: 'low',
        category_id: network,
        response_time_minutes: 120,
        resolution_time_minutes: 2880,
        business_hours_only: false,
        effective_from: '2021-01-01',
      });
      expect(created).toMatchObject({
        name: 'SDK low network',
        priority: 'low',
        category_id: network,
        response_time_minutes: 120,
        resolution_time_minutes: 2880,
        business_hours_only: false,
        time_zone: 'UTC',
        holidays: [],
        is_active: true,
        effective_from: '2021-01-01',
      });

      const staffList = await all(agent.sla.policies.list({ priority: ['low'], category_id: network }));
      expect(staffList.map((policy) => policy.id)).toEqual([created.id]);
      const everyPriority = await all(agent.sla.policies.list({ limit: 1 }));
      expect(everyPriority.map((policy) => policy.id)).toEqual(expect.arrayContaining([created.id, rowId('sla_policies', 'p1')]));
      expect((await customer.sla.policies.list()).data).toEqual([]);

      expect(await agent.sla.policies.get(created.id)).toEqual(created);
      await expect(customer.sla.policies.get(created.id)).rejects.toBeInstanceOf(NotFoundError);

      const updated = await admin.sla.policies.update(created.id, {
        name: 'SDK low network (office hours)',
        business_hours_only: true,
        business_start_hour: 8,
        holidays: ['2025-12-26', '2025-12-25'],
      });
      expect(updated).toMatchObject({
        id: created.id,
        name: 'SDK low network (office hours)',
        business_hours_only: true,
        business_start_hour: 8,
        holidays: ['2025-12-25', '2025-12-26'],
        response_time_minutes: 120,
      });
      await expect(agent.sla.policies.update(created.id, { name: 'Not mine to change' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(admin.sla.policies.update(created.id, { resolution_time_minutes: 60 })).rejects.toBeInstanceOf(UnprocessableEntityError);
      await expect(
        admin.sla.policies.create({
          name: 'SDK duplicate',
          priority: 'low',
          category_id: network,
          response_time_minutes: 60,
          resolution_time_minutes: 600,
          effective_from: '2021-01-01',
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        agent.sla.policies.create({ name: 'By an agent', priority: 'low', response_time_minutes: 60, resolution_time_minutes: 600 }),
      ).rejects.toBeInstanceOf(PermissionDeniedError);
      expect((await agent.sla.policies.get(created.id)).name).toBe('SDK low network (office hours)');

      await expect(agent.sla.policies.delete(created.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(admin.sla.policies.delete(created.id)).resolves.toBeUndefined();
      await expect(admin.sla.policies.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await all(admin.sla.policies.list({ priority: ['low'] }))).map((policy) => policy.id)).not.toContain(created.id);
    });

    it("gives staff a ticket's live SLA state and the list of live states; customers are refused", async () => {
      const admin = await as('admin');
      const agent = await as('agent');
      const manager = await as('manager');
      const customer = await as('customer');
      const other = await as('customer2');
      const policy = await admin.sla.policies.create({
        name: 'SDK medium 24/7',
        priority: 'medium',
        response_time_minutes: 30,
        resolution_time_minutes: 240,
        business_hours_only: false,
        effective_from: '2020-01-01',
      });
      const ticket = await supportTicket({ title: 'SDK SLA ticket', priority: 'medium' });
      api.clock.set(new Date());

      const state = await agent.sla.forTicket(ticket.id);
      expect(state).toMatchObject({ ticket_id: ticket.id, paused: false, breached_at: null });
      expect(state.policy?.id).toBe(policy.id);
      expect(state.first_response).toMatchObject({ target_minutes: 30, responded_at: null, breached: false });
      expect(state.resolution).toMatchObject({ target_minutes: 240, resolved_at: null, breached: false });
      await expect(customer.sla.forTicket(ticket.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(other.sla.forTicket(ticket.id)).rejects.toBeInstanceOf(NotFoundError);

      // Waiting on the customer stops the resolution clock.
      await agent.tickets.start(ticket.id);
      await agent.tickets.pend(ticket.id, { reason: 'Waiting for the logs' });
      const paused = await agent.sla.forTicket(ticket.id);
      expect(paused.paused).toBe(true);
      expect(paused.resolution.status).toBe('paused');

      // The list reads the policy the SLA engine stored on the ticket: let it plan the new one.
      const scheduler = slaScheduler({ db: api.db, clock: api.clock, logger: api.logger });
      while ((await scheduler.runOnce()) > 0);
      const medium = await all(manager.sla.list({ priority: ['medium'] }));
      const item = medium.find((entry) => entry.ticket_id === ticket.id);
      expect(item).toMatchObject({
        ticket_id: ticket.id,
        ticket_number: ticket.ticket_number,
        title: 'SDK SLA ticket',
        ticket_status: 'pending',
        priority: 'medium',
        assignee_id: api.world.users.agent,
        sla_status: 'paused',
      });
      expect(item?.sla.policy?.id).toBe(policy.id);
      expect((await all(agent.sla.list({ status: ['paused'] }))).map((entry) => entry.ticket_id)).toContain(ticket.id);
      expect((await all(agent.sla.list({ status: ['running', 'breached'] }))).map((entry) => entry.ticket_id)).not.toContain(ticket.id);
      await expect(customer.sla.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    });
  });

  describe('tf.escalations', () => {
    it('shows escalations to the staff who see their ticket, and none to customers', async () => {
      const agent = await as('agent');
      const agent2 = await as('agent2');
      const customer = await as('customer');
      const mine = api.world.ids.mine!;
      const mineEsc = rowId('escalations', 'mineEsc');
      const foreignEsc = rowId('escalations', 'foreignEsc');

      const visible = (await all(agent.escalations.list())).map((escalation) => escalation.id);
      expect(visible).toContain(mineEsc);
      expect(visible).not.toContain(foreignEsc);
      expect((await all(agent2.escalations.list())).map((escalation) => escalation.id)).toEqual([foreignEsc]);
      expect((await customer.escalations.list()).data).toEqual([]);

      expect(await agent.escalations.get(mineEsc)).toMatchObject({
        id: mineEsc,
        ticket_id: mine,
        from_user_id: api.world.users.manager,
        to_user_id: api.world.users.agent,
        reason: 'Customer waiting',
        escalation_type: 'manual',
      });
      await expect(agent.escalations.get(foreignEsc)).rejects.toBeInstanceOf(NotFoundError);
      await expect(customer.escalations.get(mineEsc)).rejects.toBeInstanceOf(NotFoundError);

      expect((await all(agent.escalations.listForTicket(mine))).map((escalation) => escalation.id)).toContain(mineEsc);
      expect((await customer.escalations.listForTicket(mine)).data).toEqual([]);
      await expect(agent2.escalations.listForTicket(mine)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('escalates a ticket and takes escalations through acknowledge, resolve and cancel', async () => {
      const agent = await as('agent');
      const manager = await as('manager');
      const customer = await as('customer');
      const ticket = await supportTicket({ title: 'SDK escalation ticket' });

      const handled = await manager.escalations.create(ticket.id, { reason: 'Database down', to_user_id: api.world.users.agent, escalation_level: 3 });
      expect(handled).toMatchObject({
        ticket_id: ticket.id,
        from_user_id: api.world.users.manager,
        to_user_id: api.world.users.agent,
        reason: 'Database down',
        escalation_level: 3,
        escalation_type: 'manual',
        status: 'pending',
        acknowledged_at: null,
      });
      await expect(customer.escalations.create(ticket.id, { reason: 'Please hurry' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(manager.escalations.create(ticket.id, { reason: 'To a customer', to_user_id: api.world.users.customer })).rejects.toBeInstanceOf(
        UnprocessableEntityError,
      );

      const acknowledged = await agent.escalations.acknowledge(handled.id);
      expect(acknowledged).toMatchObject({ id: handled.id, status: 'acknowledged', resolved_at: null });
      expect(acknowledged.acknowledged_at).not.toBeNull();
      const twice = await agent.escalations.acknowledge(handled.id).catch((error: unknown) => error);
      expect(twice).toBeInstanceOf(ConflictError);
      expect((twice as ConflictError).code).toBe('invalid_transition');
      const resolved = await agent.escalations.resolve(handled.id, { resolution_notes: 'Failed over to the standby' });
      expect(resolved).toMatchObject({ status: 'resolved', resolution_notes: 'Failed over to the standby', acknowledged_at: acknowledged.acknowledged_at });
      expect(resolved.resolved_at).not.toBeNull();
      await expect(agent.escalations.cancel(handled.id)).rejects.toBeInstanceOf(ConflictError);

      // Escalated to the manager: not the agent's to handle.
      const toManager = await agent.escalations.create(ticket.id, { reason: 'Need approval', to_user_id: api.world.users.manager });
      expect(toManager).toMatchObject({ from_user_id: api.world.users.agent, to_user_id: api.world.users.manager, status: 'pending' });
      await expect(agent.escalations.acknowledge(toManager.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent.escalations.resolve(toManager.id, { resolution_notes: 'Approved myself' })).rejects.toBeInstanceOf(PermissionDeniedError);
      const bare = await manager.escalations.cancel(toManager.id);
      expect(bare).toMatchObject({ id: toManager.id, status: 'cancelled', resolution_notes: null });
      expect(bare.cancelled_at).not.toBeNull();

      const mistaken = await manager.escalations.create(ticket.id, { reason: 'Wrong ticket' });
      const withReason = await manager.escalations.cancel(mistaken.id, { reason: 'Escalated by mistake' });
      expect(withReason).toMatchObject({ status: 'cancelled', resolution_notes: 'Escalated by mistake' });

      const ofTicket = await all(agent.escalations.listForTicket(ticket.id, { limit: 1 }));
      expect(ofTicket.map((escalation) => escalation.id)).toEqual([mistaken.id, toManager.id, handled.id]);
      const cancelled = await all(agent.escalations.listForTicket(ticket.id, { status: ['cancelled'] }));
      expect(cancelled.map((escalation) => escalation.id)).toEqual([mistaken.id, toManager.id]);
      const filtered = await all(manager.escalations.list({ ticket_id: ticket.id, status: ['resolved'] }));
      expect(filtered.map((escalation) => escalation.id)).toEqual([handled.id]);
      expect(await agent.escalations.get(handled.id)).toEqual(resolved);
    });
  });

  describe('tf.notifications', () => {
    it("lists the caller's own notifications and marks one read, keeping its first read time", async () => {
      const customer = await as('customer');
      const other = await as('customer2');
      const note = rowId('notifications', 'customerNote');

      const listed = await all(customer.notifications.list({ ticket_id: api.world.ids.mine! }));
      expect(listed.find((notification) => notification.id === note)).toMatchObject({
        type: 'comment_added',
        title: 'New comment',
        body: 'Body',
        read_at: null,
      });
      expect((await all(other.notifications.list())).map((notification) => notification.id)).not.toContain(note);
      await expect(other.notifications.markRead(note)).rejects.toBeInstanceOf(NotFoundError);

      const read = await customer.notifications.markRead(note);
      expect(read).toMatchObject({ id: note, status: 'read' });
      expect(read.read_at).not.toBeNull();
      api.clock.advance(120);
      expect((await customer.notifications.markRead(note)).read_at).toBe(read.read_at);
      expect((await all(customer.notifications.list({ unread: true }))).map((notification) => notification.id)).not.toContain(note);
      expect((await all(customer.notifications.list({ unread: false }))).map((notification) => notification.id)).toContain(note);
    });

    it('marks every unread notification of the caller read, and says how many', async () => {
      const agent = await as('agent');
      const customer = await as('customer');
      const agentNote = rowId('notifications', 'agentNote');
      const unread = await all(agent.notifications.list({ unread: true }));
      expect(unread.map((notification) => notification.id)).toContain(agentNote);
      const customerUnread = (await all(customer.notifications.list({ unread: true }))).length;

      expect(await agent.notifications.markAllRead()).toEqual({ updated: unread.length });
      expect((await agent.notifications.list({ unread: true })).data).toEqual([]);
      expect(await agent.notifications.markAllRead()).toEqual({ updated: 0 });
      expect((await all(agent.notifications.list())).find((notification) => notification.id === agentNote)?.status).toBe('read');
      // Only the caller's inbox.
      expect((await all(customer.notifications.list({ unread: true }))).length).toBe(customerUnread);
    });

    it("reads and replaces the caller's notification preferences, defaults filled in", async () => {
      const other = await as('customer2');
      const customer = await as('customer');
      const defaults = await other.notifications.getPreferences();
      expect(defaults.comment_added).toEqual(DEFAULT_CHANNELS);
      expect(defaults.sla_breach).toEqual(DEFAULT_CHANNELS);

      const replaced = await other.notifications.updatePreferences({ sla_breach: { sms: true }, ticket_created: { email: false } });
      expect(replaced.sla_breach).toEqual({ ...DEFAULT_CHANNELS, sms: true });
      expect(replaced.ticket_created).toEqual({ ...DEFAULT_CHANNELS, email: false });
      expect(replaced.comment_added).toEqual(DEFAULT_CHANNELS);
      expect(await other.notifications.getPreferences()).toEqual(replaced);
      expect((await customer.notifications.getPreferences()).sla_breach).toEqual(DEFAULT_CHANNELS);

      // A replacement, not a merge: what is left out goes back to its default.
      const restored = await other.notifications.updatePreferences({ ticket_closed: { slack: true } });
      expect(restored.sla_breach).toEqual(DEFAULT_CHANNELS);
      expect(restored.ticket_created).toEqual(DEFAULT_CHANNELS);
      expect(restored.ticket_closed).toEqual({ ...DEFAULT_CHANNELS, slack: true });
    });
  });

  describe('tf.feedback', () => {
    it('lets the requester rate a resolved ticket and replace the rating; others are refused', async () => {
      const customer = await as('customer');
      const other = await as('customer2');
      const agent = await as('agent');
      const resolved = api.world.ids.resolvedUnrated!;

      await expect(customer.feedback.get(resolved)).rejects.toBeInstanceOf(NotFoundError);
      const first = await customer.feedback.rate(resolved, { rating: 5, comment: 'Fixed within the hour' });
      expect(first).toMatchObject({ ticket_id: resolved, customer_id: api.world.users.customer, rating: 5, comment: 'Fixed within the hour' });
      const second = await customer.feedback.rate(resolved, { rating: 3 });
      expect(second).toMatchObject({ id: first.id, rating: 3, comment: null });
      expect(await agent.feedback.get(resolved)).toEqual(second);
      expect(await customer.feedback.get(resolved)).toEqual(second);

      await expect(agent.feedback.rate(resolved, { rating: 1 })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(other.feedback.rate(resolved, { rating: 1 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(other.feedback.get(resolved)).rejects.toBeInstanceOf(NotFoundError);
      const open = await customer.tickets.create({ title: 'SDK not yet resolved', description: 'Still broken' });
      const early = await customer.feedback.rate(open.id, { rating: 4 }).catch((error: unknown) => error);
      expect(early).toBeInstanceOf(ConflictError);
      expect((early as ConflictError).code).toBe('invalid_transition');
      expect((await customer.feedback.get(resolved)).rating).toBe(3);
    });

    it('lists ratings: customers their own, staff those of the tickets they see', async () => {
      const customer = await as('customer');
      const other = await as('customer2');
      const agent = await as('agent');
      const admin = await as('admin');
      const resolved = api.world.ids.resolvedUnrated!;
      const rating = await customer.feedback.rate(resolved, { rating: 2, comment: 'Took two tries' });

      const own = await all(customer.feedback.list({ limit: 1 }));
      expect(own.length).toBeGreaterThanOrEqual(2);
      expect(own.every((feedback) => feedback.customer_id === api.world.users.customer)).toBe(true);
      expect(own.map((feedback) => feedback.id)).toContain(rating.id);
      expect((await all(other.feedback.list())).map((feedback) => feedback.id)).not.toContain(rating.id);

      expect(await all(agent.feedback.list({ ticket_id: resolved }))).toEqual([rating]);
      const low = await all(admin.feedback.list({ rating: [1, 2] }));
      expect(low.map((feedback) => feedback.id)).toContain(rating.id);
      expect(low.every((feedback) => feedback.rating <= 2)).toBe(true);
      expect((await all(admin.feedback.list({ rating: [5] }))).map((feedback) => feedback.id)).not.toContain(rating.id);
    });
  });
});
