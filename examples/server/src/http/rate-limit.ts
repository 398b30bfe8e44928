/**
 * Fixed-window rate limits in memory, per key (the caller, or the client address for anonymous
 * endpoints). Every response carries the `RateLimit-*` fields of the IETF draft; a refused request
 * gets `429` with `Retry-After`. Limits are per instance: behind a load balancer of N instances a
 * caller gets up to N times the limit, which is the usual trade for not needing a shared store.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import type { AppEnv } from '../context.js';
import { Problem } from './problem.js';

interface Window {
  start: number;
  count: number;
}

export interface RateLimitOptions {
  limit: number;
  windowSeconds: number;
  clock: Clock;
  /** The bucket a request counts against; undefined means "not limited". */
  keyOf: (c: Context<AppEnv>) => string | undefined;
}

export function rateLimit({ limit, windowSeconds, clock, keyOf }: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const windows = new Map<string, Window>();
  const windowMs = windowSeconds * 1000;
  return async function rateLimit(c, next) {
    const key = limit > 0 ? keyOf(c) : undefined;
    if (key === undefined) return next();
    const now = clock.now().getTime();
    let window = windows.get(key);
    if (!window || now - window.start >= windowMs) {
      if (windows.size > 100_000) sweep(windows, now, windowMs);
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    const reset = Math.max(0, Math.ceil((window.start + windowMs - now) / 1000));
    const headers = {
      'RateLimit-Limit': String(limit),
      'RateLimit-Remaining': String(Math.max(0, limit - window.count)),
      'RateLimit-Reset': String(reset),
    };
    if (window.count > limit) {
      throw new Problem(429, 'rate_limited', `Too many requests; retry in ${reset} seconds.`, undefined, {
        ...headers,
        'Retry-After': String(reset),
      });
    }
    // Before the response exists, as request-id.ts explains.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
  };
}

/** Drops expired windows so that a flood of distinct keys cannot grow the map without bound. */
function sweep(windows: Map<string, Window>, now: number, windowMs: number) {
  for (const [key, window] of windows) if (now - window.start >= windowMs) windows.delete(key);
}
