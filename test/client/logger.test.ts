/**
 * The logger: what is written at each level, where it goes by default, that a failing logger does
 * not fail a request — and that no secret reaches a logger or a hook.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ticketflow, type ClientOptions, type Hooks, type Logger } from '../../src/index.js';
import { json, problem, scriptedFetch, type Answer } from './fake-fetch.js';

const BASE = 'https://helpdesk.test';
const ticket = (id: string) => ({ id, title: `Ticket ${id}` });

function spyLogger() {
  const lines: string[] = [];
  const calls: unknown[][] = [];
  const at = (level: string) => (...args: unknown[]) => {
    calls.push(args);
    lines.push(`${level} ${String(args[0])}`);
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines, calls };
}

function client(answers: Answer[], options: Partial<ClientOptions> = {}) {
  const script = scriptedFetch(answers);
  const tf = new Ticketflow({ baseUrl: BASE, apiKey: 'tf_abcdefgh_secret', fetch: script.fetch, ...options } as ClientOptions);
  return { tf, sent: script.sent };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logger', () => {
  it('at debug, writes each attempt sent and answered; at warn, each retry; at error, the call that failed', async () => {
    const { logger, lines, calls } = spyLogger();
    const { tf } = client([problem(503, 'unavailable', { 'retry-after': '0', 'x-request-id': 'req-1' }), problem(404, 'not_found', { 'x-request-id': 'req-2' })], {
      logger,
      logLevel: 'debug',
    });
    await expect(tf.tickets.get('t1')).rejects.toThrow();
    const url = `${BASE}/v1/tickets/t1`;
    expect(lines.map((line) => line.replace(/\d+ ms/, 'N ms'))).toEqual([
      `debug ticketflow: sending GET ${url} (attempt 1)`,
      `debug ticketflow: GET ${url} answered 503 in N ms (request req-1)`,
      `warn ticketflow: retrying GET ${url} in N ms after 503 unavailable`,
      `debug ticketflow: sending GET ${url} (attempt 2)`,
      `debug ticketflow: GET ${url} answered 404 in N ms (request req-2)`,
      `error ticketflow: GET ${url} failed: 404 not_found`,
    ]);
    expect(calls[1]![1]).toMatchObject({ operation: 'getTicket', method: 'GET', url, attempt: 1, status: 503, requestId: 'req-1' });
    expect(calls[2]![1]).toMatchObject({ attempt: 1, delayMs: expect.any(Number) as number, error: { name: 'InternalServerError', status: 503 } });
  });

  it('writes from warn when given a logger without a level', async () => {
    const { logger, lines } = spyLogger();
    const { tf } = client([problem(503, 'unavailable', { 'retry-after': '0' }), json(200, ticket('t1'))], { logger });
    await tf.tickets.get('t1');
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['warn']);
  });

  it('writes an abort at debug: it is what the caller asked for, not a failure', async () => {
    const { logger, lines } = spyLogger();
    const controller = new AbortController();
    controller.abort();
    const { tf } = client([], { logger });
    await expect(tf.tickets.get('t1', { signal: controller.signal })).rejects.toThrow('aborted');
    expect(lines).toEqual([]);
  });

  it('logs to the console when given only a level, and nothing at all when given neither', async () => {
    const spies = (['debug', 'info', 'warn', 'error', 'log'] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => undefined));
    const silent = client([problem(503, 'unavailable', { 'retry-after': '0' }), problem(500, 'internal')], { maxRetries: 1 });
    await expect(silent.tf.tickets.get('t1')).rejects.toThrow();
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0, 0, 0]);

    const loud = client([json(200, ticket('t1'))], { logLevel: 'debug' });
    await loud.tf.tickets.get('t1');
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([2, 0, 0, 0, 0]);
  });

  it('does not let a throwing logger fail the request', async () => {
    const throwing = () => {
      throw new Error('disk full');
    };
    const { tf } = client([problem(503, 'unavailable', { 'retry-after': '0' }), json(200, ticket('t1'))], {
      logger: { debug: throwing, info: throwing, warn: throwing, error: throwing },
      logLevel: 'debug',
    });
    expect(await tf.tickets.get('t1')).toEqual(ticket('t1'));
  });

  it('refuses a level or a logger that cannot work', () => {
    const fetch = scriptedFetch([]).fetch;
    // @ts-expect-error: not a level
    expect(() => new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', fetch, logLevel: 'verbose' })).toThrow('logLevel must be one of');
    // @ts-expect-error: no debug and info
    expect(() => new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', fetch, logger: { warn: () => undefined, error: () => undefined } })).toThrow('logger must be');
  });
});

describe('secrets', () => {
  const API_KEY = 'tf_abcdefgh_k3y-s3cr3t';
  const PASSWORD = 'correct-horse-battery-staple';
  const NEW_PASSWORD = 'new-horse-battery-staple';
  const tokens = (n: number) => ({ access_token: `acc3ss-t0ken-${n}`, refresh_token: `r3fresh-t0ken-${n}`, token_type: 'Bearer', expires_in: 900 });
  const SECRETS = [API_KEY, PASSWORD, NEW_PASSWORD, ...[1, 2].flatMap((n) => Object.values(tokens(n)).slice(0, 2) as string[])];

  /** Everything reachable from `value` as strings: own properties (enumerable or not), headers, responses. */
  function strings(value: unknown, seen = new Set<unknown>()): string[] {
    if (typeof value === 'string') return [value];
    if (typeof value !== 'object' || value === null || seen.has(value)) return [String(value)];
    seen.add(value);
    if (value instanceof Headers) {
      const out: string[] = [];
      value.forEach((headerValue, name) => out.push(name, headerValue));
      return out;
    }
    if (value instanceof Response) {
      expect(value.body).toBeNull();
      return [String(value.status), value.statusText, value.url, ...strings(value.headers, seen)];
    }
    return Reflect.ownKeys(value).flatMap((key) => {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      return [String(key), ...(descriptor && 'value' in descriptor ? strings(descriptor.value, seen) : [])];
    });
  }

  it('reach no logger and no hook: across a credentials login, a refresh, retries, password changes and an API key', async () => {
    const received: unknown[] = [];
    const record = (...args: unknown[]) => void received.push(args);
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const hooks: Hooks = { beforeRequest: record, afterResponse: record, onError: record };

    // An API whose first access token has expired and which fails now and then.
    let flaky = 0;
    const served: string[] = [];
    const serve = (body: object) => (served.push(JSON.stringify(body)), json(200, body));
    const api: Answer = (sent) => {
      const { pathname } = new URL(sent.url);
      const bearer = sent.headers.get('authorization');
      if (pathname === '/v1/auth/login') return serve(tokens(1));
      if (pathname === '/v1/auth/refresh') return serve(tokens(2));
      if (pathname === '/v1/auth/password') return new Response(null, { status: 204 });
      if (bearer === `Bearer ${tokens(1).access_token}`) return problem(401, 'token_expired');
      if ((flaky += 1) % 2 === 1) return problem(503, 'unavailable', { 'retry-after': '0' });
      if (pathname.endsWith('/missing')) return problem(404, 'not_found');
      return json(200, ticket(pathname));
    };
    const script = scriptedFetch(Array<Answer>(20).fill(api));
    const observers = { logger, logLevel: 'debug', hooks } as const;
    const tf = new Ticketflow({ baseUrl: BASE, credentials: { email: 'ana@example.com', password: PASSWORD }, fetch: script.fetch, ...observers });
    await tf.tickets.get('t1');
    await tf.auth.changePassword({ current_password: PASSWORD, new_password: NEW_PASSWORD });
    await expect(tf.tickets.get('missing')).rejects.toThrow();
    const withKey = new Ticketflow({ baseUrl: BASE, apiKey: API_KEY, fetch: script.fetch, ...observers });
    await withKey.tickets.get('t2');

    // The scenario went where it should: every secret was sent or received, and the observers saw it all.
    const wire = [...script.sent.map((s) => `${s.headers.get('authorization') ?? ''} ${JSON.stringify(s.body ?? '')}`), ...served].join('\n');
    for (const secret of SECRETS) expect(wire).toContain(secret);
    const seen = strings(received).join('\n');
    for (const expected of ['login', 'refreshTokens', 'changePassword', 'retrying', 'credentials renewed', 'failed']) expect(seen).toContain(expected);

    for (const secret of SECRETS) expect(seen).not.toContain(secret);
  });
});
