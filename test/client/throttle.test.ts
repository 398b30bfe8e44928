/**
 * The client-side throttle against a fake API with a real fixed window (on fake timers): with the
 * throttle on, requests wait for the window's reset instead of being refused with a 429.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, Ticketflow } from '../../src/index.js';
import { RateLimitWindow } from '../../src/core/throttle.js';
import { json, problem, scriptedFetch, type Answer, type Sent } from './fake-fetch.js';

const BASE = 'https://helpdesk.test';
const WINDOW_SECONDS = 30;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * An API allowing `limit` requests per window per bucket (anonymous or caller, as the reference
 * server counts them), with the RateLimit fields on every answer; it records every status it gave.
 */
function windowedApi(limit: number) {
  const windows = new Map<string, { start: number; count: number }>();
  const answered: { path: string; status: number; at: number }[] = [];
  const answer: Answer = (sent: Sent) => {
    const { pathname } = new URL(sent.url);
    const bucket = sent.headers.has('authorization') ? 'caller' : 'anonymous';
    const now = Date.now();
    let window = windows.get(bucket);
    if (!window || now - window.start >= WINDOW_SECONDS * 1000) windows.set(bucket, (window = { start: now, count: 0 }));
    window.count += 1;
    const reset = String(Math.ceil((window.start + WINDOW_SECONDS * 1000 - now) / 1000));
    const fields = { 'ratelimit-limit': String(limit), 'ratelimit-remaining': String(Math.max(0, limit - window.count)), 'ratelimit-reset': reset };
    const status = window.count > limit ? 429 : pathname === '/v1/auth/password-reset' ? 202 : 200;
    answered.push({ path: pathname, status, at: now });
    if (status === 429) return problem(429, 'rate_limited', { ...fields, 'retry-after': reset });
    return json(status, { id: pathname }, fields);
  };
  return { answers: () => Array<Answer>(20).fill(answer), answered };
}

function client(answers: Answer[], throttle: boolean, extra: { timeout?: number } = {}) {
  const script = scriptedFetch(answers);
  const tf = new Ticketflow({ baseUrl: BASE, apiKey: 'tf_abcdefgh_secret', fetch: script.fetch, throttle, ...extra });
  return { tf, sent: script.sent };
}

describe('throttle', () => {
  it('holds requests once the window is spent and sends them after its reset: none is refused', async () => {
    const api = windowedApi(2);
    const { tf } = client(api.answers(), true);
    const start = Date.now();
    await tf.tickets.get('1');
    await tf.tickets.get('2'); // the window's last request: remaining 0, reset in 30 s
    const held = Promise.all([tf.tickets.get('3'), tf.tickets.get('4')]);

    await vi.advanceTimersByTimeAsync(WINDOW_SECONDS * 1000 - 1);
    expect(api.answered).toHaveLength(2); // nothing sent during the window

    await vi.advanceTimersByTimeAsync(1);
    expect((await held).map((ticket) => ticket.id)).toEqual(['/v1/tickets/3', '/v1/tickets/4']);
    expect(api.answered.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(api.answered.slice(2).every((a) => a.at >= start + WINDOW_SECONDS * 1000)).toBe(true);
  });

  it('is off by default: the same calls meet a 429 (and wait it out by retrying)', async () => {
    const api = windowedApi(2);
    const { tf } = client(api.answers(), false);
    await tf.tickets.get('1');
    await tf.tickets.get('2');
    const third = tf.tickets.get('3');
    await vi.advanceTimersByTimeAsync(WINDOW_SECONDS * 1000);
    await third;
    expect(api.answered.map((a) => a.status)).toEqual([200, 200, 429, 200]);
  });

  it('keeps the anonymous window apart from the caller\'s, as the API counts them', async () => {
    const api = windowedApi(1);
    const { tf } = client(api.answers(), true);
    await tf.auth.requestPasswordReset({ email: 'ana@example.com' }); // spends the anonymous window
    await tf.tickets.get('1'); // the caller's window is untouched: sent at once
    expect(api.answered.map((a) => a.path)).toEqual(['/v1/auth/password-reset', '/v1/tickets/1']);

    const held = tf.auth.requestPasswordReset({ email: 'ana@example.com' });
    await vi.advanceTimersByTimeAsync(WINDOW_SECONDS * 1000 - 1);
    expect(api.answered).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await held;
    expect(api.answered.map((a) => a.status)).toEqual([202, 200, 202]);
  });

  it('rejects a held request with an AbortError as soon as its signal aborts, and never sends it', async () => {
    const api = windowedApi(1);
    const { tf } = client(api.answers(), true);
    await tf.tickets.get('1');
    const controller = new AbortController();
    const held = tf.tickets.get('2', { signal: controller.signal }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    expect(await held).toBeInstanceOf(AbortError);
    await vi.advanceTimersByTimeAsync(WINDOW_SECONDS * 1000);
    expect(api.answered).toHaveLength(1);
  });

  it('does not count the hold in the request\'s timeout', async () => {
    const api = windowedApi(1);
    const { tf } = client(api.answers(), true, { timeout: 1000 });
    const start = Date.now();
    await tf.tickets.get('1');
    const held = tf.tickets.get('2');
    await vi.advanceTimersByTimeAsync(WINDOW_SECONDS * 1000);
    expect((await held).id).toBe('/v1/tickets/2');
    expect(api.answered.map((a) => [a.status, a.at >= start + WINDOW_SECONDS * 1000])).toEqual([[200, false], [200, true]]);
  });

  it('does not hold longer than the retry policy waits: the request goes out and its 429 fails the call', async () => {
    const answers = [json(200, { id: 'a' }, { 'ratelimit-remaining': '0', 'ratelimit-reset': '3600' }), problem(429, 'rate_limited', { 'retry-after': '3599' })];
    const { tf, sent } = client(answers, true);
    await tf.tickets.get('1');
    await expect(tf.tickets.get('2')).rejects.toMatchObject({ status: 429 });
    expect(sent).toHaveLength(2);
  });

  it('refuses a throttle option that is not a boolean', () => {
    const { fetch } = scriptedFetch([]);
    // @ts-expect-error: a boolean
    expect(() => new Ticketflow({ baseUrl: BASE, apiKey: 'tf_x', fetch, throttle: 'yes' })).toThrow(TypeError);
  });
});

describe('RateLimitWindow', () => {
  const headers = (remaining: string, reset: string) => new Headers({ 'ratelimit-remaining': remaining, 'ratelimit-reset': reset });

  it('holds only when nothing remains, ignores malformed fields, and never shortens a hold', () => {
    const window = new RateLimitWindow(60_000);
    window.observe(headers('1', '30'));
    window.observe(headers('', '30'));
    window.observe(headers('0', 'soon'));
    window.observe(new Headers());
    expect(window.holdMs()).toBe(0);

    window.observe(headers('0', '30'));
    window.observe(headers('0', '10')); // an answer that arrived late
    expect(window.holdMs()).toBe(30_000);
    vi.advanceTimersByTime(30_000);
    expect(window.holdMs()).toBe(0);
  });
});
