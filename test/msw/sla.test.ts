/**
 * SLA on the mock through the SDK: policies and their rules, due times the engine stamps from the
 * policies by the mock clock (business hours in a time zone included), the live state, breaches
 * and escalations when the clock passes them, and the list of live states.
 */
import { describe, expect, it } from 'vitest';
import { failure, useMock } from './support.js';

const MINUTE = 60_000;

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('SLA on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'customer2', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent', department_id: support.id });
    mock().seed.user({ key: 'manager', role: 'manager', department_id: support.id });
    mock().seed.user({ key: 'admin', role: 'admin' });
    return { support, customer: client('customer'), agent: client('agent'), manager: client('manager'), admin: client('admin') };
  }

  const minutesAfter = (from: string, to: string | null) => (to === null ? null : (Date.parse(to) - Date.parse(from)) / MINUTE);

  describe('policies', () => {
    it('creates one with the table defaults, holidays in order, and reads it as staff only', async () => {
      const { admin, agent, customer } = people();
      const policy = await admin.sla.policies.create({ name: '  Low  ', priority: 'low', response_time_minutes: 60, resolution_time_minutes: 600, holidays: ['2026-12-26', '2026-12-25'] });
      expect(policy).toMatchObject({
        name: 'Low',
        business_hours_only: true,
        business_start_hour: 9,
        business_end_hour: 17,
        include_weekends: false,
        time_zone: 'UTC',
        holidays: ['2026-12-25', '2026-12-26'],
        is_active: true,
        effective_from: '2026-01-15',
        effective_until: null,
      });
      expect(await agent.sla.policies.get(policy.id)).toEqual(policy);
      expect((await customer.sla.policies.list()).data).toEqual([]);
      expect((await failure(customer.sla.policies.get(policy.id))).status).toBe(404);
    });

    it('refuses what the server refuses, with its words', async () => {
      const { admin, agent } = people();
      const base = { name: 'P', priority: 'medium' as const, response_time_minutes: 60, resolution_time_minutes: 600 };
      const refused = async (call: PromiseLike<unknown>) => {
        const error = await failure(call);
        return [error.status, error.problem?.detail];
      };
      expect(await refused(agent.sla.policies.create(base))).toEqual([403, 'You may not make this change.']);
      expect(await refused(admin.sla.policies.create({ ...base, resolution_time_minutes: 60 }))).toEqual([422, 'resolution_time_minutes must be greater than response_time_minutes.']);
      expect(await refused(admin.sla.policies.create({ ...base, time_zone: 'Mars/Olympus' }))).toEqual([422, 'time_zone is not a known IANA time zone (such as Europe/Berlin).']);
      expect(await refused(admin.sla.policies.create({ ...base, holidays: ['2026-01-01', '2026-01-01'] }))).toEqual([400, 'holidays: must not repeat a date']);
      const first = await admin.sla.policies.create({ ...base, effective_from: '2026-01-01' });
      expect(await refused(admin.sla.policies.create({ ...base, name: 'Q', effective_from: '2026-01-01' }))).toEqual([409, 'A policy for this priority and category already starts on this effective_from date.']);
      expect(await refused(agent.sla.policies.update(first.id, { name: 'Mine' }))).toEqual([403, 'Only admins may change SLA policies.']);
      expect(await refused(admin.sla.policies.update(first.id, { business_start_hour: 18 }))).toEqual([422, 'business_end_hour must be after business_start_hour.']);
      expect(await refused(agent.sla.policies.delete(first.id))).toEqual([403, 'Only admins may change SLA policies.']);
      expect((await agent.sla.policies.get(first.id)).name).toBe('P');
    });

    it('lists by priority (urgent first), then name, page by page, with filters', async () => {
      const { admin, agent } = people();
      for (const [name, priority, from] of [['B', 'low', '2026-01-01'], ['A', 'low', '2026-01-02'], ['Z', 'urgent', '2026-01-01'], ['M', 'high', '2026-01-01']] as const) {
        await admin.sla.policies.create({ name, priority, response_time_minutes: 10, resolution_time_minutes: 100, effective_from: from });
      }
      expect((await all(agent.sla.policies.list({ limit: 1 }))).map((policy) => policy.name)).toEqual(['Z', 'M', 'A', 'B']);
      expect((await all(agent.sla.policies.list({ priority: ['low'] }))).map((policy) => policy.name)).toEqual(['A', 'B']);
    });
  });

  describe('due times from the policies', () => {
    it('are stamped by the engine after the request, without moving the ticket version', async () => {
      const { customer, agent } = people();
      mock().seed.slaPolicy({ name: 'P1', priority: 'urgent', response_time_minutes: 5, resolution_time_minutes: 240, business_hours_only: false });
      const ticket = await customer.tickets.create({ title: 'Down', priority: 'urgent' });
      // The server's engine plans in the background: not in the answer that creates the ticket.
      expect(ticket.sla.policy_id).toBeNull();
      const planned = await agent.tickets.get(ticket.id);
      expect(planned.version).toBe(ticket.version);
      expect(minutesAfter(ticket.created_at, planned.sla.first_response_due_at)).toBe(5);
      expect(minutesAfter(ticket.created_at, planned.sla.resolution_due_at)).toBe(240);
      const stamps = (await all(agent.history.list(ticket.id))).filter((entry) => entry.reason === 'SLA policy "P1"');
      expect(stamps.map((entry) => [entry.field, entry.actor_id, entry.is_internal])).toEqual([
        ['first_response_due_at', null, true],
        ['resolution_due_at', null, true],
        ['sla_policy_id', null, true],
      ]);
    });

    it('count business hours in the policy time zone, across a weekend and DST', async () => {
      people();
      mock().seed.slaPolicy({ priority: 'high', response_time_minutes: 60, resolution_time_minutes: 16 * 60, time_zone: 'Europe/Berlin' });
      // Fri 27 Mar 2026 16:30 CET (15:30Z): 30 minutes on Friday; Berlin springs forward on Sunday 29 March,
      // so Monday opens at 09:00 CEST (07:00Z): the first response is due at 07:30Z.
      mock().clock.set('2026-03-27T15:30:00Z');
      const ticket = await client('customer').tickets.create({ title: 'Printer', priority: 'high' });
      const planned = await client('agent').tickets.get(ticket.id);
      expect(planned.sla.first_response_due_at).toBe('2026-03-30T07:30:00.000Z');
      // 30 min Friday + 8 h Monday + 7.5 h Tuesday: Tue 31 Mar 16:30 CEST = 14:30Z.
      expect(planned.sla.resolution_due_at).toBe('2026-03-31T14:30:00.000Z');
    });

  });

  describe('a ticket past its targets', () => {
    it('warns, breaches, escalates and raises the escalation as the clock passes each threshold', async () => {
      const { customer, agent, admin } = people();
      mock().seed.slaPolicy({ name: 'P1', priority: 'urgent', response_time_minutes: 10, resolution_time_minutes: 240, escalation_threshold_minutes: 3, business_hours_only: false });
      const ticket = await customer.tickets.create({ title: 'Database down', priority: 'urgent' });
      await agent.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });

      mock().clock.advance(8 * MINUTE);
      expect((await agent.sla.forTicket(ticket.id)).first_response.status).toBe('at_risk');
      mock().clock.advance(3 * MINUTE);
      const late = await agent.tickets.get(ticket.id);
      expect(minutesAfter(ticket.created_at, late.sla.breached_at)).toBe(10);
      expect(late).toMatchObject({ escalation_level: 1, version: 2 });
      const [opened] = (await admin.escalations.listForTicket(ticket.id)).data;
      expect(opened).toMatchObject({ escalation_type: 'sla_breach', escalation_level: 1, from_user_id: null, to_user_id: mock().user('agent').id, status: 'pending' });
      expect(opened!.reason).toBe(`First response target of policy "P1" missed (due ${late.sla.first_response_due_at}).`);
      const kinds = mock().db.events.where((event) => event.ticket_id === ticket.id && event.type.startsWith('sla.')).map((event) => [event.type, event.payload.target]);
      expect(kinds).toEqual([['sla.warning', 'first_response'], ['sla.breached', 'first_response']]);

      // Another threshold of business time with the escalation open: level 2, the admins (no team lead).
      mock().clock.advance(3 * MINUTE);
      const [raised] = (await admin.escalations.listForTicket(ticket.id)).data;
      expect(raised).toMatchObject({ escalation_level: 2, to_user_id: mock().user('admin').id });
      expect((await agent.tickets.get(ticket.id)).escalation_level).toBe(2);
    });

    it('opens a critical_priority escalation when an urgent ticket stays unassigned past the company limit', async () => {
      const { customer } = people();
      const ticket = await customer.tickets.create({ title: 'Nobody home', priority: 'urgent' });
      mock().clock.advance(29 * MINUTE);
      // A new client each time: access tokens last 15 minutes of mock time.
      expect((await client('admin').escalations.listForTicket(ticket.id)).data).toEqual([]);
      mock().clock.advance(2 * MINUTE);
      const escalations = (await client('admin').escalations.listForTicket(ticket.id)).data;
      expect(escalations.map((escalation) => [escalation.escalation_type, escalation.to_user_id])).toEqual([['critical_priority', mock().user('admin').id]]);
    });
  });

  describe('live state', () => {
    it('pauses the resolution clock while pending, for staff only', async () => {
      const { customer, agent } = people();
      mock().seed.slaPolicy({ priority: 'medium', response_time_minutes: 30, resolution_time_minutes: 240, business_hours_only: false });
      const ticket = await customer.tickets.create({ title: 'Slow VPN' });
      await agent.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });
      await agent.comments.create(ticket.id, { body: 'Looking' });
      mock().clock.advance(20 * MINUTE);
      const later = client('agent');
      await later.tickets.start(ticket.id);
      await later.tickets.pend(ticket.id, { reason: 'Waiting for logs' });
      mock().clock.advance(60 * MINUTE);
      const state = await client('agent').sla.forTicket(ticket.id);
      expect(state).toMatchObject({ paused: true, paused_seconds: 3600, breached_at: null });
      expect(state.first_response).toMatchObject({ status: 'met', target_minutes: 30 });
      // Twenty minutes ran (and the few milliseconds each write takes on the mock clock).
      expect(state.resolution).toMatchObject({ status: 'paused', elapsed_business_minutes: 20, remaining_business_minutes: 219 });
      expect((await failure(client('customer').sla.forTicket(ticket.id))).status).toBe(403);
      expect((await failure(client('customer2').sla.forTicket(ticket.id))).status).toBe(404);
    });

    it('lists live states by status and breach horizon, most urgent first', async () => {
      const { support, customer, agent, manager } = people();
      mock().seed.slaPolicy({ priority: 'medium', response_time_minutes: 30, resolution_time_minutes: 240, business_hours_only: false });
      const soon = await customer.tickets.create({ title: 'Soon', department_id: support.id });
      mock().clock.advance(5 * MINUTE);
      const later = await customer.tickets.create({ title: 'Later', department_id: support.id });
      const paused = await customer.tickets.create({ title: 'Paused', department_id: support.id });
      await agent.tickets.assign(paused.id, { assignee_id: mock().user('agent').id });
      await agent.comments.create(paused.id, { body: 'Hi' });
      await agent.tickets.start(paused.id);
      await agent.tickets.pend(paused.id, { reason: 'Waiting' });

      const running = await all(manager.sla.list({ status: ['running'], limit: 1 }));
      expect(running.map((item) => item.title)).toEqual(['Soon', 'Later']);
      expect(running[0]).toMatchObject({ ticket_id: soon.id, sla_status: 'running', next_due_at: (await agent.tickets.get(soon.id)).sla.first_response_due_at });
      expect((await all(manager.sla.list({ status: ['paused'] }))).map((item) => item.ticket_id)).toEqual([paused.id]);
      expect((await all(manager.sla.list({ breaching_within: 26 }))).map((item) => item.ticket_id)).toEqual([soon.id]);
      expect((await failure(customer.sla.list())).status).toBe(403);
      expect((await all(manager.sla.list({ priority: ['medium'] }))).map((item) => item.ticket_id)).toContain(later.id);
    });
  });
});

describe('SLA on the mock, background jobs run by hand', () => {
  const { mock, client } = useMock({ backgroundJobs: 'manual' });

  it('stamps nothing until runBackgroundJobs() runs the engine', async () => {
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'admin', role: 'admin' });
    const policy = mock().seed.slaPolicy({ priority: 'medium', response_time_minutes: 30, resolution_time_minutes: 240 });
    const ticket = await client('customer').tickets.create({ title: 'Slow' });
    expect((await client('admin').tickets.get(ticket.id)).sla.policy_id).toBeNull();
    mock().runBackgroundJobs({ only: ['sla'] });
    expect((await client('admin').tickets.get(ticket.id)).sla.policy_id).toBe(policy.id);
    // Notification routing did not run: nothing in the inbox yet.
    expect((await client('customer').notifications.list()).data).toEqual([]);
  });
});
