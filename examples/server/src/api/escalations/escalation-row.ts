/** Escalation rows as the database returns them, and as the contract shows them. */
import type { components } from '../../../../../src/generated/api.js';
import { iso, isoOrNull } from '../../http/serialize.js';

export type Escalation = components['schemas']['Escalation'];

export interface EscalationRow {
  id: string;
  ticket_id: string;
  from_user_id: string | null;
  to_user_id: string | null;
  reason: string;
  escalation_level: number;
  escalation_type: Escalation['escalation_type'];
  status: Escalation['status'];
  resolution_notes: string | null;
  escalated_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  cancelled_at: Date | null;
  updated_at: Date;
}

export const ESCALATION_COLUMNS =
  'id, ticket_id, from_user_id, to_user_id, reason, escalation_level, escalation_type, status, resolution_notes, ' +
  'escalated_at, acknowledged_at, resolved_at, cancelled_at, updated_at';

export const toEscalation = (row: EscalationRow): Escalation => ({
  id: row.id,
  ticket_id: row.ticket_id,
  from_user_id: row.from_user_id,
  to_user_id: row.to_user_id,
  reason: row.reason,
  escalation_level: row.escalation_level,
  escalation_type: row.escalation_type,
  status: row.status,
  resolution_notes: row.resolution_notes,
  escalated_at: iso(row.escalated_at),
  acknowledged_at: isoOrNull(row.acknowledged_at),
  resolved_at: isoOrNull(row.resolved_at),
  cancelled_at: isoOrNull(row.cancelled_at),
  updated_at: iso(row.updated_at),
});
