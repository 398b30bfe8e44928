/**
 * What a new password must be: 12 to 256 characters (long passphrases welcome, a bound keeps
 * hashing cheap to refuse), and not the account's email address. No composition rules: length is
 * what makes a password strong, as NIST SP 800-63B says.
 */
import { z } from 'zod';
import { Problem } from '../http/problem.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export const newPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

/** A password being checked (login, current password): bounded, but never judged by the policy. */
export const anyPassword = z.string().min(1).max(1024);

/** Refuses `password` for the account `email` with a 400 naming `field`. */
export function assertPasswordAllowed(password: string, email: string, field: string): void {
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    throw new Problem(400, 'validation_failed', `${field}: must not be the email address`, [
      { location: 'body', path: field, message: 'must not be the email address' },
    ]);
  }
}
