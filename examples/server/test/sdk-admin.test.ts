/**
 * The SDK's admin and cross-cutting modules against the reference server, in-process (see
 * sdk-client.test.ts): webhooks and their deliveries, live chat, global search, statistics, the
 * audit log and the health probes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { sdkClients } from './support/sdk.js';
import { engines } from './support/test-database.js';
import type { UserKey } from './support/world.js';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../../../src/index.js';

/** Every item of a list, through all its pages. */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

describe.each(engines)('SDK admin modules against the reference server (%s)', (engine) => {
  let api: ApiHarness;
  /** The Authorization header of every request, by path. */
  const sentAuthorization: { path: string; authorization: string | null }[] = [];
  const { as } = sdkClients(
    () => api,
    (request) => void sentAuthorization.push({ path: new URL(request.url).pathname, authorization: request.headers.get('authorization') }),
  );

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());


  it('creates, reads, lists, updates and deletes a webhook as admin, showing its secret once', async () => {
    const admin = await as('admin');
    const agent = await as('agent');
    const url = `https://hooks.example.com/${randomBytes(4).toString('hex')}`;
    const created = await admin.webhooks.create({ url, description: 'CRM sync', event_types: ['ticket.created', 'comment.*'] });
    expect(created).toMatchObject({ url, description: 'CRM sync', event_types: ['ticket.created', 'comment.*'], is_active: true, created_by: api.world.users.admin });
    expect(created.secret).toMatch(/\S{16,}/);

    const read = await admin.webhooks.get(created.id);
    expect(read).toMatchObject({ id: created.id, url });
    expect(read).not.toHaveProperty('secret');
    expect((await all(admin.webhooks.list({ limit: 1 }))).map((webhook) => webhook.id)).toEqual(
      expect.arrayContaining([created.id, api.world.ids.hook]),
    );

    const paused = await admin.webhooks.update(created.id, { is_active: false, description: null });
    expect(paused).toMatchObject({ id: created.id, is_active: false, description: null });
    expect((await admin.webhooks.list({ is_active: false })).data.map((webhook) => webhook.id)).toEqual([created.id]);

    await expect(agent.webhooks.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(agent.webhooks.create({ url })).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(agent.webhooks.get(created.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(agent.webhooks.update(created.id, { is_active: true })).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(agent.webhooks.delete(created.id)).rejects.toBeInstanceOf(PermissionDeniedError);

    await admin.webhooks.delete(created.id);
    await expect(admin.webhooks.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists a webhook’s deliveries and redelivers a failed one, once', async () => {
    const admin = await as('admin');
    const agent = await as('agent');
    const { hook, hookDelivery } = api.world.ids;
    const failed = await admin.webhooks.deliveries(hook!, { status: ['failed'] });
    const delivery = failed.data.find((each) => each.id === hookDelivery);
    expect(delivery).toMatchObject({ webhook_id: hook, event_type: 'ticket.created', status: 'failed', attempt_count: 1 });
    expect(delivery!.attempts.map((attempt) => attempt.status_code)).toEqual([503]);

    const queued = await admin.webhooks.redeliver(hook!, hookDelivery!);
    expect(queued).toMatchObject({ id: hookDelivery, status: 'pending' });
    expect(queued.attempts).toHaveLength(1); // the earlier attempt stays in the log
    expect((await admin.webhooks.deliveries(hook!, { status: ['pending'] })).data.map((each) => each.id)).toContain(hookDelivery);
    expect((await admin.webhooks.deliveries(hook!, { status: ['failed'] })).data.map((each) => each.id)).not.toContain(hookDelivery);

    await expect(admin.webhooks.redeliver(hook!, hookDelivery!)).rejects.toBeInstanceOf(ConflictError);
    await expect(admin.webhooks.redeliver(hook!, api.world.ids.mine!)).rejects.toBeInstanceOf(NotFoundError);
    await expect(agent.webhooks.deliveries(hook!)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(agent.webhooks.redeliver(hook!, hookDelivery!)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('runs a chat session from the queue through accept, messages and end', async () => {
    const customer = await as('customer');
    const other = await as('customer2');
    const agent = await as('agent');
    const agent2 = await as('agent2');
    const subject = `Cannot log in ${randomBytes(3).toString('hex')}`;

    await expect(agent.chat.sessions.create({ subject })).rejects.toBeInstanceOf(PermissionDeniedError);
    const session = await customer.chat.sessions.create({ subject });
    expect(session).toMatchObject({ subject, status: 'waiting', customer_id: api.world.users.customer, agent_id: null });

    const queue = await all(agent.chat.sessions.list({ status: ['waiting'], limit: 1 }));
    expect(queue.map((each) => each.id)).toContain(session.id);
    expect(queue.every((each) => each.status === 'waiting')).toBe(true);
    expect(await agent.chat.sessions.get(session.id)).toMatchObject({ id: session.id, subject });
    await expect(other.chat.sessions.get(session.id)).rejects.toBeInstanceOf(NotFoundError);

    const hello = await customer.chat.messages.post(session.id, { body: 'Hello, anyone there?' });
    expect(hello).toMatchObject({ session_id: session.id, sender_id: api.world.users.customer, body: 'Hello, anyone there?' });
    // Seeing the queue is not taking part: an agent writes only once they have accepted.
    await expect(agent2.chat.messages.post(session.id, { body: 'Hi!' })).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(customer.chat.sessions.accept(session.id)).rejects.toBeInstanceOf(PermissionDeniedError);

    const accepted = await agent.chat.sessions.accept(session.id);
    expect(accepted).toMatchObject({ id: session.id, status: 'active', agent_id: api.world.users.agent });
    expect(accepted.started_at).not.toBeNull();
    await expect(agent.chat.sessions.accept(session.id)).rejects.toBeInstanceOf(ConflictError);
    await agent.chat.messages.post(session.id, { body: 'Have you tried reconnecting?' });

    const transcript = await all(customer.chat.messages.list(session.id, { limit: 1 }));
    expect(transcript.map((message) => [message.sender_id, message.body])).toEqual([
      [api.world.users.customer, 'Hello, anyone there?'],
      [api.world.users.agent, 'Have you tried reconnecting?'],
    ]);
    await expect(other.chat.messages.list(session.id)).rejects.toBeInstanceOf(NotFoundError);

    const ended = await customer.chat.sessions.end(session.id);
    expect(ended).toMatchObject({ id: session.id, status: 'ended' });
    expect(ended.ended_at).not.toBeNull();
    await expect(customer.chat.messages.post(session.id, { body: 'One more thing' })).rejects.toBeInstanceOf(ConflictError);
    await expect(agent.chat.sessions.end(session.id)).rejects.toBeInstanceOf(ConflictError);
    expect((await customer.chat.sessions.list({ status: ['ended'] })).data.map((each) => each.id)).toContain(session.id);
  });

  it('searches only what the caller may read, page by page', async () => {
    const customer = await as('customer');
    const other = await as('customer2');
    const agent = await as('agent');
    const ticket = await customer.tickets.create({ title: 'Flamingo printer squeaks', description: 'The flamingo printer on floor 3' });
    await agent.tickets.assign(ticket.id, { assignee_id: api.world.users.agent });
    const note = await agent.comments.create(ticket.id, { body: 'Flamingo firmware is outdated', is_internal: true });
    const reply = await agent.comments.create(ticket.id, { body: 'We are updating the flamingo firmware' });

    const staffHits = await all(agent.search.query({ q: 'flamingo', limit: 1 }));
    expect(staffHits.map((hit) => [hit.type, hit.id]).sort()).toEqual(
      [['comment', note.id], ['comment', reply.id], ['ticket', ticket.id]].sort(),
    );
    expect(staffHits.every((hit) => hit.ticket_id === ticket.id)).toBe(true);

    const customerHits = await all(customer.search.query({ q: 'flamingo' }));
    expect(customerHits.map((hit) => hit.id).sort()).toEqual([reply.id, ticket.id].sort());
    const onlyComments = await customer.search.query({ q: 'flamingo', types: ['comments'] });
    expect(onlyComments.data.map((hit) => [hit.type, hit.id])).toEqual([['comment', reply.id]]);
    expect((await other.search.query({ q: 'flamingo' })).data).toEqual([]);
  });

  it('counts the tickets each caller can see, and gives SLA numbers to staff only', async () => {
    const admin = await as('admin');
    const customer = await as('customer');
    const other = await as('customer2');
    const manager = await as('manager');
    const team = await admin.teams.create({ name: `Stats ${randomBytes(3).toString('hex')}`, department_id: api.world.ids.support! });
    const open = (requester: UserKey, priority: 'urgent' | 'low') =>
      admin.tickets.create({ title: `Counted ${priority}`, priority, team_id: team.id, requester_id: api.world.users[requester] });
    const urgent = await open('customer', 'urgent');
    await open('customer', 'low');
    await open('customer2', 'low');
    await admin.tickets.assign(urgent.id, { assignee_id: api.world.users.agent });
    await admin.tickets.start(urgent.id);

    const everything = await admin.stats.tickets({ team_id: team.id });
    expect(everything).toMatchObject({
      total: 3,
      open: 3,
      by_priority: { urgent: 1, high: 0, medium: 0, low: 2 },
      by_status: { new: 2, in_progress: 1, resolved: 0 },
      csat: { average: null, responses: 0 },
    });
    expect(await customer.stats.tickets({ team_id: team.id })).toMatchObject({ total: 2, by_priority: { urgent: 1, low: 1 } });
    expect(await other.stats.tickets({ team_id: team.id })).toMatchObject({ total: 1, by_priority: { urgent: 0, low: 1 } });

    await expect(customer.stats.sla()).rejects.toBeInstanceOf(PermissionDeniedError);
    const from = new Date(Date.UTC(2024, 0, 1)).toISOString();
    const to = new Date(Date.UTC(2024, 0, 4)).toISOString();
    const byDay = await manager.stats.sla({ from, to, interval: 'day', time_zone: 'UTC' });
    expect(byDay).toMatchObject({ interval: 'day', time_zone: 'UTC' });
    expect(byDay.periods.map((period) => Date.parse(period.start))).toEqual([0, 1, 2].map((day) => Date.UTC(2024, 0, 1 + day)));
    expect(byDay.periods.every((period) => period.overall.tickets === 0)).toBe(true);
    const around = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const current = await admin.stats.sla({ from: around(-1), to: around(1), time_zone: 'UTC' });
    expect(current.interval).toBeNull();
    expect(current.periods).toHaveLength(1);
    expect(current.periods[0]!.overall.tickets).toBeGreaterThanOrEqual(3);
  });

  it('shows the audit log to admins only', async () => {
    const admin = await as('admin');
    const agent = await as('agent');
    const logins = await all(admin.auditLogs.list({ event_type: ['login'], user_id: api.world.users.customer, limit: 1 }));
    expect(logins.length).toBeGreaterThanOrEqual(1);
    expect(logins.every((entry) => entry.event_type === 'login' && entry.user_id === api.world.users.customer && entry.status === 'success')).toBe(true);
    expect((await admin.auditLogs.list({ event_type: ['login'], status: 'failure', user_id: api.world.users.customer })).data).toEqual([]);
    await expect(agent.auditLogs.list()).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('probes liveness and readiness without sending credentials', async () => {
    const admin = await as('admin');
    sentAuthorization.length = 0;
    expect(await admin.health.get()).toEqual({ status: 'ok' });
    expect(await admin.health.ready()).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
    expect(sentAuthorization).toEqual([
      { path: '/healthz', authorization: null },
      { path: '/readyz', authorization: null },
    ]);
  });
});
