/**
 * API keys: `tf_<8-character prefix>_<secret>`. The prefix is stored in clear to find the key and
 * to show it in lists; the whole key is stored only as its SHA-256 and shown once, at creation.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from './secrets.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_SHAPE = /^(tf_[A-Za-z0-9]{8})_([A-Za-z0-9]{40})$/;

function randomAlphanumeric(length: number): string {
  // 62 does not divide 256: rejection sampling keeps every character equally likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): NewApiKey {
  const prefix = `tf_${randomAlphanumeric(8)}`;
  const key = `${prefix}_${randomAlphanumeric(40)}`;
  return { key, prefix, hash: sha256Hex(key) };
}

/** The prefix of a well-formed key, or undefined for anything else. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_SHAPE.exec(key)?.[1];
}

export const looksLikeApiKey = (token: string) => token.startsWith('tf_');

/** The scopes a key may carry. Write implies read within an area. */
export const SCOPES = [
  'tickets:read', 'tickets:write', 'kb:read', 'kb:write', 'chat:read', 'chat:write',
  'directory:read', 'directory:write', 'notifications:read', 'notifications:write', 'events:read', 'admin',
] as const;

export type Scope = (typeof SCOPES)[number];
