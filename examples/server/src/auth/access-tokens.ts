/**
 * Short-lived access tokens: HS256 JWTs (jose) that name the user and the login session. The role
 * is deliberately not trusted from the token: every request reads it from the database when the
 * actor is bound, so a demotion takes effect at once.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import type { AuthSettings } from '../context.js';
import type { Clock } from '../clock.js';

const ISSUER = 'ticketflow';
const AUDIENCE = 'ticketflow-api';

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
    .sign(settings.jwtSecret);
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

export async function verifyAccessToken(settings: AuthSettings, clock: Clock, token: string): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, settings.jwtSecret, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: clock.now(),
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { userId: payload.sub, sessionId: payload.sid } };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
