/**
 * Authentication as the server does it (examples/server/src/auth): access tokens that expire by
 * the mock clock, refresh tokens that rotate with reuse detection, API keys with scopes, logins
 * with lockout after repeated wrong passwords. Access tokens look like the server's JWTs (header,
 * claims with `sub`, `sid` and `exp`, signature) so code that reads their expiry works; only the
 * mock can verify them.
 */
import { MockProblem } from './problems.js';
import type { AuditSink } from './rules/audit.js';
import type { RefreshTokenRow, UserRow } from './store.js';
import { actorOf, type Actor, type World } from './world.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="ticketflow"' };

const unauthenticated = (detail: string, code: 'unauthenticated' | 'token_expired' = 'unauthenticated') =>
  new MockProblem(401, code, detail, undefined, CHALLENGE);

/** The answer for any failed login: the same whatever the reason, as the server's. */
export const INVALID_CREDENTIALS = 'The email or password is wrong, or the account cannot log in right now.';

const base64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const addSeconds = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** An access token and a refresh token, as `AuthTokens` has them (without the user). */
export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

function signAccessToken(world: World, userId: string, sessionId: string): string {
  const now = world.clock.now();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + world.settings.accessTokenTtlSeconds;
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ sid: sessionId, sub: userId, iss: 'ticketflow', aud: 'ticketflow-api', iat, exp }));
  const token = `${header}.${claims}.${world.ids.secret(43)}`;
  world.store.tables.accessTokens.put({ id: token, user_id: userId, session_id: sessionId, expires_at: new Date(exp * 1000).toISOString() });
  return token;
}

function insertRefreshToken(world: World, userId: string, familyId: string): { id: string; token: string } {
  const now = world.clock.now().toISOString();
  const row = {
    id: world.ids.uuid(),
    token: world.ids.secret(43),
    user_id: userId,
    family_id: familyId,
    expires_at: addSeconds(now, world.settings.refreshTokenTtlSeconds),
    revoked_at: null,
    revoked_reason: null,
    replaced_by: null,
  };
  world.store.tables.refreshTokens.put(row);
  return row;
}

function pair(world: World, userId: string, familyId: string, refreshToken: string): TokenPair {
  return {
    access_token: signAccessToken(world, userId, familyId),
    token_type: 'Bearer',
    expires_in: world.settings.accessTokenTtlSeconds,
    refresh_token: refreshToken,
    refresh_expires_in: world.settings.refreshTokenTtlSeconds,
  };
}

/** Starts a login session for a user already authenticated (a login, or `mock.as()`). */
export function startSession(world: World, userId: string): TokenPair {
  const familyId = world.ids.uuid();
  const first = insertRefreshToken(world, userId, familyId);
  return pair(world, userId, familyId, first.token);
}

const isLocked = (user: UserRow, now: Date) => user.locked_until !== null && Date.parse(user.locked_until) > now.getTime();

const untracked: AuditSink = () => undefined;

/**
 * Counts one wrong password (examples/server/src/auth/lockout.ts): reaching the threshold locks the
 * account and starts the count again; the lock is audited. An account already locked is left alone.
 */
export function recordWrongPassword(world: World, user: UserRow, trail: AuditSink = untracked): void {
  const now = world.clock.now();
  if (isLocked(user, now)) return;
  const attempts = user.failed_login_attempts + 1;
  const max = world.settings.maxFailedLogins;
  const locks = attempts >= max;
  const lockedUntil = locks ? new Date(now.getTime() + world.settings.lockoutSeconds * 1000).toISOString() : user.locked_until;
  world.store.tables.users.put({ ...user, failed_login_attempts: locks ? 0 : attempts, locked_until: lockedUntil, updated_at: now.toISOString() });
  if (locks) {
    trail({
      event: 'account_locked',
      status: 'warning',
      userId: user.id,
      actorId: null,
      message: `locked after ${max} wrong passwords in a row`,
      metadata: { locked_until: lockedUntil, failed_attempts: max },
    });
  }
}

/**
 * Email and password; `undefined` for every kind of failure (counted towards a lockout when the
 * password was wrong). The reason goes only to the audit log, as on the server.
 */
