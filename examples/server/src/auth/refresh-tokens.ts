/**
 * Login sessions and their refresh tokens. A login starts a family (its id is the session id in
 * access tokens and `user_sessions.refresh_family_id`); each refresh replaces the token presented
 * with a new one of the same family. Only SHA-256 digests are stored.
 *
 * Reuse detection: a token that was already replaced is presented only by someone holding a copy,
 * so the whole family is revoked — the thief and the owner both have to log in again. The one
 * exception is a client that lost the answer to its refresh and retries: within
 * `refreshReuseGraceSeconds` of the rotation, and while the replacement has never been used, the
 * old token rotates again and the unused replacement is revoked instead.
 *
 * These tables are not readable by the request role: every function here runs on the server's own
 * connection, inside a transaction the caller opened.
 */
import { randomUUID } from 'node:crypto';
import type { AppDeps } from '../context.js';
import type { Queryable } from '../db/database.js';
import { signAccessToken } from './access-tokens.js';
import { audit } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { newSecret, sha256Hex } from './secrets.js';

type Deps = Pick<AppDeps, 'auth' | 'clock'>;

export type RevokeReason = 'logout' | 'rotated' | 'reuse_detected' | 'password_changed' | 'admin';

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

const addSeconds = (date: Date, seconds: number) => new Date(date.getTime() + seconds * 1000);

