/**
 * Tickets against the mock through the SDK: numbering, the workflow and its refusals, the history
 * it writes, ETags and If-Match, deletes, and the list's filters and cursors — each as the
 * reference server answers.
 */
import { describe, expect, it } from 'vitest';
import { PreconditionFailedError, type Ticketflow } from '../../src/index.js';
import { failure, useMock } from './support.js';

async function history(tf: Ticketflow, ticketId: string) {
  const entries = [];
  for await (const entry of tf.history.list(ticketId)) entries.push(entry);
  return entries;
}

describe('tickets on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent', department_id: support.id });
    mock().seed.user({ key: 'admin', role: 'admin' });
    return { customer: client('customer'), agent: client('agent'), admin: client('admin') };
  }

  it('numbers tickets per prefix and year, as the server does', async () => {
    const { customer } = people();
    const first = await customer.tickets.create({ title: 'First' });
    const second = await customer.tickets.create({ title: 'Second' });
    mock().clock.set('2027-01-01T00:00:00Z');
    // A year on, the first access token has long expired: a new one.
    const nextYear = await client('customer').tickets.create({ title: 'Third' });
    expect([first.ticket_number, second.ticket_number, nextYear.ticket_number]).toEqual(['TKT-2026-00001', 'TKT-2026-00002', 'TKT-2027-00001']);
    expect(first).toMatchObject({ status: 'new', priority: 'medium', version: 1, requester_id: mock().user('customer').id, assignee_id: null });
  });

  it('walks the workflow, and records each step in the history', async () => {
    const { customer, agent } = people();
    const ticket = await customer.tickets.create({ title: 'VPN drops', description: 'Every hour' });
    const agentId = mock().user('agent').id;

    const assigned = await agent.tickets.assign(ticket.id, { assignee_id: agentId });
    expect(assigned).toMatchObject({ status: 'open', assignee_id: agentId, version: 2 });
    expect((await agent.tickets.start(ticket.id)).status).toBe('in_progress');
    expect((await agent.tickets.pend(ticket.id, { reason: 'Waiting for logs' })).status).toBe('pending');
    expect((await agent.tickets.start(ticket.id)).status).toBe('in_progress');
    const resolved = await agent.tickets.resolve(ticket.id, { resolution_notes: 'Replaced the router' });
    expect(resolved).toMatchObject({ status: 'resolved', resolution_notes: 'Replaced the router' });
    expect(resolved.resolved_at).not.toBeNull();
    expect((await customer.tickets.close(ticket.id)).closed_at).not.toBeNull();
    const reopened = await customer.tickets.reopen(ticket.id, { reason: 'It broke again' });
    expect(reopened).toMatchObject({ status: 'open', reopen_count: 1, resolved_at: null, closed_at: null });

    const entries = await history(agent, ticket.id);
    expect(entries.map((entry) => [entry.action, entry.field, entry.old_value, entry.new_value, entry.reason])).toEqual([
      ['created', null, null, { ticket_number: 'TKT-2026-00001', title: 'VPN drops', status: 'new', priority: 'medium', requester_id: ticket.requester_id }, null],
      ['assigned', 'assignee_id', null, agentId, null],
      ['status_changed', 'status', 'new', 'open', null],
      ['status_changed', 'status', 'open', 'in_progress', null],
      ['status_changed', 'status', 'in_progress', 'pending', 'Waiting for logs'],
      ['status_changed', 'status', 'pending', 'in_progress', null],
      ['field_updated', 'resolution_notes', null, 'Replaced the router', null],
      ['status_changed', 'status', 'in_progress', 'resolved', null],
      ['closed', 'status', 'resolved', 'closed', null],
      ['reopened', 'status', 'closed', 'open', 'It broke again'],
    ]);
    expect(entries.map((entry) => entry.seq)).toEqual([...entries.keys()].map((i) => entries[0]!.seq + i));
  });

  it('refuses moves the workflow does not allow, with the server’s codes', async () => {
    const { customer, agent } = people();
    const ticket = await customer.tickets.create({ title: 'Printer' });
    const notAllowed = await failure(customer.tickets.close(ticket.id));
    expect([notAllowed.status, notAllowed.code, notAllowed.problem?.detail]).toEqual([409, 'invalid_transition', 'invalid status transition from new to closed']);

    const customerStart = await failure(customer.tickets.start(ticket.id));
    expect([customerStart.status, customerStart.code, customerStart.problem?.detail]).toEqual([403, 'forbidden', 'customers may only close or reopen a ticket, not move it from new to open']);

    // An agent must take a ticket before working on it.
    const unassigned = await failure(agent.tickets.start(ticket.id));
    expect([unassigned.status, unassigned.problem?.detail]).toEqual([403, 'You may not make this change.']);

    await agent.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });
    await agent.tickets.start(ticket.id);
    const again = await failure(agent.tickets.start(ticket.id));
    expect([again.status, again.code, again.problem?.detail]).toEqual([409, 'invalid_transition', 'The ticket is already in_progress.']);

    const notStaff = await failure(agent.tickets.assign(ticket.id, { assignee_id: mock().user('customer').id }));
    expect([notStaff.status, notStaff.code]).toEqual([422, 'unprocessable']);
    // Nothing of the refused requests was kept.
    expect((await agent.tickets.get(ticket.id)).version).toBe(3);
  });

  it('answers an ETag and refuses a stale If-Match with 412, changing nothing', async () => {
    const { customer } = people();
    const ticket = await customer.tickets.create({ title: 'Typo' });
    const { response } = await customer.tickets.get(ticket.id).withResponse();
    expect(response.headers.get('etag')).toBe('"1"');

    const { data: updated, response: afterUpdate } = await customer.tickets.update(ticket.id, { title: 'Typo fixed' }, { ifMatch: '"1"' }).withResponse();
    expect(updated).toMatchObject({ title: 'Typo fixed', version: 2 });
    expect(afterUpdate.headers.get('etag')).toBe('"2"');

    const stale = await failure(customer.tickets.update(ticket.id, { title: 'Lost update' }, { ifMatch: '"1"' }));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect(stale.problem?.detail).toBe('The ticket was changed by someone else: it is at version 2, not 1.');
    expect((await customer.tickets.get(ticket.id)).title).toBe('Typo fixed');

    const malformed = await failure(customer.tickets.update(ticket.id, { title: 'x' }, { ifMatch: 'version 2' }));
    expect([malformed.status, malformed.problem?.errors]).toEqual([400, [{ location: 'header', path: 'If-Match', message: 'must be "*" or a list of entity tags such as "3"' }]]);
  });

  it('lets customers change only what they wrote', async () => {
    const { customer } = people();
    const ticket = await customer.tickets.create({ title: 'Mine' });
    const error = await failure(customer.tickets.update(ticket.id, { priority: 'urgent' }));
    expect([error.status, error.problem?.detail]).toEqual([403, 'customers may only change the title, description and status of a ticket']);
  });

  it('moves the version when staff first answer in public, as the server’s first-response trigger does', async () => {
    const { customer, agent } = people();
    const ticket = await customer.tickets.create({ title: 'Slow' });
    await agent.comments.create(ticket.id, { body: 'Internal first', is_internal: true });
    expect((await agent.tickets.get(ticket.id)).version).toBe(1);
    const comment = await agent.comments.create(ticket.id, { body: 'On it' });
    const after = await agent.tickets.get(ticket.id);
    expect(after).toMatchObject({ version: 2, last_updated_by: mock().user('agent').id });
    expect(after.sla.first_responded_at).toBe(comment.created_at);
  });

  it('lets only admins delete, keeping the history for them', async () => {
    const { customer, agent, admin } = people();
    const ticket = await customer.tickets.create({ title: 'Spam' });
    const refused = await failure(agent.tickets.delete(ticket.id));
    expect([refused.status, refused.problem?.detail]).toEqual([403, 'Only admins may delete tickets.']);
    await admin.tickets.delete(ticket.id);
    expect((await failure(admin.tickets.get(ticket.id))).status).toBe(404);
    expect((await history(admin, ticket.id)).map((entry) => entry.action)).toEqual(['created', 'deleted']);
    expect((await failure(history(customer, ticket.id))).status).toBe(404);
  });

  it('filters, sorts and pages the list with cursors bound to their filters', async () => {
    const { customer, agent } = people();
    for (const [title, priority] of [['a', 'low'], ['b', 'urgent'], ['c', 'high'], ['d', 'urgent'], ['e', 'medium']] as const) {
      await customer.tickets.create({ title, priority });
    }
    const newestFirst = [];
    for await (const ticket of agent.tickets.list({ limit: 2 })) newestFirst.push(ticket.title);
    expect(newestFirst).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(mock().calls('tickets.list')).toHaveLength(3);

    const byPriority = (await agent.tickets.list({ sort: 'priority' })).data.map((ticket) => ticket.title);
    expect(byPriority).toEqual(['b', 'd', 'c', 'e', 'a']);
    const urgent = (await agent.tickets.list({ priority: ['urgent', 'high'] })).data.map((ticket) => ticket.title);
    expect(urgent).toEqual(['d', 'c', 'b']);

    const first = await agent.tickets.list({ limit: 1, priority: ['urgent'] });
    expect(first.next_cursor).not.toBeNull();
    // The SDK keeps cursors to itself; a caller passing one along with other filters is refused.
    const url = `${mock().baseUrl}/v1/tickets?limit=1&priority=low&cursor=${first.next_cursor!}`;
    const otherFilters = await fetch(url, { headers: mock().as('agent').headers });
    expect([otherFilters.status, ((await otherFilters.json()) as { code: string }).code]).toEqual([400, 'invalid_cursor']);

    const unknown = await failure(agent.tickets.list({ colour: 'red' } as never));
    expect([unknown.status, unknown.code, unknown.problem?.errors?.[0]?.location]).toEqual([400, 'validation_failed', 'query']);
  });
});
