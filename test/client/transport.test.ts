/**
 * The client core against a scripted fetch: retries (what, how often, with which key), errors,
 * credentials with refresh, timeouts and aborts, paths and queries, pagination.
 */
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  APIError,
  AuthenticationError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitError,
  Ticketflow,
  TimeoutError,
  UnprocessableEntityError,
} from '../../src/index.js';
import { json, problem, scriptedFetch, type Answer } from './fake-fetch.js';

const BASE = 'https://helpdesk.test';
const ticket = (id: string) => ({ id, title: `Ticket ${id}` });

function client(answers: Answer[], options: { maxRetries?: number; timeout?: number } = {}) {
  const script = scriptedFetch(answers);
  const tf = new Ticketflow({ baseUrl: `${BASE}/`, apiKey: 'tf_abcdefgh_secret', fetch: script.fetch, ...options });
  return { tf, sent: script.sent };
}

describe('requests', () => {
  it('sends the API key as a bearer token, encodes path parameters and repeats array queries', async () => {
    const { tf, sent } = client([json(200, { data: [], next_cursor: null }), json(200, ticket('a/b'))]);
    await tf.tickets.list({ status: ['open', 'pending'], assignee_id: 'none', limit: 5 });
    await tf.tickets.get('a/b?c');
    expect(sent.map((s) => s.url)).toEqual([
      `${BASE}/v1/tickets?status=open&status=pending&assignee_id=none&limit=5`,
      `${BASE}/v1/tickets/a%2Fb%3Fc`,
    ]);
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer tf_abcdefgh_secret');
  });

  it('refuses a path parameter that would climb the path', () => {
    const { tf } = client([]);
    expect(() => tf.tickets.get('..')).toThrow(TypeError);
  });

  it('refuses ambiguous or missing credentials, and a base URL that is not http(s)', () => {
    const fetch = scriptedFetch([]).fetch;
    // @ts-expect-error: exactly one kind of credential
    expect(() => new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', accessToken: 'jwt', fetch })).toThrow('exactly one');
    // @ts-expect-error: a credential is required
    expect(() => new Ticketflow({ baseUrl: BASE, fetch })).toThrow('exactly one');
    expect(() => new Ticketflow({ baseUrl: 'helpdesk.test', apiKey: 'tf_x', fetch })).toThrow('baseUrl');
  });

  it('gives the raw response beside the data', async () => {
    const { tf } = client([json(200, ticket('t1'), { etag: '"7"' })]);
    const { data, response } = await tf.tickets.get('t1').withResponse();
    expect(data).toEqual(ticket('t1'));
    expect(response.headers.get('etag')).toBe('"7"');
  });

  it('sends If-Match when given', async () => {
    const { tf, sent } = client([json(200, ticket('t1'))]);
    await tf.tickets.update('t1', { priority: 'high' }, { ifMatch: '"3"' });
    expect(sent[0]).toMatchObject({ method: 'PATCH', body: { priority: 'high' } });
    expect(sent[0]!.headers.get('if-match')).toBe('"3"');
  });
});

describe('errors', () => {
  it('maps each status to its error class, with the problem code and request id', async () => {
    const cases = [
      [404, 'not_found', NotFoundError],
      [412, 'precondition_failed', PreconditionFailedError],
      [422, 'validation_failed', UnprocessableEntityError],
      [401, 'unauthenticated', AuthenticationError],
    ] as const;
    for (const [status, code, ErrorClass] of cases) {
      const { tf } = client([problem(status, code)]);
      const error = await tf.tickets.get('t1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(APIError);
      const got = error as APIError;
      expect([got.status, got.code, got.requestId]).toEqual([status, code, `req-${code}`]);
      expect((error as Error).message).toContain('GET /v1/tickets/t1');
      expect((error as Error).message).not.toContain('secret');
    }
  });

  it('reports an unreachable API as a ConnectionError, after retrying a GET', async () => {
    const { tf, sent } = client([new TypeError('fetch failed'), new TypeError('fetch failed')], { maxRetries: 1 });
    await expect(tf.tickets.get('t1')).rejects.toBeInstanceOf(ConnectionError);
    expect(sent).toHaveLength(2);
  });

  it('times out an attempt that takes too long', async () => {
    const stall: Answer = (sent) => new Promise(() => void sent); // never answers
    const { tf } = client([stall], { maxRetries: 0, timeout: 50 });
    await expect(tf.tickets.get('t1')).rejects.toBeInstanceOf(TimeoutError);
  });

  it('rejects with an AbortError when the caller aborts, and sends nothing more', async () => {
    const controller = new AbortController();
    const { tf, sent } = client([problem(503, 'unavailable', { 'retry-after': '30' })]);
    const call = tf.tickets.get('t1', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toBeInstanceOf(AbortError);
    expect(sent).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries a GET on 503 as long as Retry-After asks, then returns the answer', async () => {
    const { tf, sent } = client([problem(503, 'unavailable', { 'retry-after': '0' }), problem(502, 'bad_gateway'), json(200, ticket('t1'))]);
    expect(await tf.tickets.get('t1')).toEqual(ticket('t1'));
    expect(sent).toHaveLength(3);
  });

  it('gives up after maxRetries with the last error', async () => {
    const { tf, sent } = client([problem(503, 'unavailable', { 'retry-after': '0' }), problem(500, 'internal')], { maxRetries: 1 });
    await expect(tf.tickets.get('t1')).rejects.toBeInstanceOf(InternalServerError);
    expect(sent).toHaveLength(2);
  });

  it('retries a POST with the same Idempotency-Key on every attempt, and a new key per call', async () => {
    const { tf, sent } = client([problem(429, 'rate_limited', { 'retry-after': '0' }), json(201, ticket('t1')), json(201, ticket('t2'))]);
    await tf.tickets.create({ title: 'One' });
    await tf.tickets.create({ title: 'Two' });
    const keys = sent.map((s) => s.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('uses the caller\'s own Idempotency-Key', async () => {
    const { tf, sent } = client([json(201, ticket('t1'))]);
    await tf.tickets.create({ title: 'One' }, { idempotencyKey: 'order-42' });
    expect(sent[0]!.headers.get('idempotency-key')).toBe('order-42');
  });

  it('never retries a PATCH, and not a 4xx other than 408 and 429', async () => {
    const patch = client([problem(503, 'unavailable', { 'retry-after': '0' })]);
    await expect(patch.tf.tickets.update('t1', { title: 'x' })).rejects.toBeInstanceOf(InternalServerError);
    expect(patch.sent).toHaveLength(1);
    const notFound = client([problem(404, 'not_found')]);
    await expect(notFound.tf.tickets.get('t1')).rejects.toBeInstanceOf(NotFoundError);
    expect(notFound.sent).toHaveLength(1);
  });

  it('retries a 5xx at once whatever the rate-limit window says (it is sent on every answer)', async () => {
    const { tf, sent } = client([problem(503, 'unavailable', { 'ratelimit-reset': '3600' }), json(200, ticket('t1'))]);
    expect(await tf.tickets.get('t1')).toEqual(ticket('t1'));
    expect(sent).toHaveLength(2);
  });

  it('fails at once when the API asks for a longer wait than the policy allows', async () => {
    const { tf, sent } = client([problem(429, 'rate_limited', { 'retry-after': '3600' })]);
    const error = await tf.tickets.get('t1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBe(3600);
    expect(sent).toHaveLength(1);
  });
});

describe('operations the contract calls non-idempotent', () => {
  it('sends no Idempotency-Key and does not retry a 5xx, but retries a 429', async () => {
    const failing = client([problem(503, 'unavailable', { 'retry-after': '0' })]);
    await expect(failing.tf.auth.changePassword({ current_password: 'a', new_password: 'b-long-enough-1' })).rejects.toBeInstanceOf(InternalServerError);
    expect(failing.sent).toHaveLength(1);
    expect(failing.sent[0]!.headers.has('idempotency-key')).toBe(false);

    const limited = client([problem(429, 'rate_limited', { 'retry-after': '0' }), new Response(null, { status: 204 })]);
    await limited.tf.auth.changePassword({ current_password: 'a', new_password: 'b-long-enough-1' });
    expect(limited.sent).toHaveLength(2);
  });
});

describe('options', () => {
  it('refuses retry counts, timeouts and base URLs that cannot work', () => {
    const fetch = scriptedFetch([]).fetch;
    expect(() => new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', fetch, maxRetries: Number.NaN })).toThrow('maxRetries');
    expect(() => new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', fetch, timeout: -1 })).toThrow('timeout');
    expect(() => new Ticketflow({ baseUrl: 'https://user:pw@helpdesk.test', apiKey: 'tf_x', fetch })).toThrow('credentials');
  });

  it('refuses an upload stream that yields anything but bytes, before sending', async () => {
    const { tf, sent } = client([]);
    const numbers: AsyncIterable<number> = { [Symbol.asyncIterator]: () => [1000][Symbol.iterator]() as unknown as AsyncIterator<number> };
    // @ts-expect-error: numbers are not bytes
    await expect(tf.attachments.upload('t1', numbers, { filename: 'x.bin' })).rejects.toThrow('bytes');
    expect(sent).toHaveLength(0);
  });
});

describe('credentials', () => {
  const tokens = (n: number) => ({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'Bearer', expires_in: 900 });

  it('logs in on first use, refreshes once on an expired token for concurrent requests, and sends them again', async () => {
    // A server whose first access token has expired: it answers by path and token, not by order.
    const api: Answer = (sent) => {
      const { pathname } = new URL(sent.url);
      if (pathname === '/v1/auth/login') return json(200, tokens(1));
      if (pathname === '/v1/auth/refresh') {
        return (sent.body as { refresh_token: string }).refresh_token === 'refresh-1' ? json(200, tokens(2)) : problem(401, 'unauthenticated');
      }
      return sent.headers.get('authorization') === 'Bearer access-2' ? json(200, ticket(pathname)) : problem(401, 'token_expired');
    };
    const script = scriptedFetch(Array<Answer>(8).fill(api));
    const tf = new Ticketflow({ baseUrl: BASE, credentials: { email: 'ana@example.com', password: 'pw' }, fetch: script.fetch });

    const [a, b] = await Promise.all([tf.tickets.get('a'), tf.tickets.get('b')]);
    expect([a.id, b.id]).toEqual(['/v1/tickets/a', '/v1/tickets/b']);
    const calls = script.sent.map((s) => `${s.method} ${new URL(s.url).pathname} ${s.headers.get('authorization') ?? '-'}`);
    expect(calls.sort()).toEqual([
      'GET /v1/tickets/a Bearer access-1',
      'GET /v1/tickets/a Bearer access-2',
      'GET /v1/tickets/b Bearer access-1',
      'GET /v1/tickets/b Bearer access-2',
      'POST /v1/auth/login -',
      'POST /v1/auth/refresh -',
    ]);
    expect(script.sent.find((s) => s.url.endsWith('/login'))!.body).toEqual({ email: 'ana@example.com', password: 'pw' });
  });

  it('rejects a call aborted while it waits for the shared login at once, and the login goes on for the others', async () => {
    let loginRequested!: () => void;
    const requested = new Promise<void>((resolve) => (loginRequested = resolve));
    let answerLogin!: (response: Response) => void;
    const loginAnswer = new Promise<Response>((resolve) => (answerLogin = resolve));
    const script = scriptedFetch([() => (loginRequested(), loginAnswer), json(200, ticket('b')), json(200, ticket('c'))]);
    const tf = new Ticketflow({ baseUrl: BASE, credentials: { email: 'ana@example.com', password: 'pw' }, fetch: script.fetch });

    const controller = new AbortController();
    const a = tf.tickets.get('a', { signal: controller.signal });
    const b = tf.tickets.get('b');
    await requested;
    controller.abort();
    await expect(a).rejects.toBeInstanceOf(AbortError); // the login has not answered yet
    answerLogin(json(200, tokens(1)));
    expect(await b).toEqual(ticket('b'));
    expect(await tf.tickets.get('c')).toEqual(ticket('c'));
    expect(script.sent.map((s) => new URL(s.url).pathname)).toEqual(['/v1/auth/login', '/v1/tickets/b', '/v1/tickets/c']);
  });

  it('does not renew an API key: a 401 is the answer', async () => {
    const { tf, sent } = client([problem(401, 'unauthenticated')]);
    await expect(tf.tickets.get('t1')).rejects.toBeInstanceOf(AuthenticationError);
    expect(sent).toHaveLength(1);
  });
});

describe('pagination', () => {
  it('awaits one page, and iterates over every item of every page', async () => {
    const pages = [json(200, { data: [ticket('1'), ticket('2')], next_cursor: 'c2' }), json(200, { data: [ticket('3')], next_cursor: null })];
    const first = client([pages[0]!.clone()]);
    expect(await first.tf.tickets.list({ limit: 2 })).toEqual({ data: [ticket('1'), ticket('2')], next_cursor: 'c2' });

    const all = client(pages);
    const ids: string[] = [];
    for await (const item of all.tf.tickets.list({ limit: 2 })) ids.push(item.id);
    expect(ids).toEqual(['1', '2', '3']);
    expect(all.sent.map((s) => new URL(s.url).search)).toEqual(['?limit=2', '?limit=2&cursor=c2']);
  });
});
