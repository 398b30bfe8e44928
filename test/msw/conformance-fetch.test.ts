/**
 * The conformance target's fetch (built on msw's `getResponse`, no global patching) must fail the
 * way a real fetch does, or the SDK's retry and abort paths would be tested against something
 * no runtime does.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionError, Ticketflow } from '../../src/index.js';
import { createTicketflowMock } from '../../src/msw/index.js';
import { mockFetch } from './conformance-target.js';

describe('the conformance target’s fetch', () => {
  it('answers through the mock’s handlers', async () => {
    const mock = createTicketflowMock();
    const response = await mockFetch(mock)(`${mock.baseUrl}/healthz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
    expect(mock.calls('health.get')).toHaveLength(1);
  });

  it('rejects with a TypeError on an injected network error, which the SDK retries', async () => {
    const mock = createTicketflowMock();
    mock.fail('health.get', { networkError: true, times: 1 });
    const fetch = mockFetch(mock);
    await expect(fetch(`${mock.baseUrl}/healthz`)).rejects.toBeInstanceOf(TypeError);
    mock.fail('health.get', { networkError: true });
    const error = await new Ticketflow({ baseUrl: mock.baseUrl, apiKey: 'tf_unused', fetch, maxRetries: 1 }).health.get().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(mock.calls('health.get')).toHaveLength(3);
  });

  it('rejects with the signal’s reason when aborted before the answer', async () => {
    const mock = createTicketflowMock();
    mock.delay('health.get', 1_000);
    const controller = new AbortController();
    const answer = mockFetch(mock)(`${mock.baseUrl}/healthz`, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(answer).rejects.toThrow('stop');
  });

  it('ends the body with the signal’s reason when aborted after the answer', async () => {
    const mock = createTicketflowMock();
    const controller = new AbortController();
    const response = await mockFetch(mock)(`${mock.baseUrl}/healthz`, { signal: controller.signal });
    controller.abort(new Error('cut off'));
    await expect(response.text()).rejects.toThrow('cut off');
  });

  it('rejects a request no handler answers, rather than inventing an answer', async () => {
    const mock = createTicketflowMock();
    await expect(mockFetch(mock)('https://elsewhere.test/v1/tickets')).rejects.toThrow('no handler of the mock answers GET https://elsewhere.test/v1/tickets');
  });
});
