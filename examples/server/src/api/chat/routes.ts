/** Live chat. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function chatRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('chat'));
}
