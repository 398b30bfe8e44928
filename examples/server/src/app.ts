/**
 * The reference server as a Hono app: `createApp(options)` wires the dependencies, the middleware
 * and every route of the contract. The app is usable in-process (`app.request`, `app.fetch`) and
 * by the Node entry point (`main.ts`).
 *
 * Order of the pipeline for `/v1`: request id → access log → CORS → (auth endpoints, anonymous) →
 * authenticate → rate limit → live events (their own transactions) → uploads (streamed to storage
 * before any transaction) → body limit → transaction →
 * idempotency → the resource routes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { apiKeyRoutes } from './api/api-keys/routes.js';
import { attachmentRoutes } from './api/attachments/routes.js';
import { ticketAttachmentRoutes } from './api/attachments/ticket-attachments.js';
import { authRoutes } from './api/auth/routes.js';
import { chatRoutes } from './api/chat/routes.js';
import { commentRoutes } from './api/comments/routes.js';
import { escalationRoutes, ticketEscalationRoutes } from './api/escalations/routes.js';
import { eventRoutes } from './api/events/routes.js';
import { feedbackRoutes, ticketFeedbackRoutes } from './api/feedback/routes.js';
import { healthRoutes } from './api/health/routes.js';
import { auditLogRoutes } from './api/insights/audit-logs.js';
import { searchRoutes } from './api/insights/search.js';
import { statsRoutes } from './api/insights/stats.js';
import { knowledgeBaseRoutes } from './api/knowledge-base/routes.js';
import { notificationRoutes } from './api/notifications/routes.js';
import { categoryRoutes } from './api/organisation/categories.js';
import { departmentRoutes } from './api/organisation/departments.js';
import { settingsRoutes } from './api/organisation/settings.js';
import { tagRoutes } from './api/organisation/tags.js';
import { teamRoutes } from './api/organisation/teams.js';
import { slaPolicyRoutes } from './api/sla/routes.js';
import { slaStateRoutes } from './api/sla/sla-states.js';
import { ticketSlaRoutes } from './api/sla/ticket-sla.js';
import { ticketRoutes } from './api/tickets/routes.js';
import { invitationAcceptRoutes } from './api/users/invitation-accept.js';
import { invitationRoutes } from './api/users/invitations.js';
import { userRoutes } from './api/users/users.js';
import { webhookRoutes } from './api/webhooks/routes.js';
import { receiveAttachment } from './attachments/receive-middleware.js';
import { authenticate } from './auth/authenticate.js';
import { systemClock, type Clock } from './clock.js';
import type { AppDeps, AppEnv, AuthSettings, Limits } from './context.js';
import type { Database } from './db/database.js';
import { createEventHub } from './events/create-event-hub.js';
import type { EventHub } from './events/event-hub.js';
import { accessLog } from './http/access-log.js';
import { clientAddress } from './http/client-address.js';
import { docsRoutes } from './http/docs.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { idempotency } from './http/idempotency.js';
import { jsonBodyLimit } from './http/json-body-limit.js';
import { rateLimit } from './http/rate-limit.js';
import { requestId } from './http/request-id.js';
import { transaction } from './http/transaction.js';
import { jsonLogger, type Logger } from './logger.js';
import { memoryMailbox, type Mailbox } from './mailbox.js';
import { loadOpenApiDocument } from './openapi-document.js';
import type { Storage } from './storage.js';

export interface AppOptions {
  db: Database;
  storage: Storage;
  clock?: Clock;
  logger?: Logger;
  mailbox?: Mailbox;
  /** Wakes live-event streams; by default one LISTENs on `db`. */
  events?: EventHub;
  auth?: Partial<AuthSettings>;
  limits?: Partial<Limits>;
  /** Origins allowed to call the API from a browser; none by default. `['*']` allows any. */
  corsOrigins?: string[];
}

export const DEFAULT_AUTH: Omit<AuthSettings, 'jwtSecret'> = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  refreshReuseGraceSeconds: 30,
  passwordResetTtlSeconds: 3600,
  invitationTtlSeconds: 7 * 24 * 3600,
  maxFailedLogins: 5,
  lockoutSeconds: 15 * 60,
};

export const DEFAULT_LIMITS: Limits = {
  maxJsonBytes: 1024 * 1024,
  maxUploadBytes: 50 * 1024 * 1024,
  rateLimit: 600,
  rateLimitWindowSeconds: 60,
  authRateLimit: 30,
  heartbeatSeconds: 15,
};

