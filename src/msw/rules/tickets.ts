/**
 * Writing tickets as the server's database does: the insert trigger (numbering, initial state),
 * the row-level security checks, the update trigger (what customers may change, the status
 * workflow, versions), the history and events the after-triggers write, and the foreign keys.
 * Handlers call these; they never change a ticket row themselves.
 */
import type { components } from '../../generated/api.js';
import { forbidden, MAY_NOT_MAKE_CHANGE, MockProblem, notFound, unknownReference } from '../problems.js';
import { omit, type TicketRow } from '../store.js';
import { isStaff, type Actor, type Work } from '../world.js';
import { canSeeTicket, mayDeleteTicket, mayInsertTicket, mayKeepTicket, mayUpdateTicket, visibleTicket } from './policies.js';
import { deleteAttachmentsOf } from './attachments.js';
import { deleteFeedbackOf } from './feedback.js';
import { assertNoArticleFrom } from './kb.js';
import { emit, jsonb, pgJsonTime, recordHistory } from './trail.js';

type Schemas = components['schemas'];
type TicketStatus = Schemas['TicketStatus'];

/** app.ticket_next_statuses: new → open → in_progress ⇄ pending → resolved → closed; reopen to open. */
export const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open'],
  open: ['in_progress'],
  in_progress: ['pending', 'resolved'],
  pending: ['in_progress', 'resolved'],
  resolved: ['closed', 'open'],
  closed: ['open'],
};

/** Changes a write makes: contract fields, with the SLA ones flat as the table's columns. */
export type TicketChange = Partial<Omit<TicketRow, 'sla'>> & { sla?: Partial<TicketRow['sla']> };

const TIME_COLUMNS = new Set([
  'due_at', 'first_response_due_at', 'resolution_due_at', 'first_responded_at', 'sla_breached_at',
  'created_at', 'updated_at', 'resolved_at', 'closed_at',
]);

/** Columns whose changes customers do not see in the history (app.ticket_internal_fields). */
const INTERNAL_FIELDS = new Set([
  'metadata', 'estimated_hours', 'actual_hours', 'escalation_level', 'sla_policy_id', 'first_response_due_at',
  'resolution_due_at', 'first_responded_at', 'sla_breached_at', 'team_id', 'department_id',
]);

/** Columns the after-update trigger does not record. */
const UNRECORDED = new Set(['version', 'updated_at', 'last_updated_by', 'resolved_at', 'closed_at', 'reopen_count']);

/** What customers may change, plus what the trigger maintains itself. */
const CUSTOMER_EDITABLE = new Set(['title', 'description', 'status', 'updated_at', 'version', 'last_updated_by', 'resolved_at', 'closed_at', 'reopen_count']);

/** The ticket as `to_jsonb(row)` sees it: one key per column, times as PostgreSQL writes them. */
function columnsOf(ticket: TicketRow): Record<string, unknown> {
  const { sla } = ticket;
  const columns: Record<string, unknown> = {
    ...omit(ticket, ['sla', 'tag_ids']),
    sla_policy_id: sla.policy_id,
    first_response_due_at: sla.first_response_due_at,
    resolution_due_at: sla.resolution_due_at,
    first_responded_at: sla.first_responded_at,
    sla_breached_at: sla.breached_at,
  };
  for (const name of TIME_COLUMNS) columns[name] = pgJsonTime(columns[name] as string | null);
  return columns;
}

/** jsonb equality: object keys in any order are the same value. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

function merge(ticket: TicketRow, change: TicketChange): TicketRow {
  const { sla, ...fields } = change;
  const metadata = fields.metadata === undefined ? {} : { metadata: jsonb(fields.metadata) as Record<string, unknown> };
  return { ...ticket, ...fields, ...metadata, sla: { ...ticket.sla, ...sla } };
}

/** The foreign keys of a ticket: a reference to a missing row is a 422 naming the column. */
function checkReferences(work: Work, ticket: TicketRow, before?: TicketRow): void {
  const { tables } = work.world.store;
  const references: [keyof TicketRow, (id: string) => boolean][] = [
    ['requester_id', (id) => tables.users.get(id) !== undefined],
    ['assignee_id', (id) => tables.users.get(id) !== undefined],
    ['category_id', (id) => tables.categories.get(id) !== undefined],
    ['team_id', (id) => tables.teams.get(id) !== undefined],
    ['department_id', (id) => tables.departments.get(id) !== undefined],
  ];
  for (const [field, exists] of references) {
    const value = ticket[field] as string | null;
    if (value !== null && value !== before?.[field] && !exists(value)) throw unknownReference(field);
  }
}

