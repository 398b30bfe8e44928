/**
 * Why a write matched no row. Row-level security filters UPDATE and DELETE silently, so "0 rows"
 * means either the row is invisible to the caller (404, exactly as if it did not exist) or visible
 * but not theirs to change (403). One extra read tells the two apart.
 */
import type { Queryable } from '../db/database.js';
import { isDatabaseError } from './database-errors.js';
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

/**
 * Row-level security refusing an INSERT (or an UPDATE's new row): SQLSTATE 42501 with PostgreSQL's
 * own message, which names no reason. A guard trigger's 42501 carries its own message and is not
 * one of these.
 */
export function isRlsRefusal(error: unknown): boolean {
  return isDatabaseError(error) && error.code === '42501' && error.message.includes('row-level security');
}

/** Runs a write whose one possible RLS refusal the route can name: that refusal becomes a 403 saying `detail`. */
export async function forbiddenUnless<T>(write: Promise<T>, detail: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isRlsRefusal(error)) throw forbidden(detail);
    throw error;
  }
}
