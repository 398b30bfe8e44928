/**
 * Webhooks on the mock through the SDK: admins only, the secret shown once, validation in the
 * server's words, deliveries recorded for the events a webhook subscribes to (sent nowhere), and
 * redelivery of one that failed.
 */
import { describe, expect, it } from 'vitest';
import { failure, useMock } from './support.js';

describe('webhooks on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent' });
    mock().seed.user({ key: 'admin', role: 'admin' });
    return { customer: client('customer'), agent: client('agent'), admin: client('admin') };
  }

  it('creates, reads, updates and deletes for admins, showing the secret once', async () => {
    const { admin, agent } = people();
    const created = await admin.webhooks.create({ url: 'https://hooks.example.com/crm', event_types: ['ticket.created', 'comment.*'] });
    expect(created).toMatchObject({ url: 'https://hooks.example.com/crm', description: null, is_active: true, created_by: mock().user('admin').id });
    expect(created.secret).toMatch(/^\S{43}$/);
    const read = await admin.webhooks.get(created.id);
    expect(read).not.toHaveProperty('secret');
    expect(await admin.webhooks.update(created.id, { is_active: false, description: 'Paused' })).toMatchObject({ is_active: false, description: 'Paused' });
    expect((await admin.webhooks.list({ is_active: true })).data).toEqual([]);
    const refused = await failure(agent.webhooks.list());
    expect([refused.status, refused.problem?.detail]).toEqual([403, 'Only admins may use webhooks.']);
    await admin.webhooks.delete(created.id);
    expect((await failure(admin.webhooks.get(created.id))).status).toBe(404);
  });

  it('validates URLs and event types as the server does', async () => {
    const { admin } = people();
    const url = await failure(admin.webhooks.create({ url: 'https://user:secret@hooks.example.com' }));
    expect(url.problem?.detail).toBe('url: must be an absolute http or https URL without spaces, user name or password');
    const twice = await failure(admin.webhooks.create({ url: 'https://hooks.example.com', event_types: ['sla.*', 'sla.*'] }));
    expect(twice.problem?.detail).toBe('event_types: must not list a type twice');
  });

  it('records a delivery per subscribed event from its creation on, and sends nothing', async () => {
    const { admin, customer } = people();
    // Written before the hook, and not yet dispatched when it is made: still not for it.
    const ticket = mock().seed.ticket({ title: 'Printer', requester: 'customer' });
    mock().seed.comment(ticket.id, { body: 'Before the hook' });
    const { webhook } = mock().seed.webhook({ event_types: ['comment.*'] });
    const hookId = webhook.id;
    await customer.tickets.update(ticket.id, { title: 'Printer on fire' });
    const comment = await customer.comments.create(ticket.id, { body: 'Any news?' });
    const deliveries = (await admin.webhooks.deliveries(hookId)).data;
    expect(deliveries.map((d) => [d.event_type, d.status, d.attempt_count, d.attempts])).toEqual([['comment.created', 'pending', 0, []]]);
    const envelope = JSON.parse(mock().db.webhookDeliveries.get(deliveries[0]!.id)!.body) as Record<string, unknown>;
    expect(envelope).toMatchObject({ id: deliveries[0]!.event_id, type: 'comment.created', ticket_id: ticket.id, is_internal: false, data: { comment_id: comment.id } });
  });

  it('redelivers a failed delivery once, keeping its attempts', async () => {
    const { admin, agent } = people();
    const { webhook } = mock().seed.webhook({ url: 'https://hooks.example.com/b' });
    const failed = mock().seed.webhookDelivery(webhook.id, { status: 'failed', attempts: [{ status_code: 503 }] });
    const queued = await admin.webhooks.redeliver(webhook.id, failed.id);
    expect(queued).toMatchObject({ id: failed.id, status: 'pending', attempt_count: 1 });
    expect(queued.attempts.map((attempt) => attempt.status_code)).toEqual([503]);
    const again = await failure(admin.webhooks.redeliver(webhook.id, failed.id));
    expect([again.status, again.problem?.detail]).toEqual([409, 'The delivery is already pending: it will be tried again without being redelivered.']);
    expect((await failure(admin.webhooks.redeliver(webhook.id, webhook.id))).problem?.detail).toBe('No delivery of this webhook with this id.');
    expect((await failure(agent.webhooks.deliveries(webhook.id))).status).toBe(403);
  });
});
