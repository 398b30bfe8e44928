/**
 * Gives every request an id, echoed in `X-Request-Id` and in every problem body and log line. A
 * caller's own id is kept when it is safe to log and to echo (visible ASCII, bounded length).
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

const SAFE_ID = /^[\x21-\x7e]{1,128}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestId(c, next) {
    const given = c.req.header('x-request-id');
    const id = given && SAFE_ID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    // Set before the response exists, so that it is built with it: setting a header on a finished
    // response makes Hono rebuild it, and the Node adapter then streams its body instead of writing it.
    c.header('X-Request-Id', id);
    await next();
  };
}
