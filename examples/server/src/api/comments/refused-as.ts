/**
 * Row-level security refusing a write surfaces as a generic 403 ("You may not make this change.").
 * Where the operation knows the one rule that can refuse it, it says so instead.
 */
import { isDatabaseError } from '../../http/database-errors.js';
import { forbidden } from '../../http/problem.js';

/** For `.catch()` on a write: an RLS refusal becomes a 403 with `detail`; anything else passes. */
export const refusedAs = (detail: string) => (error: unknown) => {
  if (isDatabaseError(error) && error.code === '42501' && error.message.includes('row-level security')) throw forbidden(detail);
  throw error;
};
