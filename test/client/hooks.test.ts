/**
 * Hooks against a scripted fetch: called once per attempt (retries and the re-send after a renewal
 * included), in order, awaited, with redacted headers and a body-less response; a failing hook
 * never changes the request's outcome.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  Ticketflow,
  type ErrorContext,
  type Hooks,
  type RequestContext,
  type ResponseContext,
} from '../../src/index.js';
import { json, problem, scriptedFetch, type Answer } from './fake-fetch.js';

const BASE = 'https://helpdesk.test';
const ticket = (id: string) => ({ id, title: `Ticket ${id}` });
const tokens = (n: number) => ({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'Bearer', expires_in: 900 });

type Seen = ['before', RequestContext] | ['after', ResponseContext] | ['error', ErrorContext];

/** A client whose three hooks record what they get, in order. */
function observed(answers: Answer[], options: object = {}) {
  const script = scriptedFetch(answers);
  const seen: Seen[] = [];
  const hooks: Hooks = {
    beforeRequest: (context) => void seen.push(['before', context]),
    afterResponse: (context) => void seen.push(['after', context]),
    onError: (context) => void seen.push(['error', context]),
  };
  const tf = new Ticketflow({ baseUrl: BASE, apiKey: 'tf_abcdefgh_secret', fetch: script.fetch, hooks, ...options });
  return { tf, seen, sent: script.sent };
}

