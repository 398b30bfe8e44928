/** Invitations to join, sent by admins and managers. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';

export function invitationRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'));
}
