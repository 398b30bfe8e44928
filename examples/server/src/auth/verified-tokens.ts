/**
 * Access tokens already verified, so that a client's further requests with the same token skip the
 * signature check (WebCrypto's HMAC verify was the costliest step of authenticating a request).
 * Remembering is safe because only time invalidates an access token: none is ever revoked (the
 * caller's role and whether the account may act are read from the database on every request, see
 * `bindActor`), a given string's signature under a given key never changes, and the expiry is
 * checked again on every use. Entries are keyed by the whole token, so only the exact string that
 * passed verification is accepted, and they are kept per key, so another key accepts none of them.
 */
import type { AccessClaims } from './access-tokens.js';

/** Tokens remembered per key at most; the oldest is forgotten first (it is verified again if it comes back). */
const MAX_REMEMBERED_TOKENS = 10_000;

interface Remembered {
  claims: AccessClaims;
  /** The `exp` claim: seconds since the epoch. */
  expiresAt: number;
}

export type Recall = { found: false } | { found: true; expired: false; claims: AccessClaims } | { found: true; expired: true };

export interface VerifiedTokens {
  /** What was remembered about `token`, its expiry judged at `now` exactly as jose judges it (`exp <= now` has expired). */
  recall(token: string, now: Date): Recall;
  remember(token: string, claims: AccessClaims, expiresAt: number): void;
}

const byKey = new WeakMap<Uint8Array, VerifiedTokens>();

/** The tokens verified with `secret`. */
export function verifiedTokens(secret: Uint8Array): VerifiedTokens {
  let tokens = byKey.get(secret);
  if (!tokens) {
    tokens = createVerifiedTokens();
    byKey.set(secret, tokens);
  }
  return tokens;
}

function createVerifiedTokens(): VerifiedTokens {
  const entries = new Map<string, Remembered>();
  return {
    recall(token, now) {
      const entry = entries.get(token);
      if (!entry) return { found: false };
      if (entry.expiresAt <= Math.floor(now.getTime() / 1000)) return { found: true, expired: true };
      return { found: true, expired: false, claims: entry.claims };
    },
    remember(token, claims, expiresAt) {
      if (entries.size >= MAX_REMEMBERED_TOKENS) entries.delete(entries.keys().next().value!);
      entries.set(token, { claims, expiresAt });
    },
  };
}
