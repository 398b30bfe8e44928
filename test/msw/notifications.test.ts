/**
 * Notifications on the mock through the SDK: the routing the server does from events (assignment,
 * public and internal comments, status changes, new tickets), per the recipients' channel
 * preferences, never to the actor and never internal to a customer; then the inbox: filters, read
 * marks, preferences.
 */
import { describe, expect, it } from 'vitest';
import { failure, useMock } from './support.js';

describe('notifications on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    mock().seed.user({ key: 'customer', role: 'customer', first_name: 'Chris', last_name: 'Customer' });
    mock().seed.user({ key: 'customer2', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent', department_id: support.id, first_name: 'Arun', last_name: 'Agent' });
    mock().seed.user({ key: 'admin', role: 'admin' });
    return { customer: client('customer'), agent: client('agent'), admin: client('admin') };
  }

  const inApp = async (who: 'customer' | 'agent' | 'customer2', ticketId: string) =>
    (await client(who).notifications.list({ ticket_id: ticketId, channel: ['in_app'], limit: 100 })).data.map((note) => [note.type, note.title]).sort();

  it('routes assignment, replies and status changes as the server does', async () => {
    const { customer, agent, admin } = people();
    const ticket = await customer.tickets.create({ title: 'VPN down' });
    const number = ticket.ticket_number;
    await admin.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });
    await agent.comments.create(ticket.id, { body: 'Looking at it' });
    await agent.comments.create(ticket.id, { body: 'Certificate expired', is_internal: true });
    await customer.comments.create(ticket.id, { body: 'Thanks!' });
    await agent.tickets.start(ticket.id);

    expect(await inApp('customer', ticket.id)).toEqual([
      ['comment_added', `New reply on ${number}: VPN down`],
      ['status_changed', `Now in progress: ${number}: VPN down`],
      ['status_changed', `Now open: ${number}: VPN down`],
      ['ticket_created', `Request received: ${number}: VPN down`],
    ]);
    // The agent hears of the assignment and the customer's reply; not of what they did themselves
    // (their reply, their note, starting the work).
    expect(await inApp('agent', ticket.id)).toEqual([
      ['comment_added', `New reply on ${number}: VPN down`],
      ['ticket_assigned', `Assigned to you: ${number}: VPN down`],
    ]);
    expect(await inApp('customer2', ticket.id)).toEqual([]);
    const reply = (await customer.notifications.list({ type: ['comment_added'], channel: ['email'] })).data[0]!;
    expect(reply).toMatchObject({ channel: 'email', priority: 'normal', status: 'pending', read_at: null });
    expect(reply.body).toBe(`Arun Agent replied on ticket ${number} "VPN down":\n\nLooking at it`);
    expect(reply.metadata).toMatchObject({ event_type: 'comment.created', ticket_number: number, is_internal: false });
  });

  it('sends over the channels each person chose, and records a notification.created event for them', async () => {
    const { customer } = people();
    await customer.notifications.updatePreferences({ ticket_created: { email: false, slack: true } });
    const ticket = await customer.tickets.create({ title: 'Quiet' });
    const channels = (await customer.notifications.list({ ticket_id: ticket.id })).data.map((note) => note.channel).sort();
    expect(channels).toEqual(['in_app', 'slack']);
    const created = mock().db.events.where((event) => event.type === 'notification.created');
    expect(created.map((event) => [event.user_id, event.ticket_id, event.payload.ticket_id])).toEqual([
      [mock().user('customer').id, null, ticket.id],
      [mock().user('customer').id, null, ticket.id],
    ]);
  });

  it('marks one read keeping the first time, all at once, and only the caller’s', async () => {
    const { customer, agent } = people();
    const ticket = await customer.tickets.create({ title: 'Read me' });
    await agent.comments.create(ticket.id, { body: 'Hello' });
    const [note] = (await customer.notifications.list({ type: ['comment_added'], channel: ['in_app'] })).data;
    expect((await failure(client('customer2').notifications.markRead(note!.id))).status).toBe(404);
    const read = await customer.notifications.markRead(note!.id);
    mock().clock.advance(60_000);
    expect(await customer.notifications.markRead(note!.id)).toMatchObject({ status: 'read', read_at: read.read_at });
    const unread = (await customer.notifications.list({ unread: true })).data.length;
    expect(unread).toBeGreaterThan(0);
    expect(await customer.notifications.markAllRead()).toEqual({ updated: unread });
    expect((await customer.notifications.list({ unread: true })).data).toEqual([]);
    expect(await customer.notifications.markAllRead()).toEqual({ updated: 0 });
  });

  it('replaces preferences as a whole, with defaults for the rest', async () => {
    const { customer } = people();
    const defaults = { email: true, sms: false, in_app: true, slack: false };
    expect((await customer.notifications.getPreferences()).sla_breach).toEqual(defaults);
    const replaced = await customer.notifications.updatePreferences({ sla_breach: { sms: true } });
    expect(replaced.sla_breach).toEqual({ ...defaults, sms: true });
    expect((await customer.notifications.updatePreferences({})).sla_breach).toEqual(defaults);
    const refused = await failure(customer.notifications.updatePreferences({ sla_breach: { fax: true } as never }));
    expect(refused.status).toBe(400);
  });
});
