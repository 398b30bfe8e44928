/** The live event stream (SSE). */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function eventRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('events'));
}
