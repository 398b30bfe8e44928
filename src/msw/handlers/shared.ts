/** Zod building blocks for path and query parameters, with the server's messages (examples/server/src/http/schemas.ts). */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { MockProblem } from '../problems.js';
import { omit, type UserRow } from '../store.js';
import type { World } from '../world.js';

/** Any 8-4-4-4-12 hex id. */
export const id = z.guid({ error: 'must be a UUID' });

export const timestamp = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone' });

/** `limit` and `cursor`, the two parameters of every list. */
export const page = {
  limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(100).default(25),
  cursor: z.string().min(1).max(1024).optional(),
};

/** A query flag given as `true` or `false`. */
export const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

/** A filter that may be given once or repeated (`?status=open&status=pending`), up to `max` times. */
export const repeated = <T extends z.ZodType>(item: T, max?: number) =>
  z
    .union([item, max === undefined ? z.array(item) : z.array(item).max(max)])
    .transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);

/** The contract's `User`: what the server shows of a row. A lockout that has run out shows as none. */
export function toUser(row: UserRow, now: Date): components['schemas']['User'] {
  const user = omit(row, ['password', 'failed_login_attempts', 'key']);
  return { ...user, locked_until: row.locked_until !== null && Date.parse(row.locked_until) > now.getTime() ? row.locked_until : null };
}

/** users_username_key: usernames are unique case-insensitively. */
export function assertUsernameFree(world: World, username: string, except?: string): void {
  const taken = world.store.tables.users.all().some((user) => user.id !== except && user.username?.toLowerCase() === username.toLowerCase());
  if (taken) throw new MockProblem(409, 'conflict', 'A record with this username already exists.');
}

/** users_email_key: emails are unique case-insensitively. */
export function emailTaken(world: World, email: string, except?: string): boolean {
  return world.store.tables.users.all().some((user) => user.id !== except && user.email.toLowerCase() === email.toLowerCase());
}

/** An id parameter, compared as PostgreSQL compares uuids: without regard to case. */
export const idKey = id.transform((value) => value.toLowerCase());
