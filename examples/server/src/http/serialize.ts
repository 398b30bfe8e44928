/** Turning database values into contract values. */

/** RFC 3339 in UTC. Both drivers return `timestamptz` as a Date. */
export const iso = (value: Date) => value.toISOString();

export const isoOrNull = (value: Date | null) => (value ? value.toISOString() : null);

/** `date` columns: PGlite and pg both parse them as a Date at local midnight, so format locally. */
export function dateOnly(value: Date | string): string {
  if (typeof value === 'string') return value.slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/** `numeric` and `bigint` columns arrive as strings from pg (to keep precision); the contract has numbers. */
export const numberOrNull = (value: string | number | bigint | null) => (value === null ? null : Number(value));

/** A strong ETag from a version number. */
export const etag = (version: number) => `"${version}"`;
