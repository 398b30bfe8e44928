/**
 * `GET /v1/sla/tickets`: open tickets under an SLA policy with their live SLA state, most urgent
 * first.
 *
 * Two passes. SQL narrows and orders the tickets on what the SLA engine stored on them
 * (`first_response_due_at`, `resolution_due_at`, `sla_breached_at`, `sla_policy_id`); every filter
 * there is a superset of the one asked for. The live state is then computed per ticket and the
 * filter applied exactly. Because the second pass may drop rows, a page is read in chunks until it
 * is full (or enough has been read for one request), and the cursor carries the sort key of the last
 * ticket the page covers, so the next page goes on from there whatever was dropped.
 */
import type { components } from '../../../../../src/generated/api.js';
import type { Queryable } from '../../db/database.js';
import { decodeCursor, encodeCursor, fingerprint, type Page } from '../../http/pagination.js';
import { loadTicketSlas } from '../../sla/load-ticket-sla.js';
import { ticketSlaState } from '../../sla/ticket-sla-state.js';

type SlaTicketState = components['schemas']['SlaTicketState'];
type SlaTicketListItem = components['schemas']['SlaTicketListItem'];
export type SlaListStatus = components['schemas']['SlaTicketListStatus'];
type TicketStatus = components['schemas']['TicketStatus'];
type TicketPriority = components['schemas']['TicketPriority'];

export interface SlaListQuery {
  limit: number;
  cursor?: string | undefined;
  status?: SlaListStatus[] | undefined;
  breaching_within?: number | undefined;
  assignee_id?: string | undefined;
  team_id?: string | undefined;
  priority?: TicketPriority[] | undefined;
}

/** Tickets read from SQL per round; a page reads at most {@link MAX_CHUNKS} rounds. */
const CHUNK = 100;
const MAX_CHUNKS = 10;
const MINUTE = 60_000;

/**
 * The next due time of a target still open whose clock runs, from the stored columns: the first
 * response until it is met, the resolution unless paused. The live counterpart is {@link nextDueAt}.
 */
const NEXT_DUE = `least(case when t.first_responded_at is null then t.first_response_due_at end,
                        case when t.status <> 'pending' then t.resolution_due_at end)`;
// tickets_sla_next_due_idx (migration 0016) indexes this expression verbatim, so a page is read in
// order from the index: change one, change the other.
const SORT_KEY = `coalesce(${NEXT_DUE}, 'infinity'::timestamptz)`;

/**
 * Per SLA status, a condition on the stored columns that every ticket in that status meets (it may
 * let others through; the live state decides). `now()` adds the app clock's now as a parameter.
 */
const STATUS_PREFILTER: Record<SlaListStatus, (now: () => string) => string> = {
  breached: (now) =>
    `(t.sla_breached_at is not null or t.first_response_due_at < coalesce(t.first_responded_at, ${now()})
      or t.resolution_due_at < ${now()})`,
  // At risk is measured in business minutes, which SQL cannot bound by calendar time: only the
  // policy's having a threshold narrows it.
  at_risk: () =>
    `(t.sla_breached_at is null and exists (
       select 1 from sla_policies p where p.id = t.sla_policy_id and p.escalation_threshold_minutes is not null))`,
  paused: () => `t.status = 'pending'`,
  running: () => `(t.sla_breached_at is null and t.status <> 'pending')`,
};

/** A sort key: the next due time (as text) and the ticket id. */
type Key = (string | number | null)[];

interface Row {
  id: string;
  ticket_number: string;
  title: string;
  status: TicketStatus;
  priority: TicketPriority;
  assignee_id: string | null;
  team_id: string | null;
  k0: string;
  k1: string;
}

/** Where a ticket's SLA stands as a whole; `null` when no policy applies to it. */
export function slaListStatus(state: SlaTicketState): SlaListStatus | null {
  if (state.policy === null) return null;
  if (state.breached_at !== null) return 'breached';
  if (state.first_response.status === 'at_risk' || state.resolution.status === 'at_risk') return 'at_risk';
  if (state.paused) return 'paused';
  return 'running';
}

/** The earliest due time of a target not yet met whose clock runs, or `null`. */
export function nextDueAt(state: SlaTicketState): string | null {
  const candidates: string[] = [];
  if (state.first_response.responded_at === null && state.first_response.due_at !== null) candidates.push(state.first_response.due_at);
  const resolutionRuns = ['running', 'at_risk', 'breached'].includes(state.resolution.status);
  if (state.resolution.resolved_at === null && resolutionRuns && state.resolution.due_at !== null) candidates.push(state.resolution.due_at);
  return candidates.reduce<string | null>((min, at) => (min === null || Date.parse(at) < Date.parse(min) ? at : min), null);
}

