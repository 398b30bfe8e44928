/**
 * Escalations on the mock through the SDK: who raises, sees and handles them, the workflow and its
 * refusals in the server's words, the ticket's escalation level that follows the open ones, and the
 * escalation the engine opens on a third reopen.
 */
import { describe, expect, it } from 'vitest';
import { failure, useMock } from './support.js';

describe('escalations on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    const infra = mock().seed.department({ name: 'Infrastructure' });
    for (const [key, role, department] of [
      ['customer', 'customer', null],
      ['agent', 'agent', support.id],
      ['agent2', 'agent', infra.id],
      ['manager', 'manager', support.id],
      ['admin', 'admin', null],
    ] as const) {
      mock().seed.user({ key, role, department_id: department });
    }
    const ticket = mock().seed.ticket({ title: 'Printer', requester: 'customer', assignee: 'agent', department_id: support.id, status: 'in_progress' });
    return { ticket, customer: client('customer'), agent: client('agent'), agent2: client('agent2'), manager: client('manager'), admin: client('admin') };
  }

  it('raises one a level above the ticket, which moves the ticket level and version', async () => {
    const { ticket, manager, agent } = people();
    const escalation = await manager.escalations.create(ticket.id, { reason: '  Payroll is blocked  ', to_user_id: mock().user('agent').id });
    expect(escalation).toMatchObject({
      ticket_id: ticket.id,
      from_user_id: mock().user('manager').id,
      to_user_id: mock().user('agent').id,
      reason: 'Payroll is blocked',
      escalation_level: 1,
      escalation_type: 'manual',
      status: 'pending',
    });
    const escalated = await agent.tickets.get(ticket.id);
    expect(escalated).toMatchObject({ escalation_level: 1, version: ticket.version + 1, last_updated_by: mock().user('manager').id });
    expect((await manager.escalations.create(ticket.id, { reason: 'Still blocked' })).escalation_level).toBe(2);
    const events = mock().db.events.where((event) => event.ticket_id === ticket.id && event.type.startsWith('escalation.'));
    expect(events.map((event) => [event.type, event.is_internal, event.payload.escalation_level])).toEqual([
      ['escalation.created', true, 1],
      ['escalation.created', true, 2],
    ]);
  });

  it('refuses customers, escalations to customers, and tickets the caller cannot see', async () => {
    const { ticket, customer, manager, agent2 } = people();
    const refused = async (call: PromiseLike<unknown>) => {
      const error = await failure(call);
      return [error.status, error.problem?.detail];
    };
    expect(await refused(customer.escalations.create(ticket.id, { reason: 'Hurry' }))).toEqual([403, 'You may not make this change.']);
    expect(await refused(manager.escalations.create(ticket.id, { reason: 'x', to_user_id: mock().user('customer').id }))).toEqual([422, 'to_user_id must be an active member of staff.']);
    expect(await refused(manager.escalations.create(ticket.id, { reason: 'x', to_user_id: '00000000-0000-4000-8000-000000000009' }))).toEqual([422, 'to_user_id does not refer to an existing record.']);
    expect(await refused(manager.escalations.create(ticket.id, { reason: '   ' }))).toEqual([400, 'reason: must not be blank']);
    expect(await refused(agent2.escalations.create(ticket.id, { reason: 'Mine now' }))).toEqual([404, 'No ticket with this id.']);
    expect(mock().db.escalations.size).toBe(0);
  });

  it('goes pending → acknowledged → resolved for the person it is escalated to, and no further', async () => {
    const { ticket, manager, agent, agent2, customer } = people();
    const escalation = await manager.escalations.create(ticket.id, { reason: 'Database down', to_user_id: mock().user('agent').id, escalation_level: 3 });
    expect((await failure(agent2.escalations.acknowledge(escalation.id))).status).toBe(404);
    expect((await failure(customer.escalations.get(escalation.id))).status).toBe(404);

    const acknowledged = await agent.escalations.acknowledge(escalation.id);
    expect(acknowledged).toMatchObject({ status: 'acknowledged', resolved_at: null });
    const twice = await failure(agent.escalations.acknowledge(escalation.id));
    expect([twice.status, twice.code, twice.problem?.detail]).toEqual([409, 'invalid_transition', 'The escalation is already acknowledged.']);
    const resolved = await agent.escalations.resolve(escalation.id, { resolution_notes: 'Failed over' });
    expect(resolved).toMatchObject({ status: 'resolved', resolution_notes: 'Failed over', acknowledged_at: acknowledged.acknowledged_at });
    const cancel = await failure(manager.escalations.cancel(escalation.id));
    expect([cancel.status, cancel.problem?.detail]).toEqual([409, 'invalid escalation transition from resolved to cancelled']);
    expect((await agent.tickets.get(ticket.id)).escalation_level).toBe(0);

    const toManager = await agent.escalations.create(ticket.id, { reason: 'Approval', to_user_id: mock().user('manager').id });
    const notYours = await failure(agent.escalations.acknowledge(toManager.id));
    expect([notYours.status, notYours.problem?.detail]).toEqual([
      403,
      'Only the person it is escalated to, or a manager or admin responsible for the ticket, may handle this escalation.',
    ]);
    expect(await manager.escalations.cancel(toManager.id, { reason: 'Not needed' })).toMatchObject({ status: 'cancelled', resolution_notes: 'Not needed' });
  });

  it('lists what the caller may see, newest first, with filters', async () => {
    const { ticket, manager, agent, agent2, customer } = people();
    const first = await manager.escalations.create(ticket.id, { reason: 'One' });
    mock().clock.advance(1000);
    const second = await manager.escalations.create(ticket.id, { reason: 'Two', to_user_id: mock().user('agent').id });
    await agent.escalations.acknowledge(second.id);
    expect((await agent.escalations.listForTicket(ticket.id)).data.map((e) => e.id)).toEqual([second.id, first.id]);
    expect((await agent.escalations.list({ status: ['acknowledged'] })).data.map((e) => e.id)).toEqual([second.id]);
    expect((await manager.escalations.list({ to_user_id: mock().user('agent').id })).data.map((e) => e.id)).toEqual([second.id]);
    expect((await agent2.escalations.list()).data).toEqual([]);
    expect((await customer.escalations.listForTicket(ticket.id)).data).toEqual([]);
    expect((await failure(agent2.escalations.listForTicket(ticket.id))).status).toBe(404);
  });

  it('is opened by the engine on the third reopen, once', async () => {
    const { ticket, agent, customer, admin } = people();
    for (let round = 1; round <= 4; round += 1) {
      await agent.tickets.resolve(ticket.id, { resolution_notes: `Fix ${round}` });
      await customer.tickets.reopen(ticket.id, { reason: `Broken again ${round}` });
      await agent.tickets.start(ticket.id);
    }
    const escalations = (await admin.escalations.listForTicket(ticket.id)).data;
    expect(escalations.map((e) => [e.escalation_type, e.reason, e.from_user_id, e.to_user_id])).toEqual([
      ['multiple_reopens', 'Reopened 3 times: the resolutions are not holding.', null, mock().user('agent').id],
    ]);
  });

  it('seeds one that raises the ticket level, as the demo does', async () => {
    const { ticket, agent } = people();
    const seeded = mock().seed.escalation(ticket.id, { by: 'manager', to: 'agent', reason: 'Needs a decision' });
    expect(seeded).toMatchObject({ escalation_level: 1, from_user_id: mock().user('manager').id, status: 'pending' });
    expect((await agent.tickets.get(ticket.id)).escalation_level).toBe(1);
  });
});
