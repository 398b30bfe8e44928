/**
 * Deterministic ids and secrets from a seed: the same seed and the same calls give the same ids,
 * run after run, so snapshots and assertions on ids are stable. Ids are UUID v4 in form (version
 * and variant bits set) so code that validates them accepts them. Secrets (tokens, keys) come from
 * a stream of their own, so logging in does not shift the ids of the rows written after it.
 */

/** A source of ids and secrets. */
export interface IdSource {
  /** A UUID (v4 format). */
  uuid(): string;
  /** `length` characters of `[A-Za-z0-9]`, for tokens and keys. */
  secret(length: number): string;
}

/** 32-bit FNV-1a of a string: turns any seed into a PRNG state. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for ids that only need to be distinct and repeatable. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function createIds(seed: string | number): IdSource {
  const ids = generator(hash(`ids:${String(seed)}`));
  const secrets = generator(hash(`secrets:${String(seed)}`));
  return {
    uuid() {
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 16; i += 4) {
        const word = ids();
        bytes[i] = word >>> 24;
        bytes[i + 1] = (word >>> 16) & 0xff;
        bytes[i + 2] = (word >>> 8) & 0xff;
        bytes[i + 3] = word & 0xff;
      }
      bytes[6] = (bytes[6]! & 0x0f) | 0x40;
      bytes[8] = (bytes[8]! & 0x3f) | 0x80;
      const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    secret(length) {
      let out = '';
      while (out.length < length) out += ALPHABET[secrets() % ALPHABET.length];
      return out;
    },
  };
}
