/**
 * Short-lived access tokens: HS256 JWTs (jose) that name the user and the login session. The role
 * is deliberately not trusted from the token: every request reads it from the database when the
 * actor is bound, so a demotion takes effect at once.
 */
import { webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { AuthSettings } from '../context.js';
import type { Clock } from '../clock.js';
import { verifiedTokens } from './verified-tokens.js';

const ISSUER = 'ticketflow';
const AUDIENCE = 'ticketflow-api';

/**
 * The HMAC key as WebCrypto's key object, imported once per secret: jose imports raw bytes again on
 * every call, which cost more than the signature itself (a hot path: every request verifies).
 */
const keys = new WeakMap<Uint8Array, Promise<webcrypto.CryptoKey>>();

function hmacKey(secret: Uint8Array): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export async function signAccessToken(settings: AuthSettings, clock: Clock, claims: AccessClaims): Promise<string> {
  const now = Math.floor(clock.now().getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + settings.accessTokenTtlSeconds)
    .sign(await hmacKey(settings.jwtSecret));
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

export async function verifyAccessToken(settings: AuthSettings, clock: Clock, token: string): Promise<VerifyResult> {
  const verified = verifiedTokens(settings.jwtSecret);
  const now = clock.now();
  const known = verified.recall(token, now);
  if (known.found) return known.expired ? { ok: false, reason: 'expired' } : { ok: true, claims: known.claims };
  try {
    const { payload } = await jwtVerify(token, await hmacKey(settings.jwtSecret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return { ok: false, reason: 'invalid' };
    const claims = { userId: payload.sub, sessionId: payload.sid };
    // Only what this server signs: an expiry and no "not before", so time can only make it expire.
    if (typeof payload.exp === 'number' && payload.nbf === undefined) verified.remember(token, claims, payload.exp);
    return { ok: true, claims };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
