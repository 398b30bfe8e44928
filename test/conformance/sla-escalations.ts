/**
 * `tf.sla` and `tf.escalations`: SLA policies, a ticket's live SLA state and the list of states,
 * and escalations through acknowledge, resolve and cancel, each as the roles the contract names.
 */
import { describe, expect } from 'vitest';
import { ConflictError, NotFoundError, PermissionDeniedError, UnprocessableEntityError } from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, supportTicket } from './helpers.js';

export function slaAndEscalations(tf: Conformance): void {
  describe('SLA and escalations', () => {
    describe('tf.sla', () => {
      tf.test('creates, reads, updates and deletes SLA policies as admin; staff read them, customers see none', async () => {
        const admin = tf.as('admin');
        const agent = tf.as('agent');
        const customer = tf.as('customer');
        const network = tf.target.fixtures.category;

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
        expect(everyPriority.map((policy) => policy.id)).toEqual(expect.arrayContaining([created.id, tf.target.fixtures.urgentSlaPolicy]));
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

      tf.test("gives staff a ticket's live SLA state and the list of live states; customers are refused", async () => {
        const runBackgroundJobs = tf.need('runBackgroundJobs');
        const admin = tf.as('admin');
        const agent = tf.as('agent');
        const manager = tf.as('manager');
        const customer = tf.as('customer');
        const other = tf.as('customer2');
        const policy = await admin.sla.policies.create({
          name: 'SDK medium 24/7',
          priority: 'medium',
          response_time_minutes: 30,
          resolution_time_minutes: 240,
          business_hours_only: false,
          effective_from: '2020-01-01',
        });
        const ticket = await supportTicket(tf, { title: 'SDK SLA ticket', priority: 'medium' });

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
        await runBackgroundJobs();
        const medium = await all(manager.sla.list({ priority: ['medium'] }));
        const item = medium.find((entry) => entry.ticket_id === ticket.id);
        expect(item).toMatchObject({
          ticket_id: ticket.id,
          ticket_number: ticket.ticket_number,
          title: 'SDK SLA ticket',
          ticket_status: 'pending',
          priority: 'medium',
          assignee_id: tf.target.users.agent.id,
          sla_status: 'paused',
        });
        expect(item?.sla.policy?.id).toBe(policy.id);
        expect((await all(agent.sla.list({ status: ['paused'] }))).map((entry) => entry.ticket_id)).toContain(ticket.id);
        expect((await all(agent.sla.list({ status: ['running', 'breached'] }))).map((entry) => entry.ticket_id)).not.toContain(ticket.id);
        await expect(customer.sla.list()).rejects.toBeInstanceOf(PermissionDeniedError);
      });
    });

    describe('tf.escalations', () => {
      tf.test('shows escalations to the staff who see their ticket, and none to customers', async () => {
        const agent = tf.as('agent');
        const agent2 = tf.as('agent2');
        const customer = tf.as('customer');
        const { users, fixtures } = tf.target;
        const { id: mine } = await supportTicket(tf, { title: 'Escalated in support' });
        const { id: mineEsc } = await tf.as('manager').escalations.create(mine, { reason: 'Customer waiting', to_user_id: users.agent.id });
        const foreign = await tf.as('customer2').tickets.create({ title: 'Escalated in infrastructure', description: 'Down', department_id: fixtures.departments.infra });
        await agent2.tickets.assign(foreign.id, { assignee_id: users.agent2.id });
        const { id: foreignEsc } = await tf.as('admin').escalations.create(foreign.id, { reason: 'Stuck', to_user_id: users.agent2.id });

        const visible = (await all(agent.escalations.list())).map((escalation) => escalation.id);
        expect(visible).toContain(mineEsc);
        expect(visible).not.toContain(foreignEsc);
        const theirs = (await all(agent2.escalations.list())).map((escalation) => escalation.id);
        expect(theirs).toContain(foreignEsc);
        expect(theirs).not.toContain(mineEsc);
        expect((await customer.escalations.list()).data).toEqual([]);

        expect(await agent.escalations.get(mineEsc)).toMatchObject({
          id: mineEsc,
          ticket_id: mine,
          from_user_id: tf.target.users.manager.id,
          to_user_id: tf.target.users.agent.id,
          reason: 'Customer waiting',
          escalation_type: 'manual',
        });
        await expect(agent.escalations.get(foreignEsc)).rejects.toBeInstanceOf(NotFoundError);
        await expect(customer.escalations.get(mineEsc)).rejects.toBeInstanceOf(NotFoundError);

        expect((await all(agent.escalations.listForTicket(mine))).map((escalation) => escalation.id)).toContain(mineEsc);
        expect((await customer.escalations.listForTicket(mine)).data).toEqual([]);
        await expect(agent2.escalations.listForTicket(mine)).rejects.toBeInstanceOf(NotFoundError);
      });

      tf.test('escalates a ticket and takes escalations through acknowledge, resolve and cancel', async () => {
        const agent = tf.as('agent');
        const manager = tf.as('manager');
        const customer = tf.as('customer');
        const ticket = await supportTicket(tf, { title: 'SDK escalation ticket' });

        const handled = await manager.escalations.create(ticket.id, { reason: 'Database down', to_user_id: tf.target.users.agent.id, escalation_level: 3 });
        expect(handled).toMatchObject({
          ticket_id: ticket.id,
          from_user_id: tf.target.users.manager.id,
          to_user_id: tf.target.users.agent.id,
          reason: 'Database down',
          escalation_level: 3,
          escalation_type: 'manual',
          status: 'pending',
          acknowledged_at: null,
        });
        await expect(customer.escalations.create(ticket.id, { reason: 'Please hurry' })).rejects.toBeInstanceOf(PermissionDeniedError);
        await expect(manager.escalations.create(ticket.id, { reason: 'To a customer', to_user_id: tf.target.users.customer.id })).rejects.toBeInstanceOf(
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
        const toManager = await agent.escalations.create(ticket.id, { reason: 'Need approval', to_user_id: tf.target.users.manager.id });
        expect(toManager).toMatchObject({ from_user_id: tf.target.users.agent.id, to_user_id: tf.target.users.manager.id, status: 'pending' });
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
  });
}
