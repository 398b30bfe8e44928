/** Departments. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function departmentRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'));
}