/** Each call as `kind operation #attempt detail`. */
const outline = (seen: Seen[]) =>
  seen.map(([kind, context]) => {
    const detail = kind === 'after' ? context.response.status : kind === 'error' ? `${context.error.name} retry=${context.willRetry}` : '';
    return `${kind} ${context.operation} #${context.attempt} ${detail}`.trim();
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hooks', () => {
  it('are called for every attempt, in order, with what the attempt was and how it ended', async () => {
    const { tf, seen } = observed([problem(503, 'unavailable', { 'retry-after': '0' }), json(200, ticket('t1'), { 'x-request-id': 'req-42' })]);
    await tf.tickets.get('t1', { headers: { 'x-trace': 'abc', 'x-api-key': 'another-secret', cookie: 'session=1' } });

    expect(outline(seen)).toEqual([
      'before getTicket #1',
      'after getTicket #1 503',
      'error getTicket #1 InternalServerError retry=true',
      'before getTicket #2',
      'after getTicket #2 200',
    ]);
    const [, first] = seen[0] as ['before', RequestContext];
    expect(first).toMatchObject({ method: 'GET', url: `${BASE}/v1/tickets/t1` });
    expect(first.headers).toMatchObject({ authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]', 'x-trace': 'abc', accept: 'application/json' });
    const [, answered] = seen[4] as ['after', ResponseContext];
    expect(answered.requestId).toBe('req-42');
    expect(answered.durationMs).toBeGreaterThanOrEqual(0);
    expect(answered.response.headers.get('x-request-id')).toBe('req-42');
    expect(answered.response.body).toBeNull(); // the SDK reads the body, not the hook
  });

  it('report the error a call rejects with last, with willRetry false', async () => {
    const { tf, seen } = observed([new TypeError('fetch failed'), problem(404, 'not_found')], { maxRetries: 1 });
    const error = await tf.tickets.get('t1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(outline(seen)).toEqual([
      'before getTicket #1',
      'error getTicket #1 ConnectionError retry=true',
      'before getTicket #2',
      'after getTicket #2 404',
      'error getTicket #2 NotFoundError retry=false',
    ]);
    expect((seen[4]![1] as ErrorContext).error).toBe(error);
    expect((seen[1]![1] as ErrorContext).error).toBeInstanceOf(ConnectionError);
  });

  it('count the re-send after a renewed login as an attempt, and report the login and refresh as their own calls', async () => {
    const { tf, seen } = observed(
      [json(200, tokens(1)), problem(401, 'token_expired'), json(200, tokens(2)), json(200, ticket('t1'))],
      { apiKey: undefined, credentials: { email: 'ana@example.com', password: 'pw' } },
    );
    await tf.tickets.get('t1');
    expect(outline(seen)).toEqual([
      'before login #1',
      'after login #1 200',
      'before getTicket #1',
      'after getTicket #1 401',
      'before refreshTokens #1',
      'after refreshTokens #1 200',
      'error getTicket #1 AuthenticationError retry=true',
      'before getTicket #2',
      'after getTicket #2 200',
    ]);
  });

  it('report a call that fails before its attempt goes out (its login failed), without a beforeRequest', async () => {
    const { tf, seen } = observed([problem(401, 'invalid_credentials')], { apiKey: undefined, credentials: { email: 'ana@example.com', password: 'wrong' } });
    await expect(tf.tickets.get('t1')).rejects.toBeInstanceOf(AuthenticationError);
    expect(outline(seen)).toEqual([
      'before login #1',
      'after login #1 401',
      'error login #1 AuthenticationError retry=false',
      'error getTicket #1 AuthenticationError retry=false',
    ]);
    expect((seen[3]![1] as ErrorContext).durationMs).toBeUndefined();
  });

  it('are awaited: an async beforeRequest finishes before the attempt is sent', async () => {
    const order: string[] = [];
    const script = scriptedFetch([
      () => {
        order.push('sent');
        return json(200, ticket('t1'));
      },
    ]);
    const hooks: Hooks = {
      beforeRequest: async () => {
        order.push('hook started');
        await new Promise((resolve) => setTimeout(resolve, 1));
        order.push('hook done');
      },
      afterResponse: async () => {
        await Promise.resolve();
        order.push('after');
      },
    };
    const tf = new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', fetch: script.fetch, hooks });
    await tf.tickets.get('t1');
    expect(order).toEqual(['hook started', 'hook done', 'sent', 'after']);
  });

  it('that throw or reject do not change the outcome; the error goes to the logger', async () => {
    const error = vi.fn<(message: string, details: { hook: string; error: unknown }) => void>();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error };
    const boom = new Error('hook bug');
    const { tf, sent } = observed([problem(503, 'unavailable', { 'retry-after': '0' }), json(200, ticket('t1'))], {
      logger,
      hooks: {
        beforeRequest: () => {
          throw boom;
        },
        afterResponse: () => Promise.reject(boom),
        onError: () => {
          throw boom;
        },
      },
    });
    expect(await tf.tickets.get('t1')).toEqual(ticket('t1'));
    expect(sent).toHaveLength(2);
    const reported = error.mock.calls.map(([message, details]) => [message, details.hook, details.error]);
    expect(reported).toEqual([
      ['ticketflow: the beforeRequest hook threw; the request goes on', 'beforeRequest', boom],
      ['ticketflow: the afterResponse hook threw; the request goes on', 'afterResponse', boom],
      ['ticketflow: the onError hook threw; the request goes on', 'onError', boom],
      ['ticketflow: the beforeRequest hook threw; the request goes on', 'beforeRequest', boom],
      ['ticketflow: the afterResponse hook threw; the request goes on', 'afterResponse', boom],
    ]);
  });

  it('that throw are reported to the console when no logger is given, and to nothing with logLevel off', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const throwing: Hooks = {
      beforeRequest: () => {
        throw new Error('hook bug');
      },
    };
    const plain = observed([json(200, ticket('t1'))], { hooks: throwing });
    await plain.tf.tickets.get('t1');
    expect(consoleError).toHaveBeenCalledTimes(1);

    const silenced = observed([json(200, ticket('t1'))], { hooks: throwing, logLevel: 'off' });
    await silenced.tf.tickets.get('t1');
    expect(consoleError).toHaveBeenCalledTimes(1);
  });

  it('must be functions under the three known names', () => {
    const fetch = scriptedFetch([]).fetch;
    const make = (hooks: unknown) => () => new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', fetch, hooks: hooks as Hooks });
    expect(make('log everything')).toThrow(TypeError);
    expect(make({ beforeResponse: () => undefined })).toThrow('hooks.beforeResponse is not a hook');
    expect(make({ onError: 'console.log' })).toThrow('hooks.onError must be a function');
    expect(make({ onError: undefined })).not.toThrow();
  });

  it('report a 5xx of a PATCH (never retried) once, with willRetry false', async () => {
    const { tf, seen } = observed([problem(500, 'internal')]);
    await expect(tf.tickets.update('t1', { title: 'x' })).rejects.toBeInstanceOf(InternalServerError);
    expect(outline(seen)).toEqual(['before updateTicket #1', 'after updateTicket #1 500', 'error updateTicket #1 InternalServerError retry=false']);
  });
});
