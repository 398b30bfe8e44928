/** Ticket and history rows as the database returns them, and as the contract shows them. */
import type { components } from '../../../../../src/generated/api.js';
import { iso, isoOrNull, numberOrNull } from '../../http/serialize.js';

type Ticket = components['schemas']['Ticket'];
type TicketHistoryEntry = components['schemas']['TicketHistoryEntry'];

export interface TicketRow {
  id: string;
  ticket_number: string;
  title: string;
  description: string;
  status: Ticket['status'];
  priority: Ticket['priority'];
  category_id: string | null;
  impact_level: Ticket['impact_level'];
  requester_id: string;
  created_by: string;
  assignee_id: string | null;
  team_id: string | null;
  department_id: string | null;
  due_at: Date | null;
  /** `numeric`: a string from both drivers. */
  estimated_hours: string | number | null;
  actual_hours: string | number | null;
  resolution_notes: string | null;
  environment: string | null;
  affected_services: string[];
  metadata: Record<string, unknown>;
  sla_policy_id: string | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  first_responded_at: Date | null;
  sla_breached_at: Date | null;
  escalation_level: number;
  reopen_count: number;
  version: number;
  last_updated_by: string | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  tag_ids: string[];
}

/**
 * The select list of a ticket, for a query whose `tickets` is aliased `t`. Tags come from
 * `ticket_tags` under its own policy, which shows them to staff only.
 */
export const TICKET_COLUMNS = `t.id, t.ticket_number, t.title, t.description, t.status, t.priority, t.category_id,
  t.impact_level, t.requester_id, t.created_by, t.assignee_id, t.team_id, t.department_id, t.due_at,
  t.estimated_hours, t.actual_hours, t.resolution_notes, t.environment, t.affected_services, t.metadata,
  t.sla_policy_id, t.first_response_due_at, t.resolution_due_at, t.first_responded_at, t.sla_breached_at,
  t.escalation_level, t.reopen_count, t.version, t.last_updated_by, t.created_at, t.updated_at,
  t.resolved_at, t.closed_at,
  array(select tt.tag_id from ticket_tags tt where tt.ticket_id = t.id order by tt.tag_id) as tag_ids`;

export const toTicket = (row: TicketRow): Ticket => ({
  id: row.id,
  ticket_number: row.ticket_number,
  title: row.title,
  description: row.description,
  status: row.status,
  priority: row.priority,
  category_id: row.category_id,
  impact_level: row.impact_level,
  requester_id: row.requester_id,
  created_by: row.created_by,
  assignee_id: row.assignee_id,
  team_id: row.team_id,
  department_id: row.department_id,
  due_at: isoOrNull(row.due_at),
  estimated_hours: numberOrNull(row.estimated_hours),
  actual_hours: numberOrNull(row.actual_hours),
  resolution_notes: row.resolution_notes,
  environment: row.environment,
  affected_services: row.affected_services,
  metadata: row.metadata,
  tag_ids: row.tag_ids,
  sla: {
    policy_id: row.sla_policy_id,
    first_response_due_at: isoOrNull(row.first_response_due_at),
    resolution_due_at: isoOrNull(row.resolution_due_at),
    first_responded_at: isoOrNull(row.first_responded_at),
    breached_at: isoOrNull(row.sla_breached_at),
  },
  escalation_level: row.escalation_level,
  reopen_count: row.reopen_count,
  version: row.version,
  last_updated_by: row.last_updated_by,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
  resolved_at: isoOrNull(row.resolved_at),
  closed_at: isoOrNull(row.closed_at),
});

export interface HistoryRow {
  id: string;
  /** `bigint`: a string from pg. */
  seq: string | number;
  ticket_id: string;
  actor_id: string | null;
  action: TicketHistoryEntry['action'];
  field: string | null;
  old_value: unknown;
  new_value: unknown;
  is_internal: boolean;
  reason: string | null;
  created_at: Date;
}

/** Client address and user agent stay out: they are audit data about staff, not ticket data. */
export const HISTORY_COLUMNS = 'id, seq, ticket_id, actor_id, action, field, old_value, new_value, is_internal, reason, created_at';

export const toHistoryEntry = (row: HistoryRow): TicketHistoryEntry => ({
  id: row.id,
  seq: Number(row.seq),
  ticket_id: row.ticket_id,
  actor_id: row.actor_id,
  action: row.action,
  field: row.field,
  old_value: row.old_value,
  new_value: row.new_value,
  is_internal: row.is_internal,
  reason: row.reason,
  created_at: iso(row.created_at),
});
