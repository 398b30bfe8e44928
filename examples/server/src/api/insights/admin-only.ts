/**
 * A gate for the admin consoles (audit log, webhooks). Row-level security already limits their
 * tables — for other roles webhooks are invisible and the audit log shows only their own events —
 * but an empty list or a 404 would hide the real answer from a caller: this endpoint is not theirs.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.js';
import { forbidden } from '../../http/problem.js';

export function adminOnly(what: string): MiddlewareHandler<AppEnv> {
  return async function adminOnly(c, next) {
    if (c.get('role') !== 'admin') throw forbidden(`Only admins may use ${what}.`);
    await next();
  };
}