export function login(world: World, email: string, password: string, trail: AuditSink = untracked): { user: UserRow; tokens: TokenPair } | undefined {
  const { users } = world.store.tables;
  const user = users.all().find((row) => row.email.toLowerCase() === email.toLowerCase());
  const now = world.clock.now();
  const fail = (status: 'failure' | 'blocked', reason: string, metadata: Record<string, unknown> = {}) => {
    trail({ event: 'login_failed', status, userId: user?.id ?? null, actorId: null, message: reason, metadata: { reason, ...metadata } });
    return undefined;
  };
  if (!user) return fail('failure', 'unknown_email', { email: email.trim().toLowerCase().slice(0, 255) });
  if (isLocked(user, now)) return fail('blocked', 'locked');
  if (!user.is_active) return fail('failure', 'inactive');
  if (!user.is_approved) return fail('failure', 'not_approved');
  if (user.password === null) return fail('failure', 'no_password');
  if (user.password !== password) {
    // The failure is audited before the lock it may cause, so the log reads in order.
    fail('failure', 'wrong_password');
    recordWrongPassword(world, user, trail);
    return undefined;
  }
  const opened = users.put({ ...user, failed_login_attempts: 0, locked_until: null, last_login_at: now.toISOString(), updated_at: now.toISOString() });
  const tokens = startSession(world, user.id);
  trail({ event: 'login', status: 'success', userId: user.id, actorId: user.id });
  return { user: opened, tokens };
}

/**
 * A new pair for a refresh token, or `undefined` when it is refused. A token already replaced
 * means a copy is in other hands: the whole session is revoked (and stays revoked: the caller
 * answers the refusal without undoing it) — unless it comes back within the grace window while its
 * replacement is unused (a client retrying a lost answer), when it rotates again.
 */
export function refresh(world: World, token: string, trail: AuditSink = untracked): { user: UserRow; tokens: TokenPair } | undefined {
  const { refreshTokens, users } = world.store.tables;
  const presented = refreshTokens.all().find((row) => row.token === token);
  if (!presented) return undefined;
  const now = world.clock.now();
  const nowIso = now.toISOString();
  let replacing = presented;
  if (presented.revoked_at !== null) {
    if (presented.revoked_reason !== 'rotated') return undefined;
    const successor = presented.replaced_by === null ? undefined : refreshTokens.get(presented.replaced_by);
    const withinGrace = now.getTime() - Date.parse(presented.revoked_at) <= world.settings.refreshReuseGraceSeconds * 1000;
    if (!withinGrace || successor?.revoked_at !== null) {
      revokeFamily(world, presented.family_id, 'reuse_detected');
      trail({
        event: 'refresh_token_reuse',
        status: 'blocked',
        userId: presented.user_id,
        actorId: null,
        message: 'a replaced refresh token was presented again: the session is revoked',
        metadata: { family_id: presented.family_id },
      });
      return undefined;
    }
    replacing = successor;
  } else if (Date.parse(presented.expires_at) <= now.getTime()) {
    return undefined;
  }
  const user = users.get(presented.user_id);
  if (!user || !user.is_active || !user.is_approved || isLocked(user, now)) return undefined;
  const next = insertRefreshToken(world, user.id, presented.family_id);
  refreshTokens.put({ ...replacing, revoked_at: nowIso, revoked_reason: 'rotated', replaced_by: next.id });
  if (replacing.id !== presented.id) refreshTokens.put({ ...refreshTokens.get(presented.id)!, replaced_by: next.id });
  const tokens = pair(world, user.id, presented.family_id, next.token);
  trail({ event: 'token_refreshed', status: 'success', userId: user.id, actorId: user.id, metadata: { retried: replacing.id !== presented.id } });
  return { user, tokens };
}

/** The answer to a refused refresh. */
export const refreshRefused = () => unauthenticated('The refresh token is invalid, expired or revoked; log in again.');

