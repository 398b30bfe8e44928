/** API keys for tools and integrations. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function apiKeyRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('admin'));
}