export interface App extends Hono<AppEnv> {
  /** Stops what the app started (the event listener); the database and storage stay the caller's. */
  close(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  const deps: AppDeps = {
    db: options.db,
    storage: options.storage,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? jsonLogger(),
    mailbox: options.mailbox ?? memoryMailbox(),
    events: options.events ?? createEventHub(options.db),
    // A random key means tokens die with the process: fine for one dev instance, and main.ts
    // requires JWT_SECRET when instances share a database.
    auth: { jwtSecret: randomBytes(32), ...DEFAULT_AUTH, ...options.auth },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };

  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(accessLog(deps.logger));
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    const origins = options.corsOrigins;
    app.use(
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'Last-Event-ID', 'X-Request-Id'],
        exposeHeaders: ['ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Request-Id', 'Idempotent-Replayed'],
        maxAge: 600,
      }),
    );
  }
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);

  app.route('/', healthRoutes(deps));
  app.route('/', docsRoutes(loadOpenApiDocument()));
  app.route('/v1', v1Routes(deps));

  return Object.assign(app, { close: () => deps.events.close() });
}

function v1Routes(deps: AppDeps) {
  const v1 = new Hono<AppEnv>();
  const { limits, clock } = deps;
  const window = limits.rateLimitWindowSeconds;

  // Order matters: a request runs the middleware registered before its route, so the anonymous
  // endpoints come first, then authentication, then the live stream (which opens its own short
  // transactions), then everything that runs in one transaction per request.

  // Anonymous endpoints: limited per client address, whatever headers are sent (one bucket for all
  // of them, so credential stuffing cannot spread across endpoints).
  const perAddress = rateLimit({ limit: limits.authRateLimit, windowSeconds: window, clock, keyOf: addressKey });
  for (const path of ANONYMOUS_PATHS) v1.use(path, perAddress);
  // /auth/me and /auth/password authenticate inside: limited like any caller, by their token.
  const perToken = rateLimit({ limit: limits.rateLimit, windowSeconds: window, clock, keyOf: bearerKey });
  v1.use('/auth/me', perToken);
  v1.use('/auth/password', perToken);
  v1.use('/auth/*', jsonBodyLimit(limits.maxJsonBytes));
  v1.use('/invitations/accept', jsonBodyLimit(limits.maxJsonBytes));
  v1.route('/auth', authRoutes(deps));
  v1.route('/invitations/accept', invitationAcceptRoutes(deps));

  v1.use(authenticate(deps));
  v1.use(rateLimit({ limit: limits.rateLimit, windowSeconds: window, clock, keyOf: callerKey }));
  v1.route('/events', eventRoutes(deps));

  v1.use('/tickets/:ticket_id/attachments', receiveAttachment(deps));
  v1.use('/tickets/:ticket_id/comments/:comment_id/attachments', receiveAttachment(deps));
  v1.use(jsonBodyLimit(limits.maxJsonBytes));
  v1.use(transaction(deps));
  v1.use(idempotency(deps));

  v1.route('/users', userRoutes(deps));
  v1.route('/invitations', invitationRoutes(deps));
  v1.route('/api-keys', apiKeyRoutes(deps));
  v1.route('/departments', departmentRoutes(deps));
  v1.route('/teams', teamRoutes(deps));
  v1.route('/categories', categoryRoutes());
  v1.route('/tags', tagRoutes(deps));
  v1.route('/settings', settingsRoutes(deps));
  v1.route('/tickets/:ticket_id/comments/:comment_id/attachments', ticketAttachmentRoutes(deps));
  v1.route('/tickets/:ticket_id/attachments', ticketAttachmentRoutes(deps));
  v1.route('/tickets/:ticket_id/comments', commentRoutes(deps));
  v1.route('/tickets/:ticket_id/sla', ticketSlaRoutes(deps));
  v1.route('/tickets/:ticket_id/feedback', ticketFeedbackRoutes(deps));
  v1.route('/tickets/:ticket_id/escalations', ticketEscalationRoutes(deps));
  v1.route('/tickets', ticketRoutes(deps));
  v1.route('/attachments', attachmentRoutes(deps));
  v1.route('/feedback', feedbackRoutes(deps));
  v1.route('/sla/tickets', slaStateRoutes(deps));
  v1.route('/sla-policies', slaPolicyRoutes(deps));
  v1.route('/escalations', escalationRoutes(deps));
  v1.route('/notifications', notificationRoutes(deps));
  v1.route('/kb', knowledgeBaseRoutes(deps));
  v1.route('/chat', chatRoutes(deps));
  v1.route('/search', searchRoutes(deps));
  v1.route('/stats', statsRoutes(deps));
  v1.route('/audit-logs', auditLogRoutes(deps));
  v1.route('/webhooks', webhookRoutes(deps));
  return v1;
}

const ANONYMOUS_PATHS = [
  '/auth/login',
  '/auth/refresh',
  '/auth/logout',
  '/auth/password-reset',
  '/auth/password-reset/confirm',
  '/invitations/accept',
];

const addressKey = (c: Context<AppEnv>) => `address:${clientAddress(c) ?? 'local'}`;

const bearerKey = (c: Context<AppEnv>) => {
  const authorization = c.req.header('authorization');
  return authorization ? `bearer:${createHash('sha256').update(authorization).digest('base64url')}` : undefined;
};

const callerKey = (c: Context<AppEnv>) => `caller:${c.get('principal').apiKeyId ?? c.get('principal').userId}`;
