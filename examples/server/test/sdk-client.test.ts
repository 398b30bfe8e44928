/**
 * The SDK (the published package's source, `src/`) against this server, in-process: the app's
 * `request` is the client's fetch, and the client acts as the roles of the test world. A first
 * slice of the conformance suite: tickets, comments and history through their workflow. It lives
 * with the server's tests because it runs the server's code (and the server's Node typings).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { sdkClients } from './support/sdk.js';
import { engines } from './support/test-database.js';
import {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
} from '../../../src/index.js';

describe.each(engines)('SDK against the reference server (%s)', (engine) => {
  let api: ApiHarness;
  const { as, withApiKey } = sdkClients(() => api);

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());


  it('takes a ticket through its workflow as customer and agent, with ETags', async () => {
    const customer = await as('customer');
    const agent = await as('agent');
    const created = await customer.tickets.create({ title: 'VPN drops every hour', description: 'Since Monday', priority: 'high' });
    expect(created).toMatchObject({ title: 'VPN drops every hour', status: 'new', requester_id: api.world.users.customer });

    const { data: seen, response } = await agent.tickets.get(created.id).withResponse();
    expect(seen.id).toBe(created.id);
    const etag = response.headers.get('etag')!;
    await agent.tickets.assign(created.id, { assignee_id: api.world.users.agent });
    // The assignment moved the version: the ETag read before it is stale.
    await expect(agent.tickets.update(created.id, { priority: 'urgent' }, { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await agent.tickets.start(created.id)).toMatchObject({ status: 'in_progress' });
    expect(await agent.tickets.resolve(created.id, { resolution_notes: 'Replaced the router' })).toMatchObject({ status: 'resolved' });
    expect(await customer.tickets.reopen(created.id, { reason: 'It dropped again' })).toMatchObject({ status: 'open', reopen_count: 1 });
  });

  it('keeps internal notes from the customer, and pages through comments and history', async () => {
    const customer = await as('customer');
    const agent = await as('agent');
    const ticket = await customer.tickets.create({ title: 'Printer jams', description: 'Tray 2' });
    await agent.comments.create(ticket.id, { body: 'Probably the rollers', is_internal: true });
    for (const n of [1, 2, 3]) await agent.comments.create(ticket.id, { body: `Public reply ${n}` });

    const staffView: (string | null)[] = [];
    for await (const comment of agent.comments.list(ticket.id, { limit: 2 })) staffView.push(comment.body);
    expect(staffView).toEqual(['Probably the rollers', 'Public reply 1', 'Public reply 2', 'Public reply 3']);
    const customerView: (string | null)[] = [];
    for await (const comment of customer.comments.list(ticket.id, { limit: 2 })) customerView.push(comment.body);
    expect(customerView).toEqual(['Public reply 1', 'Public reply 2', 'Public reply 3']);

    const pages = [];
    for await (const page of agent.history.list(ticket.id, { limit: 1 }).pages()) pages.push(page.data.length);
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.every((n) => n === 1)).toBe(true);
  });

  it('answers with the typed error of each refusal', async () => {
    const customer = await as('customer');
    const other = await as('customer2');
    const ticket = await customer.tickets.create({ title: 'Mine', description: 'Only mine' });
    await expect(other.tickets.get(ticket.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(customer.tickets.delete(ticket.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    const invalid = await customer.tickets.create({ title: '' }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect((invalid as BadRequestError).code).toBe('validation_failed');
    expect((invalid as BadRequestError).requestId).toMatch(/\S/);
    const stranger = withApiKey('tf_nothing1_0000000000000000000000000000000000000000');
    await expect(stranger.tickets.list()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('replays a create retried with the same idempotency key: one ticket', async () => {
    const customer = await as('customer');
    const first = await customer.tickets.create({ title: 'Once only', description: 'x' }, { idempotencyKey: 'sdk-once' });
    const again = await customer.tickets.create({ title: 'Once only', description: 'x' }, { idempotencyKey: 'sdk-once' });
    expect(again.id).toBe(first.id);
  });
});
