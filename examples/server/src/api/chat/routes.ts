/** Live chat: sessions between a customer and an agent, and their messages. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { chatMessageRoutes } from './messages.js';
import { chatSessionRoutes } from './sessions.js';

export function chatRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('chat'))
    .route('/sessions/:session_id/messages', chatMessageRoutes())
    .route('/sessions', chatSessionRoutes());
}
