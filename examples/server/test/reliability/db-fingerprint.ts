/**
 * A cheap fingerprint of everything the database holds: per table, the row count and a digest of
 * every row. Taken as the owner with row-level security off (an error, not a silently filtered
 * answer, if the connection could not see every row), so any write anywhere changes it.
 */
import type { Database } from '../../src/db/database.js';

export type Fingerprint = Record<string, { rows: number; digest: string }>;

export async function fingerprint(db: Database): Promise<Fingerprint> {
  return db.transaction(async (tx) => {
    await tx.query('set local row_security = off');
    const { rows: tables } = await tx.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables
        where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
    );
    // Rows are digested one by one and the digests sorted, so the order rows come back in is irrelevant.
    const sql = tables
      .map(
        ({ name }) =>
          `select '${name.replaceAll("'", "''")}' as name, count(*)::int as rows,
                  md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '')) as digest
             from ${name} t`,
      )
      .join('\nunion all\n');
    const { rows } = await tx.query<{ name: string; rows: number; digest: string }>(sql);
    return Object.fromEntries(rows.map(({ name, rows: count, digest }) => [name, { rows: count, digest }]));
  });
}

/** The tables whose content differs, with their row counts before and after. */
export function changes(before: Fingerprint, after: Fingerprint): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((name) => before[name]?.digest !== after[name]?.digest)
    .map((name) => `${name} (${before[name]?.rows ?? 'absent'} → ${after[name]?.rows ?? 'absent'} rows)`);
}
