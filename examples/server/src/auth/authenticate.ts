/**
 * Who is calling: an access token (JWT) or an API key, both sent as `Authorization: Bearer …`.
 * API keys are looked up with the server's own connection, before any actor is bound: finding out
 * who the caller is cannot itself run as the caller.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv, Principal } from '../context.js';
import { Problem } from '../http/problem.js';
import { verifyAccessToken } from './access-tokens.js';
import { apiKeyPrefix, looksLikeApiKey } from './api-keys.js';
import { sameDigest, sha256Hex } from './secrets.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="ticketflow"' };

const unauthenticated = (detail: string, code: 'unauthenticated' | 'token_expired' = 'unauthenticated') =>
  new Problem(401, code, detail, undefined, CHALLENGE);

export function authenticate(deps: Pick<AppDeps, 'db' | 'auth' | 'clock'>): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    c.set('principal', await principalOf(c, deps));
    await next();
  };
}

async function principalOf(c: Context<AppEnv>, deps: Pick<AppDeps, 'db' | 'auth' | 'clock'>): Promise<Principal> {
  const header = c.req.header('authorization');
  if (!header) throw unauthenticated('Send an access token or an API key as a Bearer token.');
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(header.trim());
  const token = match?.[1];
  if (!token) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  if (looksLikeApiKey(token)) return apiKeyPrincipal(deps, token);

  const verified = await verifyAccessToken(deps.auth, deps.clock, token);
  if (!verified.ok) {
    throw verified.reason === 'expired'
      ? unauthenticated('The access token has expired; refresh it.', 'token_expired')
      : unauthenticated('The access token is invalid.');
  }
  return { userId: verified.claims.userId, via: 'access_token', scopes: null, sessionId: verified.claims.sessionId };
}

interface ApiKeyRow {
  id: string;
  user_id: string;
  key_hash: string;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

async function apiKeyPrincipal(deps: Pick<AppDeps, 'db' | 'clock'>, key: string): Promise<Principal> {
  const invalid = unauthenticated('The API key is invalid, revoked or expired.');
  const prefix = apiKeyPrefix(key);
  if (!prefix) throw invalid;
  const { rows } = await deps.db.query<ApiKeyRow>(
    'select id, user_id, key_hash, scopes, expires_at, revoked_at, last_used_at from api_keys where prefix = $1',
    [prefix],
  );
  const row = rows[0];
  const now = deps.clock.now();
  if (!row || !sameDigest(row.key_hash, sha256Hex(key)) || row.revoked_at || (row.expires_at && row.expires_at <= now)) {
    throw invalid;
  }
  // Recorded at most once a minute: a busy integration should not write on every request.
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await deps.db.query('update api_keys set last_used_at = $2 where id = $1', [row.id, now]);
  }
  return { userId: row.user_id, via: 'api_key', scopes: new Set(row.scopes), apiKeyId: row.id };
}