/** A page of SLA states for the caller (row-level security decides which tickets they see). */
export async function listSlaStates(tx: Queryable, query: SlaListQuery, now: Date): Promise<Page<SlaTicketListItem>> {
  const print = fingerprint('sla-states', normalisedFilters(query));
  let after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;

  const kept: { item: SlaTicketListItem; key: Key }[] = [];
  const page = (next: Key | null): Page<SlaTicketListItem> => ({
    data: kept.map(({ item }) => item),
    next_cursor: next ? encodeCursor(print, next) : null,
  });
  for (let round = 0; round < MAX_CHUNKS; round += 1) {
    const rows = await fetchChunk(tx, query, now, after);
    const inputs = await loadTicketSlas(tx, rows.map((row) => row.id));
    for (const row of rows) {
      const input = inputs.get(row.id);
      if (!input) continue;
      const item = toItem(row, ticketSlaState(input.ticket, input.policy, now));
      if (!item || !matches(item, query, now)) continue;
      if (kept.length === query.limit) return page(kept.at(-1)!.key);
      kept.push({ item, key: [row.k0, row.k1] });
    }
    const last = rows.at(-1);
    if (rows.length < CHUNK || !last) return page(null);
    after = [last.k0, last.k1];
  }
  // Enough read for one request: hand back what was found, and go on after the last ticket read.
  return page(after);
}

async function fetchChunk(tx: Queryable, query: SlaListQuery, now: Date, after: Key | null): Promise<Row[]> {
  const params: unknown[] = [];
  const param = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  // Only when a filter reads it: PostgreSQL refuses parameters a statement does not use.
  let nowRef: string | undefined;
  const nowParam = () => (nowRef ??= param(now.toISOString(), 'timestamptz'));
  const where = [`t.status not in ('resolved', 'closed')`, 't.sla_policy_id is not null'];
  if (query.status && query.status.length > 0) {
    where.push(`(${[...new Set(query.status)].map((status) => STATUS_PREFILTER[status](nowParam)).join(' or ')})`);
  }
  if (query.breaching_within !== undefined) {
    const horizon = param(new Date(now.getTime() + query.breaching_within * MINUTE).toISOString(), 'timestamptz');
    where.push(`t.sla_breached_at is null and ${NEXT_DUE} <= ${horizon}`);
  }
  if (query.assignee_id === 'none') where.push('t.assignee_id is null');
  else if (query.assignee_id) where.push(`t.assignee_id = ${param(query.assignee_id, 'uuid')}`);
  if (query.team_id) where.push(`t.team_id = ${param(query.team_id, 'uuid')}`);
  if (query.priority) where.push(`t.priority = any(${param(`{${query.priority.join(',')}}`, 'ticket_priority[]')})`);
  if (after) {
    const key = param(after[0], 'timestamptz');
    where.push(`${SORT_KEY} >= ${key}`, `(${SORT_KEY}, t.id) > (${key}, ${param(after[1], 'uuid')})`);
  }
  const { rows } = await tx.query<Row>(
    `select t.id, t.ticket_number, t.title, t.status, t.priority, t.assignee_id, t.team_id,
            (${SORT_KEY})::text as k0, t.id::text as k1
       from tickets t
      where ${where.join('\n        and ')}
      order by ${SORT_KEY}, t.id
      limit ${CHUNK}`,
    params,
  );
  return rows;
}

function toItem(row: Row, state: SlaTicketState): SlaTicketListItem | null {
  const slaStatus = slaListStatus(state);
  if (slaStatus === null) return null;
  return {
    ticket_id: row.id,
    ticket_number: row.ticket_number,
    title: row.title,
    ticket_status: row.status,
    priority: row.priority,
    assignee_id: row.assignee_id,
    team_id: row.team_id,
    sla_status: slaStatus,
    next_due_at: nextDueAt(state),
    sla: state,
  };
}

function matches(item: SlaTicketListItem, query: SlaListQuery, now: Date): boolean {
  if (query.status && query.status.length > 0 && !query.status.includes(item.sla_status)) return false;
  if (query.breaching_within !== undefined) {
    if (item.sla.breached_at !== null || item.next_due_at === null) return false;
    if (Date.parse(item.next_due_at) > now.getTime() + query.breaching_within * MINUTE) return false;
  }
  return true;
}

/** The filters a cursor is bound to; repeated values in any order are the same filter. */
function normalisedFilters(query: SlaListQuery): Record<string, unknown> {
  const sorted = (values: string[] | undefined) => (values ? [...new Set(values)].sort() : undefined);
  return {
    status: sorted(query.status),
    breaching_within: query.breaching_within,
    assignee_id: query.assignee_id?.toLowerCase(),
    team_id: query.team_id?.toLowerCase(),
    priority: sorted(query.priority),
  };
}
