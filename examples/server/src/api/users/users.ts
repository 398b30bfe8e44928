/** People and their roles. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function userRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'));
}
