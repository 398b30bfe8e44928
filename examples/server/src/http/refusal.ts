/**
 * Why a write matched no row. Row-level security filters UPDATE and DELETE silently, so "0 rows"
 * means either the row is invisible to the caller (404, exactly as if it did not exist) or visible
 * but not theirs to change (403). One extra read tells the two apart.
 */
import type { Queryable } from '../db/database.js';
import { forbidden, notFound } from './problem.js';

/**
 * @param table a table name from the calling code, never from input.
 * @param what how the 404 names the row ("ticket", "category").
 * @param detail why the caller may not change it.
 */
export async function refusal(tx: Queryable, table: string, id: string, what: string, detail: string) {
  const { rows } = await tx.query(`select 1 from ${table} where id = $1`, [id]);
  return rows.length > 0 ? forbidden(detail) : notFound(what);
}
