/**
 * Keyset pagination as the server pages: a page is `{ data, next_cursor }`, the cursor is opaque
 * base64url JSON holding the sort key of the page's last row and a fingerprint of the list's
 * filters, so a cursor used with other filters is refused (400 `invalid_cursor`) as the server
 * refuses it. The mock's cursors are not the server's (no Node crypto here), and need not be.
 */
import { MockProblem } from './problems.js';

/** A page of a list. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type KeyValue = string | number | null;

interface CursorPayload {
  f: string;
  k: KeyValue[];
}

function hash32(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** A short stable digest of the filters a list was called with. */
export function fingerprint(list: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify([list, Object.keys(filters).sort().map((key) => [key, filters[key] ?? null])]);
  return hash32(canonical, 0x811c9dc5) + hash32(canonical, 0x01234567);
}

function toBase64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

const invalidCursor = () => new MockProblem(400, 'invalid_cursor', 'The cursor is not one this list issued.');

export function encodeCursor(print: string, key: KeyValue[]): string {
  const payload: CursorPayload = { f: print, k: key };
  return toBase64url(JSON.stringify(payload));
}

/** The key carried by `cursor`, checked against the list's fingerprint and key shape. */
export function decodeCursor(cursor: string, print: string, keyLength: number): KeyValue[] {
  let payload: unknown;
  try {
    payload = JSON.parse(fromBase64url(cursor));
  } catch {
    throw invalidCursor();
  }
  const { f, k } = (payload ?? {}) as Partial<CursorPayload>;
  if (f !== print) throw new MockProblem(400, 'invalid_cursor', 'This cursor belongs to a list with other filters or another sort.');
  if (!Array.isArray(k) || k.length !== keyLength || !k.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) throw invalidCursor();
  return k;
}

/** Compares sort keys element by element (null sorts last, as `infinity` does on the server). */
export function compareKeys(a: readonly KeyValue[], b: readonly KeyValue[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * One page of `rows`: sorted by `keyOf` (descending when asked), starting after the cursor's key,
 * `limit` long, with the next cursor when more rows follow.
 */
export function paginate<Row, T>(
  rows: readonly Row[],
  options: {
    limit: number;
    cursor?: string | undefined;
    print: string;
    descending?: boolean;
    /** The number of values in a sort key (the id included). */
    keyLength: number;
    keyOf: (row: Row) => KeyValue[];
    serialize: (row: Row) => T;
  },
): Page<T> {
  const { limit, print, keyOf, serialize } = options;
  const sign = options.descending ? -1 : 1;
  const after = options.cursor === undefined ? null : decodeCursor(options.cursor, print, options.keyLength);
  const sorted = [...rows].sort((a, b) => sign * compareKeys(keyOf(a), keyOf(b)));
  const remaining = after ? sorted.filter((row) => sign * compareKeys(keyOf(row), after) > 0) : sorted;
  const pageRows = remaining.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(serialize),
    next_cursor: remaining.length > limit && last ? encodeCursor(print, keyOf(last)) : null,
  };
}
