/** The `Invitation` of the contract and the columns it is read from; the token digest is never among them. */
import type { components } from '../../../../../src/generated/api.js';
import type { UserRole } from '../../db/actor.js';
import { iso, isoOrNull } from '../../http/serialize.js';

export type Invitation = components['schemas']['Invitation'];
export type InvitationStatus = components['schemas']['InvitationStatus'];

export interface InvitationRow {
  id: string;
  email: string;
  role: UserRole;
  department_id: string | null;
  invited_by: string;
  status: InvitationStatus;
  expires_at: Date;
  accepted_at: Date | null;
  created_at: Date;
}

export const INVITATION_COLUMNS = 'id, email, role, department_id, invited_by, status, expires_at, accepted_at, created_at';

/**
 * A pending invitation past its expiry is stored as pending (nothing runs at the moment it
 * expires) but is `expired` to everyone reading it.
 */
export const effectiveStatus = (row: Pick<InvitationRow, 'status' | 'expires_at'>, now: Date): InvitationStatus =>
  row.status === 'pending' && row.expires_at <= now ? 'expired' : row.status;

export const toInvitation = (row: InvitationRow, now: Date): Invitation => ({
  id: row.id,
  email: row.email,
  role: row.role,
  department_id: row.department_id,
  invited_by: row.invited_by,
  status: effectiveStatus(row, now),
  expires_at: iso(row.expires_at),
  accepted_at: isoOrNull(row.accepted_at),
  created_at: iso(row.created_at),
});