/** Ends the session of a refresh token; unknown tokens and ended sessions change nothing (and are not audited). */
export function logout(world: World, token: string, trail: AuditSink = untracked): void {
  const presented = world.store.tables.refreshTokens.all().find((row) => row.token === token);
  if (!presented) return;
  const revoked = revokeFamily(world, presented.family_id, 'logout');
  if (revoked > 0) trail({ event: 'logout', status: 'success', userId: presented.user_id, actorId: null, metadata: { family_id: presented.family_id } });
}

/** Revokes the live tokens of a family; answers how many there were. */
function revokeFamily(world: World, familyId: string, reason: 'logout' | 'reuse_detected'): number {
  return revokeTokens(world, (token) => token.family_id === familyId, reason);
}

/** Revokes every session of a user (a changed or reset password), except the family `keep` (the caller's own). */
export function revokeUserSessions(world: World, userId: string, keep?: string): void {
  revokeTokens(world, (token) => token.user_id === userId && token.family_id !== keep, 'password_changed');
}

function revokeTokens(world: World, which: (token: RefreshTokenRow) => boolean, reason: NonNullable<RefreshTokenRow['revoked_reason']>): number {
  const { refreshTokens } = world.store.tables;
  const now = world.clock.now().toISOString();
  const live = refreshTokens.where((token) => token.revoked_at === null && which(token));
  for (const row of live) refreshTokens.put({ ...row, revoked_at: now, revoked_reason: reason });
  return live.length;
}

/** The caller of a request, from its `Authorization` header; throws the server's 401s. */
export function authenticate(world: World, authorization: string | undefined): Actor {
  if (!authorization) throw unauthenticated('Send an access token or an API key as a Bearer token.');
  const token = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization.trim())?.[1];
  if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  const now = world.clock.now();
  const { users, apiKeys, accessTokens } = world.store.tables;
  let userId: string;
  let via: Actor['via'];
  let scopes: ReadonlySet<string> | null = null;
  let sessionId: string | undefined;
  if (token.startsWith('tf_')) {
    const key = apiKeys.all().find((row) => row.key === token);
    if (key?.revoked_at !== null || (key.expires_at !== null && Date.parse(key.expires_at) <= now.getTime())) {
      throw unauthenticated('The API key is invalid, revoked or expired.');
    }
    // Recorded at most once a minute, outside the request's transaction, as the server records it.
    if (key.last_used_at === null || now.getTime() - Date.parse(key.last_used_at) > 60_000) apiKeys.put({ ...key, last_used_at: now.toISOString() });
    userId = key.user_id;
    via = 'api_key';
    scopes = new Set(key.scopes);
  } else {
    const access = accessTokens.get(token);
    if (!access) throw unauthenticated('The access token is invalid.');
    if (Date.parse(access.expires_at) <= now.getTime()) throw unauthenticated('The access token has expired; refresh it.', 'token_expired');
    userId = access.user_id;
    via = 'access_token';
    sessionId = access.session_id;
  }
  // app.bind_actor: the role comes from the users table, and inactive or locked accounts cannot act.
  const user = users.get(userId);
  if (!user || !user.is_active || isLocked(user, now)) throw new MockProblem(401, 'unauthenticated', 'This account is inactive or locked.');
  const actor = actorOf(world, user, via, scopes);
  return sessionId === undefined ? actor : { ...actor, sessionId };
}

/** The areas API key scopes name (examples/server/src/auth/scopes.ts). */
export type ScopeArea = 'tickets' | 'kb' | 'chat' | 'directory' | 'notifications' | 'events' | 'admin';

/** Refuses an API key without the scope `method` on `area` needs; access tokens have every scope. */
export function requireScope(actor: Actor, area: ScopeArea | undefined, method: string): void {
  if (actor.scopes === null || area === undefined) return;
  const needed = area === 'admin' ? 'admin' : `${area}:${method === 'GET' || method === 'HEAD' ? 'read' : 'write'}`;
  const granted = actor.scopes.has(needed) || (needed.endsWith(':read') && actor.scopes.has(needed.replace(':read', ':write')));
  if (!granted) throw new MockProblem(403, 'insufficient_scope', `This API key lacks the ${needed} scope.`);
}
