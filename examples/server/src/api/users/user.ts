/**
 * The `User` of the contract, and the columns it is read from. The list is explicit on purpose:
 * credential columns are not granted to the request role, and must never reach a response from the
 * server's own connection either.
 */
import type { components } from '../../../../../src/generated/api.js';
import type { UserRole } from '../../db/actor.js';
import { iso, isoOrNull } from '../../http/serialize.js';

export type User = components['schemas']['User'];

export interface UserRow {
  id: string;
  email: string;
  username: string | null;
  first_name: string;
  last_name: string;
  phone_number: string | null;
  avatar_url: string | null;
  role: UserRole;
  department_id: string | null;
  is_active: boolean;
  is_approved: boolean;
  is_email_verified: boolean;
  mfa_enabled: boolean;
  locked_until: Date | null;
  preferences: Record<string, unknown>;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const USER_COLUMNS =
  'id, email, username, first_name, last_name, phone_number, avatar_url, role, department_id, is_active, is_approved, ' +
  'is_email_verified, mfa_enabled, locked_until, preferences, last_login_at, created_at, updated_at';

/** `now` decides whether a lockout is still running: a lock that has run out is shown as none. */
export const toUser = (row: UserRow, now: Date): User => ({
  id: row.id,
  email: row.email,
  username: row.username,
  first_name: row.first_name,
  last_name: row.last_name,
  phone_number: row.phone_number,
  avatar_url: row.avatar_url,
  role: row.role,
  department_id: row.department_id,
  is_active: row.is_active,
  is_approved: row.is_approved,
  is_email_verified: row.is_email_verified,
  mfa_enabled: row.mfa_enabled,
  locked_until: row.locked_until && row.locked_until > now ? iso(row.locked_until) : null,
  preferences: row.preferences,
  last_login_at: isoOrNull(row.last_login_at),
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});