/** The ticket as the caller sees it: tags come from a table only staff may read. */
export function ticketFor(actor: Actor, ticket: TicketRow): TicketRow {
  return isStaff(actor) ? ticket : { ...ticket, tag_ids: [] };
}

/** Fields of a new ticket, as `createTicket` takes them (already validated). */
export type NewTicket = Schemas['TicketCreate'];

/** INSERT INTO tickets, with its triggers and policies; `work.actor` is the creator. */
export function insertTicket(work: Work, input: NewTicket): TicketRow {
  const actor = work.me;
  const { store, ids } = work.world;
  const now = work.now();
  const prefix = store.settings.ticket_prefix;
  const year = new Date(now).getUTCFullYear();
  const counter = `${prefix}-${year}`;
  const seq = (store.counters.get(counter) ?? 0) + 1;
  store.counters.set(counter, seq);
  const ticket: TicketRow = {
    id: ids.uuid(),
    ticket_number: `${prefix}-${year}-${String(seq).padStart(5, '0')}`,
    title: input.title,
    description: input.description ?? '',
    status: 'new',
    priority: input.priority ?? 'medium',
    category_id: input.category_id ?? null,
    impact_level: input.impact_level ?? null,
    requester_id: input.requester_id ?? actor.id,
    created_by: actor.id,
    assignee_id: null,
    team_id: input.team_id ?? null,
    department_id: input.department_id ?? null,
    due_at: input.due_at === undefined || input.due_at === null ? null : new Date(input.due_at).toISOString(),
    estimated_hours: hours(input.estimated_hours),
    actual_hours: null,
    resolution_notes: null,
    environment: input.environment ?? null,
    affected_services: input.affected_services ?? [],
    metadata: jsonb(input.metadata ?? {}) as Record<string, unknown>,
    tag_ids: [],
    sla: { policy_id: null, first_response_due_at: null, resolution_due_at: null, first_responded_at: null, breached_at: null },
    escalation_level: 0,
    reopen_count: 0,
    version: 1,
    last_updated_by: actor.id,
    created_at: now,
    updated_at: now,
    resolved_at: null,
    closed_at: null,
  };
  if (!mayInsertTicket(actor, ticket)) throw forbidden(MAY_NOT_MAKE_CHANGE);
  checkReferences(work, ticket);
  store.tables.tickets.put(ticket);
  recordHistory(work, ticket.id, 'created', null, null, {
    ticket_number: ticket.ticket_number, title: ticket.title, status: ticket.status, priority: ticket.priority, requester_id: ticket.requester_id,
  }, false);
  emit(work, 'ticket.created', ticket.id, false, { ticket_number: ticket.ticket_number, status: ticket.status, priority: ticket.priority, version: ticket.version });
  for (const tagId of input.tag_ids ?? []) addTicketTag(work, ticket.id, tagId);
  return store.tables.tickets.get(ticket.id)!;
}

/** numeric(7, 2): hours keep two decimals. */
export const hours = (value: number | null | undefined) => (value === undefined || value === null ? null : Math.round(value * 100) / 100);

/** Why a conditional write matched no row (examples/server/src/api/tickets/refusals.ts). */
export interface Refusal {
  versions: number[] | null;
  target?: TicketStatus;
  /** The statuses the move starts from, when narrower than the workflow (reopen: resolved or closed). */
  from?: readonly TicketStatus[] | undefined;
  detail?: string;
  otherwise?: () => MockProblem | undefined;
}

const MAY_NOT_CHANGE =
  'You may see this ticket but not change it: agents change the tickets assigned to them, managers those of their department and teams.';

