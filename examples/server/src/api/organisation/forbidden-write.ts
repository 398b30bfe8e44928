/**
 * Row-level security refuses an INSERT (or an UPDATE's new row) with SQLSTATE 42501, which the
 * error handler answers with a generic 403. Routes that know who may make the change wrap the write
 * to say so instead.
 */
import { isDatabaseError } from '../../http/database-errors.js';
import { forbidden } from '../../http/problem.js';

export async function forbiddenUnless<T>(write: Promise<T>, detail: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isDatabaseError(error) && error.code === '42501') throw forbidden(detail);
    throw error;
  }
}
