/**
 * Injected failures drive the SDK's retry paths; Idempotency-Key makes a retried create one
 * ticket, and a replay is the first answer again with `Idempotent-Replayed`.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionError, TimeoutError } from '../../src/index.js';
import { failure, useMock } from './support.js';

describe('faults and idempotency on the mock', () => {
  const { mock, client } = useMock({ scenario: 'demo' });

  it('fails a create twice with 503, and the SDK’s retries with one key make one ticket', async () => {
    mock().fail('tickets.create', { status: 503, times: 2, retryAfter: 0 });
    const before = mock().db.tickets.size;
    const ticket = await client('customer').tickets.create({ title: 'Retried' });
    const calls = mock().calls('tickets.create');
    expect(calls.map((call) => [call.status, call.faulted])).toEqual([
      [503, true],
      [503, true],
      [201, false],
    ]);
    const keys = new Set(calls.map((call) => call.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect(calls[2]!.body).toEqual({ title: 'Retried' });
    expect(mock().db.tickets.size).toBe(before + 1);
    expect(mock().db.tickets.get(ticket.id)?.title).toBe('Retried');
  });

  it('answers an injected failure as the server would, Retry-After included', async () => {
    mock().fail('createTicket', { status: 503, retryAfter: 7 });
    const error = await failure(client('customer', { maxRetries: 0 }).tickets.create({ title: 'x' }));
    expect([error.status, error.code, error.headers.get('retry-after')]).toEqual([503, 'unavailable', '7']);
  });

  it('retries a 429 with Retry-After, and a network error', async () => {
    mock().fail('tickets.list', { status: 429, retryAfter: 0, times: 1 });
    mock().fail('tickets.get', { networkError: true, times: 1 });
    const tf = client('agent');
    const page = await tf.tickets.list();
    expect(mock().calls('tickets.list').map((call) => call.status)).toEqual([429, 200]);
    await tf.tickets.get(page.data[0]!.id);
    expect(mock().calls('tickets.get').map((call) => call.status)).toEqual([0, 200]);
  });

  it('fails for good until cleared, and ends with a typed error', async () => {
    const fault = mock().fail('*', { networkError: true });
    const error = await client('agent', { maxRetries: 1 }).tickets.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(mock().calls('tickets.list')).toHaveLength(2);
    fault.clear();
    expect((await client('agent').tickets.list()).data.length).toBeGreaterThan(0);
  });

  it('delays answers, so a client timeout fires', async () => {
    mock().delay('tickets.list', 300, { times: 1 });
    const error = await client('agent', { maxRetries: 0 }).tickets.list({}, { timeout: 20 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('replays the first answer to a repeated Idempotency-Key, and refuses the key with another request', async () => {
    const tf = client('customer');
    const first = await tf.tickets.create({ title: 'Once' }, { idempotencyKey: 'order-7' }).withResponse();
    const again = await tf.tickets.create({ title: 'Once' }, { idempotencyKey: 'order-7' }).withResponse();
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.response.headers.get('etag')).toBe('"1"');
    expect(again.data).toEqual(first.data);
    expect(mock().db.tickets.where((ticket) => ticket.title === 'Once')).toHaveLength(1);
    expect(mock().calls('tickets.create').map((call) => call.replayed)).toEqual([false, true]);

    const reused = await failure(tf.tickets.create({ title: 'Twice' }, { idempotencyKey: 'order-7' }));
    expect([reused.status, reused.code]).toEqual([422, 'idempotency_key_reused']);
    // Keys are per caller: another user's same key is a new request.
    expect((await client('customer2').tickets.create({ title: 'Once' }, { idempotencyKey: 'order-7' })).id).not.toBe(first.data.id);
  });

  it('keeps nothing of a failed request, so it can be retried with its key', async () => {
    const tf = client('customer');
    const refused = await failure(tf.tickets.create({ title: 'x', team_id: mock().db.teams.all()[0]!.id }, { idempotencyKey: 'k' }));
    expect(refused.status).toBe(403);
    expect((await tf.tickets.create({ title: 'x' }, { idempotencyKey: 'k' })).title).toBe('x');
  });
});