export function ticketRefusal(work: Work, ticketId: string, context: Refusal): MockProblem {
  const ticket = visibleTicket(work.world, work.me, ticketId);
  if (!ticket) return notFound('ticket');
  if (context.versions && !context.versions.includes(ticket.version)) {
    const detail =
      context.versions.length > 0
        ? `The ticket was changed by someone else: it is at version ${ticket.version}, not ${context.versions.join(' or ')}.`
        : 'If-Match holds only weak entity tags, which never match a write; send the ETag as given.';
    return new MockProblem(412, 'precondition_failed', detail);
  }
  if (context.target && ticket.status === context.target) {
    return new MockProblem(409, 'invalid_transition', `The ticket is already ${ticket.status}.`);
  }
  if (context.from && !context.from.includes(ticket.status)) {
    const detail = `Only a ${context.from.join(' or ')} ticket moves to ${context.target ?? 'that status'} this way; this one is ${ticket.status}.`;
    // As the server: staff get the workflow's answer; a customer, who may only close and reopen, a 403.
    return isStaff(work.me) ? new MockProblem(409, 'invalid_transition', detail) : forbidden(detail);
  }
  return context.otherwise?.() ?? forbidden(context.detail ?? MAY_NOT_CHANGE);
}

const versionMatches = (versions: number[] | null, ticket: TicketRow) => versions === null || versions.includes(ticket.version);

export interface ConditionalUpdate {
  versions: number[] | null;
  /** Further conditions of the statement's WHERE. */
  where?: (ticket: TicketRow) => boolean;
}

/**
 * `UPDATE tickets SET … WHERE id = $1 AND <version> AND <where>` as the caller: the row must be
 * theirs to update; a row that matches nothing is `undefined` (the caller decides the refusal).
 */
export function updateTicketIf(work: Work, ticketId: string, condition: ConditionalUpdate, change: (ticket: TicketRow) => TicketChange): TicketRow | undefined {
  const actor = work.me;
  const ticket = work.world.store.tables.tickets.get(ticketId);
  if (!ticket || !mayUpdateTicket(actor, ticket) || !versionMatches(condition.versions, ticket) || !(condition.where?.(ticket) ?? true)) return undefined;
  const next = beforeUpdate(work, ticket, merge(ticket, change(ticket)));
  if (!mayKeepTicket(actor, next)) throw forbidden(MAY_NOT_MAKE_CHANGE);
  checkReferences(work, next, ticket);
  return save(work, ticket, next);
}

/** An update by the database itself (a trigger's SECURITY DEFINER function): no policies apply. */
export function updateTicketAsSystem(work: Work, ticket: TicketRow, change: TicketChange): TicketRow {
  return save(work, ticket, beforeUpdate(work, ticket, merge(ticket, change)));
}

/** app.tickets_before_update. */
function beforeUpdate(work: Work, old: TicketRow, next: TicketRow): TicketRow {
  const actor = work.actor;
  if (actor?.role === 'customer') {
    const before = columnsOf(old);
    const after = columnsOf(next);
    if (Object.keys(after).some((column) => !CUSTOMER_EDITABLE.has(column) && !same(before[column], after[column]))) {
      throw forbidden('customers may only change the title, description and status of a ticket');
    }
    if (next.status !== old.status && !(next.status === 'closed' || (next.status === 'open' && (old.status === 'resolved' || old.status === 'closed')))) {
      throw forbidden(`customers may only close or reopen a ticket, not move it from ${old.status} to ${next.status}`);
    }
  }
  const now = work.now();
  let lifecycle: Pick<TicketRow, 'resolved_at' | 'closed_at' | 'reopen_count'> = { resolved_at: old.resolved_at, closed_at: old.closed_at, reopen_count: old.reopen_count };
  if (next.status !== old.status) {
    if (!NEXT_STATUSES[old.status].includes(next.status)) {
      throw new MockProblem(409, 'invalid_transition', `invalid status transition from ${old.status} to ${next.status}`);
    }
    if (next.status === 'resolved') lifecycle = { ...lifecycle, resolved_at: now };
    else if (next.status === 'closed') lifecycle = { ...lifecycle, closed_at: now };
    else if (old.status === 'resolved' || old.status === 'closed') lifecycle = { resolved_at: null, closed_at: null, reopen_count: old.reopen_count + 1 };
  }
  // 0013: the SLA engine's own stamps, with no one acting, are not edits: the version (the ETag) stays.
  if (actor === null && onlyEngineStamps(old, next)) return { ...next, ...lifecycle, version: old.version, updated_at: old.updated_at, last_updated_by: old.last_updated_by };
  return { ...next, ...lifecycle, version: old.version + 1, updated_at: now, last_updated_by: actor?.id ?? null };
}

/** Columns only the SLA engine stamps (v_engine_stamps of migration 0013). */
const ENGINE_STAMPS = new Set(['sla_policy_id', 'first_response_due_at', 'resolution_due_at', 'sla_breached_at', 'escalation_level']);

