/** Zod building blocks shared by every route's input schemas. */
import { z } from 'zod';

/** Any 8-4-4-4-12 hex id, as JSON Schema's `format: uuid` accepts. */
export const id = z.guid({ error: 'must be a UUID' });

export const timestamp = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone' });

export const date = z.iso.date({ error: 'must be a date (YYYY-MM-DD)' });

/** `limit` and `cursor`, the two parameters of every list. */
export const page = {
  limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(100).default(25),
  cursor: z.string().min(1).max(1024).optional(),
};

/** A query flag given as `true` or `false`. */
export const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

/** A filter that may be given once or repeated (`?status=open&status=pending`). */
export const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);

/** A URL-friendly name: lower-case words joined by hyphens, as the database's checks require. */
export const slugSchema = (max: number) =>
  z.string().max(max).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');
