/**
 * What every request handler can reach: the dependencies the app was built with, and the
 * per-request variables that middleware sets (request id, caller, transaction).
 */
import type { ReceivedUpload } from './attachments/receive-upload.js';
import type { Clock } from './clock.js';
import type { UserRole } from './db/actor.js';
import type { Database, Queryable } from './db/database.js';
import type { EventHub } from './events/event-hub.js';
import type { Logger } from './logger.js';
import type { Mailbox } from './mailbox.js';
import type { Storage } from './storage.js';

/** Everything the app is built from; see `createApp` for the defaults. */
export interface AppDeps {
  db: Database;
  storage: Storage;
  clock: Clock;
  logger: Logger;
  /** Where password-reset and invitation messages go. */
  mailbox: Mailbox;
  events: EventHub;
  auth: AuthSettings;
  limits: Limits;
}

export interface AuthSettings {
  /** HMAC key for access tokens (HS256). Every instance behind one database needs the same key. */
  jwtSecret: Uint8Array;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** A rotated refresh token presented again within this window rotates again instead of revoking its family (a client retrying a lost response). */
  refreshReuseGraceSeconds: number;
  passwordResetTtlSeconds: number;
  invitationTtlSeconds: number;
  maxFailedLogins: number;
  lockoutSeconds: number;
}

export interface Limits {
  /** JSON bodies above this are refused with 413 before they are parsed. */
  maxJsonBytes: number;
  maxUploadBytes: number;
  /** Requests per caller per window; `0` turns rate limiting off. */
  rateLimit: number;
  rateLimitWindowSeconds: number;
  /** Requests per client address per window to the unauthenticated auth endpoints. */
  authRateLimit: number;
  /** Seconds between SSE heartbeats. */
  heartbeatSeconds: number;
}

/** The authenticated caller. */
export interface Principal {
  userId: string;
  via: 'access_token' | 'api_key';
  /** The API key's scopes; `null` for a user's own access token, which may do all the user may. */
  scopes: ReadonlySet<string> | null;
  apiKeyId?: string;
  /** The refresh-token family of the login session behind an access token. */
  sessionId?: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by `authenticate`. */
    principal: Principal;
    /** The request's transaction, bound to the caller under row-level security; set by `transaction`. */
    tx: Queryable;
    /** The caller's role as the database sees it. */
    role: UserRole;
    /** An uploaded file already in storage, set by `receiveAttachment` before the transaction opens. */
    upload?: ReceivedUpload;
  };
}
