/**
 * Secrets handed to clients (refresh tokens, reset tokens, invitation tokens, API keys) are random
 * and long, so a fast SHA-256 is the right way to store them: unlike passwords there is nothing to
 * brute-force. Only the digest is ever written to the database.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
