/**
 * Verifying access tokens, including the ones remembered from an earlier request: a remembered
 * token expires exactly when a fresh verification would say so, only the exact string that was
 * verified is accepted, and what one key verified means nothing to another.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTH } from '../src/app.js';
import { signAccessToken, verifyAccessToken } from '../src/auth/access-tokens.js';
import type { AuthSettings } from '../src/context.js';
import { testClock } from './support/api-harness.js';

const settings = (): AuthSettings => ({ ...DEFAULT_AUTH, accessTokenTtlSeconds: 60, jwtSecret: randomBytes(32) });
const claims = { userId: randomUUID(), sessionId: randomUUID() };

describe('access tokens', () => {
  it('refuses a token it has verified before once its expiry comes, at the same second as a first verification would', async () => {
    const clock = testClock(new Date('2030-01-01T00:00:00Z'));
    const auth = settings();
    const token = await signAccessToken(auth, clock, claims);
    expect(await verifyAccessToken(auth, clock, token)).toEqual({ ok: true, claims });
    clock.advance(59);
    expect(await verifyAccessToken(auth, clock, token)).toEqual({ ok: true, claims });
    clock.advance(1);
    expect(await verifyAccessToken(auth, clock, token)).toEqual({ ok: false, reason: 'expired' });
    // Never seen before and verified from scratch: the same answer.
    const twin = await signAccessToken(auth, testClock(new Date('2030-01-01T00:00:00Z')), { ...claims, sessionId: randomUUID() });
    expect(await verifyAccessToken(auth, clock, twin)).toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts only the exact token it verified, not one with other claims under the same signature', async () => {
    const clock = testClock();
    const auth = settings();
    const token = await signAccessToken(auth, clock, claims);
    expect((await verifyAccessToken(auth, clock, token)).ok).toBe(true);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
    forged.sub = randomUUID();
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    expect(await verifyAccessToken(auth, clock, tampered)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('does not accept under another key a token the first key verified', async () => {
    const clock = testClock();
    const first = settings();
    const token = await signAccessToken(first, clock, claims);
    expect((await verifyAccessToken(first, clock, token)).ok).toBe(true);
    expect(await verifyAccessToken(settings(), clock, token)).toEqual({ ok: false, reason: 'invalid' });
  });
});
