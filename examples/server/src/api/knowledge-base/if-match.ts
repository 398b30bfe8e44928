/**
 * `If-Match` for resources whose ETag is a version number (`"3"`). Absent or `*` means "whatever
 * the current version is"; a weak or malformed tag is refused with 400 rather than silently
 * ignored, since ignoring it would turn a conditional write into an unconditional one.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../context.js';
import { Problem } from '../../http/problem.js';

/** The version the caller expects, or null when the write is unconditional. */
export function expectedVersion(c: Context<AppEnv>): number | null {
  const header = c.req.header('if-match')?.trim();
  if (header === undefined || header === '*') return null;
  const match = /^"([1-9][0-9]{0,9})"$/.exec(header);
  const version = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(version) || version > 2_147_483_647) {
    throw new Problem(400, 'validation_failed', 'If-Match must be the ETag of the resource, such as "3".', [
      { location: 'header', path: 'If-Match', message: 'must be a strong ETag such as "3"' },
    ]);
  }
  return version;
}
