/** The caller's notifications and preferences. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function notificationRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('notifications'));
}
