/**
 * `If-Match` on writes to versioned resources (tickets, KB articles). The ETag is the version as a
 * strong entity tag (`"3"`), so the header names the versions a write may apply to. The check itself is part of the write's own
 * statement (`… and version = any($versions)`), never a read before it, so two writers holding the
 * same ETag cannot both succeed.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../context.js';
import { Problem } from './problem.js';

/** A strong or weak entity tag; only strong ones can match (RFC 9110 §13.1.1). */
const ENTITY_TAG = /^(W\/)?"(\d{1,9})"$/;

/**
 * The versions the write may apply to, or `null` when any version will do (no header, or `*`,
 * which only asks that the resource exists — the write finds that out itself). An empty list is
 * possible (only weak tags) and matches nothing, as RFC 9110 says.
 */
export function ifMatchVersions(c: Context<AppEnv>): number[] | null {
  const header = c.req.header('if-match');
  if (header === undefined || header.trim() === '*') return null;
  const versions: number[] = [];
  for (const tag of header.split(',').map((part) => part.trim())) {
    const match = ENTITY_TAG.exec(tag);
    if (!match) {
      throw new Problem(400, 'validation_failed', 'If-Match must be "*" or entity tags such as "3", as sent in ETag.', [
        { location: 'header', path: 'If-Match', message: 'must be "*" or a list of entity tags such as "3"' },
      ]);
    }
    if (!match[1]) versions.push(Number(match[2]));
  }
  return versions;
}
