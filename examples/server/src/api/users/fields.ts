/** Input rules for people's fields, the same as the database's checks so that input fails as a 400 naming the field. */
import { z } from 'zod';

/**
 * The `users_email_format` check of the database, narrowed to what the contract's `format: email`
 * allows: no empty dot-separated part (`a..b@x.com`, `a@example..com`, `.a@x.com`) and no domain
 * label that starts or ends with a hyphen. Every address it accepts passes the database's check.
 */
const EMAIL_PATTERN = /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

export const emailAddress = z.string().trim().max(255).regex(EMAIL_PATTERN, 'must be an email address');
export const personName = z.string().trim().max(100);
export const username = z.string().regex(/^[A-Za-z0-9._-]{2,50}$/, 'must be 2 to 50 letters, digits, dots, hyphens or underscores').nullable();
export const phoneNumber = z.string().trim().max(20).nullable();
export const avatarUrl = z.string().trim().max(500).nullable();
export const preferences = z
  .record(z.string(), z.unknown())
  .refine((value) => Object.keys(value).length <= 50, 'must have at most 50 keys');
