/**
 * Who sees what on the mock, per the server's row-level security: customers their own tickets and
 * public comments only; agents their own, their department's and teams', and the queue; tags and
 * internal history for staff only; customers see staff but never other customers.
 */
import { describe, expect, it } from 'vitest';
import { APIError } from '../../src/index.js';
import { failure, useMock } from './support.js';

async function status(call: PromiseLike<unknown>): Promise<number> {
  return Promise.resolve(call).then(
    () => 200,
    (error: unknown) => (error instanceof APIError ? error.status : -1),
  );
}

describe('visibility on the mock (demo scenario)', () => {
  const { mock, client } = useMock({ scenario: 'demo' });

  const titles = async (user: string) => (await client(user).tickets.list({ limit: 100 })).data.map((ticket) => ticket.title).sort();

  it('shows customers their own tickets only', async () => {
    expect(await titles('customer')).toEqual(['Build server disk full', 'Cannot connect to the VPN since this morning', 'Invoice PDF is blank']);
    const others = mock().db.tickets.where((ticket) => ticket.requester_id !== mock().user('customer').id);
    expect(others.length).toBeGreaterThan(0);
    for (const ticket of others) expect(await status(client('customer').tickets.get(ticket.id))).toBe(404);
  });

  it('shows agents their tickets, their department’s and teams’, and the unassigned queue', async () => {
    // agent works in Support: not the Infrastructure tickets assigned to agent2.
    expect(await titles('agent')).toEqual([
      'Build server disk full',
      'Cannot connect to the VPN since this morning',
      'How do I export my data?',
      'Invoice PDF is blank',
    ]);
    expect(await titles('agent2')).toEqual([
      'Access to the staging environment',
      'How do I export my data?',
      'Invoice PDF is blank',
      'Replica lag alerts on the orders database',
    ]);
    expect((await titles('admin')).length).toBe(6);
  });

  it('hides internal comments and internal history from customers', async () => {
    const vpn = mock().db.tickets.all().find((ticket) => ticket.title.startsWith('Cannot connect'))!;
    const asCustomer = await client('customer').comments.list(vpn.id);
    const asAgent = await client('agent').comments.list(vpn.id);
    expect(asAgent.data.filter((comment) => comment.is_internal)).toHaveLength(1);
    expect(asCustomer.data.map((comment) => comment.is_internal)).toEqual([false, false]);
    const note = asAgent.data.find((comment) => comment.is_internal)!;
    expect(await status(client('customer').comments.get(vpn.id, note.id))).toBe(404);

    const refused = await failure(client('customer').comments.create(vpn.id, { body: 'psst', is_internal: true }));
    expect([refused.status, refused.problem?.detail]).toEqual([403, 'Only staff may post internal notes.']);

    const customerHistory = (await client('customer').history.list(vpn.id, { limit: 100 })).data;
    const agentHistory = (await client('agent').history.list(vpn.id, { limit: 100 })).data;
    expect(customerHistory.some((entry) => entry.is_internal)).toBe(false);
    expect(agentHistory.filter((entry) => entry.is_internal).map((entry) => entry.field ?? entry.action)).toEqual(expect.arrayContaining(['comment_added', 'first_responded_at']));
  });

  it('shows tags to staff only', async () => {
    const vpn = mock().db.tickets.all().find((ticket) => ticket.title.startsWith('Cannot connect'))!;
    const vip = mock().db.tags.all().find((tag) => tag.name === 'vip')!;
    await client('agent').tickets.addTag(vpn.id, vip.id);
    expect((await client('agent').tickets.get(vpn.id)).tag_ids).toEqual([vip.id]);
    expect((await client('customer').tickets.get(vpn.id)).tag_ids).toEqual([]);
  });

  it('shows customers themselves and the staff, never other customers', async () => {
    const roles = (await client('customer').users.list({ limit: 100 })).data.map((user) => user.email).sort();
    expect(roles).toEqual(['admin@example.com', 'agent2@example.com', 'agent@example.com', 'customer@example.com', 'manager@example.com']);
    expect(await status(client('customer').users.get(mock().user('customer2').id))).toBe(404);
  });
});
