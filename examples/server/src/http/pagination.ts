/**
 * Keyset pagination. A cursor carries the sort key of the last row of a page, so the next page is
 * `WHERE (sort, id) < (…)`: as fast on page 10 000 as on page 1, and stable while rows are added.
 * Cursors are opaque (base64url JSON) and carry a fingerprint of the list's filters and sort, so a
 * cursor used with other filters is refused instead of silently returning the wrong rows.
 */
import { createHash } from 'node:crypto';
import { Problem } from './problem.js';

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

type KeyValue = string | number | null;

interface CursorPayload {
  /** Fingerprint of the list's filters and sort. */
  f: string;
  /** The sort key of the last row of the previous page. */
  k: KeyValue[];
}

/** A short stable digest of the filters a list was called with. */
export function fingerprint(list: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify([list, Object.keys(filters).sort().map((key) => [key, filters[key] ?? null])]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(fingerprintValue: string, key: KeyValue[]): string {
  const payload: CursorPayload = { f: fingerprintValue, k: key };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The key carried by `cursor`, checked against the list's fingerprint and key shape. */
export function decodeCursor(cursor: string, fingerprintValue: string, keyLength: number): KeyValue[] {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const { f, k } = (payload ?? {}) as Partial<CursorPayload>;
  if (f !== fingerprintValue) {
    throw new Problem(400, 'invalid_cursor', 'This cursor belongs to a list with other filters or another sort.');
  }
  if (!Array.isArray(k) || k.length !== keyLength || !k.every((v) => v === null || typeof v === 'string' || isKeyNumber(v))) {
    throw invalidCursor();
  }
  return k;
}

/**
 * The numbers a list puts in its cursors (ranks, versions, sequence numbers, sort orders) are far
 * inside ±8.64e15, the range of a JavaScript time value. A forged one outside it must not reach a
 * query: PGlite turns a number bound to a timestamp parameter into a Date, and throws on that range.
 */
const isKeyNumber = (value: unknown) => typeof value === 'number' && Math.abs(value) <= 8.64e15;

const invalidCursor = () => new Problem(400, 'invalid_cursor', 'The cursor is not one this list issued.');

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only tells that there is a next page.
 * `keyOf` gives the sort key of a row, encoded into the next cursor.
 */
export function toPage<Row, T>(
  rows: Row[],
  limit: number,
  fingerprintValue: string,
  keyOf: (row: Row) => KeyValue[],
  serialize: (row: Row) => T,
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(serialize),
    next_cursor: more && last ? encodeCursor(fingerprintValue, keyOf(last)) : null,
  };
}
