/** Accepting an invitation: anonymous, the token is the credential. */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../context.js';

export function invitationAcceptRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>();
}
