/** Ticket tags. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function tagRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'));
}
