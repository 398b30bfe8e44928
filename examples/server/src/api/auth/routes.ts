/** Login, token refresh and logout, password resets, and the current user. */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../context.js';

export function authRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>();
}