function onlyEngineStamps(old: TicketRow, next: TicketRow): boolean {
  const before = columnsOf(old);
  const after = columnsOf(next);
  return Object.keys(after).every((column) => ENGINE_STAMPS.has(column) || same(before[column], after[column]));
}

/** Stores the new row and writes what app.tickets_after_update writes. */
function save(work: Work, old: TicketRow, next: TicketRow): TicketRow {
  const stored = work.world.store.tables.tickets.put(next);
  const before = columnsOf(old);
  const after = columnsOf(next);
  const changed = Object.keys(after)
    .filter((column) => !UNRECORDED.has(column) && !same(before[column], after[column]))
    .sort();
  const publicChanges: string[] = [];
  const internalChanges: string[] = [];
  for (const field of changed) {
    const internal = INTERNAL_FIELDS.has(field);
    (internal ? internalChanges : publicChanges).push(field);
    recordHistory(work, next.id, actionFor(field, old, next), field, before[field], after[field], internal);
  }
  const payload = (changes: string[]) => ({ ticket_number: next.ticket_number, changes, status: next.status, version: next.version });
  if (publicChanges.length > 0) emit(work, 'ticket.updated', next.id, false, payload(publicChanges));
  if (internalChanges.length > 0) emit(work, 'ticket.updated', next.id, true, payload(internalChanges));
  return stored;
}

function actionFor(field: string, old: TicketRow, next: TicketRow): components['schemas']['TicketHistoryEntry']['action'] {
  switch (field) {
    case 'status':
      if (next.status === 'closed') return 'closed';
      if (next.status === 'open' && (old.status === 'resolved' || old.status === 'closed')) return 'reopened';
      return 'status_changed';
    case 'priority':
      return 'priority_changed';
    case 'assignee_id':
      if (old.assignee_id === null) return 'assigned';
      if (next.assignee_id === null) return 'unassigned';
      return 'reassigned';
    case 'escalation_level':
      return next.escalation_level > old.escalation_level ? 'escalated' : 'field_updated';
    default:
      return 'field_updated';
  }
}

/** DELETE FROM tickets as the caller (admins only), with the version check; the cascade goes with it. */
export function deleteTicketRow(work: Work, ticketId: string, versions: number[] | null): void {
  const { tables } = work.world.store;
  const ticket = tables.tickets.get(ticketId);
  if (!ticket || !mayDeleteTicket(work.me, ticket) || !versionMatches(versions, ticket)) {
    throw ticketRefusal(work, ticketId, { versions, detail: 'Only admins may delete tickets.' });
  }
  for (const tagId of ticket.tag_ids) {
    recordHistory(work, ticket.id, 'field_updated', 'tags', tagId, null, true);
    emit(work, 'ticket.untagged', ticket.id, true, { tag_id: tagId });
  }
  // The cascades of the ticket's files and rating; an article drafted from it refuses the delete.
  assertNoArticleFrom(work.world, ticket.id);
  deleteAttachmentsOf(work.world, ticket.id);
  deleteFeedbackOf(work.world, ticket.id);
  for (const comment of tables.comments.where((row) => row.ticket_id === ticket.id)) tables.comments.delete(comment.id);
  tables.tickets.delete(ticket.id);
  recordHistory(work, ticket.id, 'deleted', null, { ticket_number: ticket.ticket_number, title: ticket.title, status: ticket.status }, null, true);
  emit(work, 'ticket.deleted', ticket.id, true, { ticket_number: ticket.ticket_number });
}

/**
 * INSERT INTO ticket_tags (staff, on a ticket they can see) and its trigger; a tag already there
 * changes nothing. Tags are not ticket columns: the ticket's version does not move.
 */
export function addTicketTag(work: Work, ticketId: string, tagId: string): void {
  const actor = work.me;
  const { tables } = work.world.store;
  const ticket = tables.tickets.get(ticketId);
  if (!ticket || !isStaff(actor) || !canSeeTicket(actor, ticket)) throw forbidden(MAY_NOT_MAKE_CHANGE);
  if (ticket.tag_ids.includes(tagId)) return;
  if (!tables.tags.get(tagId)) throw unknownReference('tag_id');
  tables.tickets.put({ ...ticket, tag_ids: [...ticket.tag_ids, tagId].sort() });
  recordHistory(work, ticketId, 'field_updated', 'tags', null, tagId, true);
  emit(work, 'ticket.tagged', ticketId, true, { tag_id: tagId });
}
