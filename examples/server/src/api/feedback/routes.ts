/** Customer satisfaction ratings. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function feedbackRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'));
}

/** A ticket's rating. */
export function ticketFeedbackRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'));
}