/** Inserts a refresh token of `familyId`, returns its id and the token itself. */
async function insertRefreshToken(tx: Queryable, deps: Deps, userId: string, familyId: string, client: ClientInfo) {
  const token = newSecret();
  const now = deps.clock.now();
  const { rows } = await tx.query<{ id: string }>(
    `insert into refresh_tokens (user_id, token_hash, family_id, expires_at, ip_address, user_agent, created_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [userId, sha256Hex(token), familyId, addSeconds(now, deps.auth.refreshTokenTtlSeconds), client.ip ?? null, client.userAgent ?? null, now],
  );
  return { id: rows[0]!.id, token };
}

async function tokenPair(deps: Deps, userId: string, familyId: string, refreshToken: string): Promise<TokenPair> {
  return {
    access_token: await signAccessToken(deps.auth, deps.clock, { userId, sessionId: familyId }),
    token_type: 'Bearer',
    expires_in: deps.auth.accessTokenTtlSeconds,
    refresh_token: refreshToken,
    refresh_expires_in: deps.auth.refreshTokenTtlSeconds,
  };
}

/** Starts a login session for `userId` (already authenticated by the caller) and answers its first token pair. */
export async function startSession(tx: Queryable, deps: Deps, userId: string, client: ClientInfo): Promise<TokenPair> {
  const familyId = randomUUID();
  const first = await insertRefreshToken(tx, deps, userId, familyId, client);
  const now = deps.clock.now();
  await tx.query(
    `insert into user_sessions (user_id, session_token_hash, refresh_family_id, ip_address, user_agent, created_at, last_activity_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $6, $7)`,
    // The session is named by the digest of the token that opened it; no other secret exists for it.
    [userId, sha256Hex(first.token), familyId, client.ip ?? null, client.userAgent ?? null, now, addSeconds(now, deps.auth.refreshTokenTtlSeconds)],
  );
  return tokenPair(deps, userId, familyId, first.token);
}

/** Revokes every live token of a family and ends its session; answers how many tokens were live. */
export async function revokeFamily(tx: Queryable, familyId: string, reason: RevokeReason, now: Date): Promise<number> {
  const { rowCount } = await tx.query(
    'update refresh_tokens set revoked_at = $2, revoked_reason = $3 where family_id = $1 and revoked_at is null',
    [familyId, now, reason],
  );
  await tx.query('update user_sessions set revoked_at = $2 where refresh_family_id = $1 and revoked_at is null', [familyId, now]);
  return rowCount;
}

/** Revokes every session of a user, except the family `keep` (the caller's own session) if given. */
export async function revokeUserSessions(tx: Queryable, userId: string, reason: RevokeReason, now: Date, keep?: string): Promise<void> {
  await tx.query(
    `update refresh_tokens set revoked_at = $2, revoked_reason = $3
      where user_id = $1 and revoked_at is null and ($4::uuid is null or family_id <> $4)`,
    [userId, now, reason, keep ?? null],
  );
  await tx.query(
    `update user_sessions set revoked_at = $2
      where user_id = $1 and revoked_at is null and ($3::uuid is null or refresh_family_id is distinct from $3)`,
    [userId, now, keep ?? null],
  );
}

interface PresentedToken {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: RevokeReason | null;
  replaced_by: string | null;
  successor_revoked_at: Date | null;
  user_can_log_in: boolean;
}

export type RotateResult =
  | { ok: true; userId: string; tokens: TokenPair; retried: boolean }
  | { ok: false; reason: 'invalid' | 'reuse_detected' };

/**
 * Exchanges `token` for a new pair. The presented row is locked, so two refreshes with one token
 * are decided one after the other.
 */
export async function rotateRefreshToken(tx: Queryable, deps: Deps, token: string, client: ClientInfo): Promise<RotateResult> {
  const now = deps.clock.now();
  const { rows } = await tx.query<PresentedToken>(
    `select t.id, t.user_id, t.family_id, t.expires_at, t.revoked_at, t.revoked_reason, t.replaced_by,
            s.revoked_at as successor_revoked_at,
            (u.is_active and u.is_approved and (u.locked_until is null or u.locked_until <= $2)) as user_can_log_in
       from refresh_tokens t
       join users u on u.id = t.user_id
       left join refresh_tokens s on s.id = t.replaced_by
      where t.token_hash = $1
      for update of t`,
    [sha256Hex(token), now],
  );
  const presented = rows[0];
  if (!presented) return { ok: false, reason: 'invalid' };

  // The token being replaced now: the presented one, or on a retry its unused successor.
  let replacing = presented.id;
  if (presented.revoked_at) {
    if (presented.revoked_reason !== 'rotated') return { ok: false, reason: 'invalid' };
    const withinGrace = now.getTime() - presented.revoked_at.getTime() <= deps.auth.refreshReuseGraceSeconds * 1000;
    if (!(withinGrace && presented.replaced_by && presented.successor_revoked_at === null)) {
      await revokeFamily(tx, presented.family_id, 'reuse_detected', now);
      await audit(tx, {
        event: 'refresh_token_reuse',
        status: 'blocked',
        userId: presented.user_id,
        message: 'a replaced refresh token was presented again: the session is revoked',
        metadata: { family_id: presented.family_id },
      });
      return { ok: false, reason: 'reuse_detected' };
    }
    replacing = presented.replaced_by;
  } else if (presented.expires_at <= now) {
    return { ok: false, reason: 'invalid' };
  }
  if (!presented.user_can_log_in) return { ok: false, reason: 'invalid' };

  const next = await insertRefreshToken(tx, deps, presented.user_id, presented.family_id, client);
  await tx.query(
    `update refresh_tokens set revoked_at = $2, revoked_reason = 'rotated', replaced_by = $3, last_used_at = $2 where id = $1`,
    [replacing, now, next.id],
  );
  if (replacing !== presented.id) {
    // The retried token now points at the live token, so a second retry is judged by that one.
    await tx.query('update refresh_tokens set replaced_by = $3, last_used_at = $2 where id = $1', [presented.id, now, next.id]);
  }
  await tx.query(
    'update user_sessions set last_activity_at = $2, expires_at = $3 where refresh_family_id = $1 and revoked_at is null',
    [presented.family_id, now, addSeconds(now, deps.auth.refreshTokenTtlSeconds)],
  );
  return {
    ok: true,
    userId: presented.user_id,
    tokens: await tokenPair(deps, presented.user_id, presented.family_id, next.token),
    retried: replacing !== presented.id,
  };
}

/** The user and family of a token, whatever its state; for logout. */
export async function findFamily(tx: Queryable, token: string): Promise<{ user_id: string; family_id: string } | undefined> {
  const { rows } = await tx.query<{ user_id: string; family_id: string }>(
    'select user_id, family_id from refresh_tokens where token_hash = $1',
    [sha256Hex(token)],
  );
  return rows[0];
}
