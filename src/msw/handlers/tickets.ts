/**
 * `tf.tickets` and `tf.history` (examples/server/src/api/tickets): filters, sorts and cursor
 * pagination of the list, ETags and `If-Match`, the workflow operations, tags, and the history.
 * What a caller may see or change is decided in `rules/`, as the server leaves it to its database.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { noContent, ok, type Answer, type HandlerTable } from '../operation.js';
import { fingerprint, paginate, type KeyValue } from '../pagination.js';
import { canSeeHistory, isAssignable, visibleTicket } from '../rules/policies.js';
import {
  addTicketTag,
  deleteTicketRow,
  hours,
  insertTicket,
  ticketFor,
  ticketRefusal,
  updateTicketIf,
  type TicketChange,
} from '../rules/tickets.js';
import { emit, recordHistory } from '../rules/trail.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import type { TicketRow } from '../store.js';
import type { Work } from '../world.js';
import { flag, id, idKey, page, repeated, timestamp } from './shared.js';

type Schemas = components['schemas'];
type TicketStatus = Schemas['TicketStatus'];

const STATUSES = ['new', 'open', 'in_progress', 'pending', 'resolved', 'closed'] as const satisfies readonly TicketStatus[];
const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const satisfies readonly Schemas['TicketPriority'][];
const SORTS = ['-created_at', 'created_at', '-updated_at', 'updated_at', 'priority', '-priority', 'due', '-due'] as const;

const ListQuery = z.strictObject({
  ...page,
  sort: z.enum(SORTS).default('-created_at'),
  status: repeated(z.enum(STATUSES), STATUSES.length).optional(),
  priority: repeated(z.enum(PRIORITIES), PRIORITIES.length).optional(),
  assignee_id: z.union([id, z.literal('none')], { error: 'must be a UUID or none' }).optional(),
  requester_id: id.optional(),
  team_id: id.optional(),
  department_id: id.optional(),
  category_id: id.optional(),
  tag: repeated(id, 20).optional(),
  number: z
    .string()
    .max(30)
    .regex(/^[A-Za-z][A-Za-z0-9]{1,9}-[0-9]{4}-[0-9]{5,}$/, 'must be a ticket number such as TKT-2026-00042')
    .optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
  updated_after: timestamp.optional(),
  escalated: flag.optional(),
  q: z
    .string()
    .min(1)
    .max(200)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')
    .optional(),
});

type ListQuery = z.output<typeof ListQuery>;

const TicketParams = z.strictObject({ ticket_id: idKey });
const TicketTagParams = z.strictObject({ ticket_id: idKey, tag_id: idKey });
const HistoryQuery = z.strictObject(page);

const PRIORITY_RANK: Record<Schemas['TicketPriority'], number> = { urgent: 0, high: 1, medium: 2, low: 3 };

/** Each sort's key, ending with the id so the order is total. `due` puts tickets without a deadline last. */
const SORT_KEYS: Record<string, (ticket: TicketRow) => KeyValue[]> = {
  created_at: (t) => [t.created_at, t.id],
  updated_at: (t) => [t.updated_at, t.id],
  priority: (t) => [PRIORITY_RANK[t.priority], t.created_at, t.id],
  due: (t) => [t.sla.resolution_due_at, t.id],
};

/** Words full-text search leaves out, as PostgreSQL's English configuration does. */
const STOP_WORDS = new Set('a an and are as at be but by for from has have i in is it its of on or that the this to was were will with'.split(' '));

const words = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => !STOP_WORDS.has(word));

/**
 * An approximation of `websearch_to_tsquery('english', q)`: every word of `q` (stop words aside)
 * starts a word of the title or description. Stemming is left out.
 */
function matchesText(ticket: TicketRow, q: string): boolean {
  const document = words(`${ticket.title} ${ticket.description}`);
  return words(q).every((word) => document.some((candidate) => candidate.startsWith(word)));
}

function matches(ticket: TicketRow, query: ListQuery): boolean {
  const lower = (value: string | undefined) => value?.toLowerCase();
  if (query.status && !query.status.includes(ticket.status)) return false;
  if (query.priority && !query.priority.includes(ticket.priority)) return false;
  if (query.assignee_id === 'none' ? ticket.assignee_id !== null : query.assignee_id !== undefined && ticket.assignee_id !== lower(query.assignee_id)) return false;
  if (query.requester_id !== undefined && ticket.requester_id !== lower(query.requester_id)) return false;
  if (query.team_id !== undefined && ticket.team_id !== lower(query.team_id)) return false;
  if (query.department_id !== undefined && ticket.department_id !== lower(query.department_id)) return false;
  if (query.category_id !== undefined && ticket.category_id !== lower(query.category_id)) return false;
  if (query.tag && !query.tag.some((tag) => ticket.tag_ids.includes(tag.toLowerCase()))) return false;
  if (query.number !== undefined && ticket.ticket_number !== query.number.toUpperCase()) return false;
  if (query.created_after !== undefined && Date.parse(ticket.created_at) < Date.parse(query.created_after)) return false;
  if (query.created_before !== undefined && Date.parse(ticket.created_at) >= Date.parse(query.created_before)) return false;
  if (query.updated_after !== undefined && Date.parse(ticket.updated_at) < Date.parse(query.updated_after)) return false;
  if (query.escalated !== undefined && query.escalated !== ticket.escalation_level > 0) return false;
  if (query.q !== undefined && !matchesText(ticket, query.q)) return false;
  return true;
}

/** The filters a cursor is bound to; repeated values in any order are the same filter. */
function normalisedFilters(query: ListQuery): Record<string, unknown> {
  const sorted = (values: string[] | undefined) => (values ? [...new Set(values)].sort() : undefined);
  return {
    status: sorted(query.status),
    priority: sorted(query.priority),
    assignee_id: query.assignee_id?.toLowerCase(),
    requester_id: query.requester_id?.toLowerCase(),
    team_id: query.team_id?.toLowerCase(),
    department_id: query.department_id?.toLowerCase(),
    category_id: query.category_id?.toLowerCase(),
    tag: sorted(query.tag?.map((value) => value.toLowerCase())),
    number: query.number?.toUpperCase(),
    created_after: query.created_after,
    created_before: query.created_before,
    updated_after: query.updated_after,
    escalated: query.escalated,
    q: query.q,
  };
}

/** A ticket with its version as a strong ETag. */
const ticketAnswer = (work: Work, ticket: TicketRow, status: 200 | 201 = 200, headers: Record<string, string> = {}): Answer<Schemas['Ticket']> => ({
  status,
  body: ticketFor(work.me, ticket),
  headers: { ETag: `"${ticket.version}"`, ...headers },
});

interface Move {
  to: TicketStatus;
  reason?: string | undefined;
  resolutionNotes?: string;
  /** The statuses the move starts from, when narrower than the workflow (reopen: resolved or closed). */
  from?: readonly TicketStatus[];
  /** Open a `new` ticket on the way, as its own step with its own history (only `start` does). */
  openNew?: boolean;
}

/** The workflow operations (examples/server/src/api/tickets/transitions.ts). */
function moveTicket(work: Work, ticketId: string, versions: number[] | null, move: Move): TicketRow {
  work.reason = move.reason ?? null;
  try {
    let expected = versions;
    if (move.openNew) {
      const opened = updateTicketIf(work, ticketId, { versions: expected, where: (t) => t.status === 'new' }, () => ({ status: 'open' }));
      if (opened) expected = null;
    }
    const change: TicketChange = { status: move.to, ...(move.resolutionNotes === undefined ? {} : { resolution_notes: move.resolutionNotes }) };
    const from = move.from;
    const moved = updateTicketIf(work, ticketId, { versions: expected, where: (t) => t.status !== move.to && (!from || from.includes(t.status)) }, () => change);
    if (!moved) throw ticketRefusal(work, ticketId, { versions: expected, target: move.to, from });
    return moved;
  } finally {
    work.reason = null;
  }
}

/** The 404s of a tag path: a ticket the caller cannot see, or no such tag. */
function requireTicketAndTag(work: Work, ticketId: string, tagId: string): TicketRow {
  const ticket = visibleTicket(work.world, work.me, ticketId);
  if (!ticket) throw notFound('ticket');
  if (!work.world.store.tables.tags.get(tagId)) throw notFound('tag');
  return ticket;
}

export const ticketHandlers: HandlerTable = {
  listTickets: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const query = req.query(ListQuery);
      const actor = work.me;
      const rows = world.store.tables.tickets.where((ticket) => visibleTicket(world, actor, ticket.id) !== undefined && matches(ticket, query));
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('tickets', { ...normalisedFilters(query), sort: query.sort }),
          descending: query.sort.startsWith('-'),
          keyLength: query.sort.endsWith('priority') ? 3 : 2,
          keyOf: SORT_KEYS[query.sort.replace(/^-/, '')]!,
          serialize: (ticket) => ticketFor(actor, ticket),
        }),
      );
    },
  },
  createTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const body = req.json('createTicket');
      const ticket = insertTicket(work, { ...body, ...(body.estimated_hours === undefined ? {} : { estimated_hours: hours(body.estimated_hours) }) });
      return ticketAnswer(work, ticket, 201, { Location: `/v1/tickets/${ticket.id}` });
    },
  },
  getTicket: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const ticket = visibleTicket(world, work.me, ticket_id);
      if (!ticket) throw notFound('ticket');
      return ticketAnswer(work, ticket);
    },
  },
  updateTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const versions = req.ifMatch();
      const body = req.json('updateTicket');
      const change: TicketChange = { ...body };
      if (body.due_at !== undefined) change.due_at = body.due_at === null ? null : new Date(body.due_at).toISOString();
      if (body.estimated_hours !== undefined) change.estimated_hours = hours(body.estimated_hours);
      if (body.actual_hours !== undefined) change.actual_hours = hours(body.actual_hours);
      const updated = updateTicketIf(work, ticket_id, { versions }, () => change);
      if (!updated) throw ticketRefusal(work, ticket_id, { versions });
      return ticketAnswer(work, updated);
    },
  },
  deleteTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id } = req.params(TicketParams);
      deleteTicketRow(work, ticket_id, req.ifMatch());
      return noContent();
    },
  },
  assignTicket: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const versions = req.ifMatch();
      const body = req.json('assignTicket');
      const assignee = body.assignee_id === null ? null : body.assignee_id.toLowerCase();
      const assignable = assignee === null || isAssignable(work.me, world.store.tables.users.get(assignee));
      // Assigning a new ticket opens it: picking it up is what triage means here.
      const updated = updateTicketIf(work, ticket_id, { versions, where: () => assignable }, (ticket) => ({
        assignee_id: assignee,
        ...(body.team_id === undefined ? {} : { team_id: body.team_id === null ? null : body.team_id.toLowerCase() }),
        ...(ticket.status === 'new' && assignee !== null ? { status: 'open' as const } : {}),
      }));
      if (updated) return ticketAnswer(work, updated);
      throw ticketRefusal(work, ticket_id, {
        versions,
        otherwise: () => (assignable ? undefined : new MockProblem(422, 'unprocessable', 'assignee_id must be an active agent, manager or admin.')),
      });
    },
  },
  startTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const versions = req.ifMatch();
      req.optionalJson('startTicket');
      return ticketAnswer(work, moveTicket(work, ticket_id, versions, { to: 'in_progress', openNew: true }));
    },
  },
  pendTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const versions = req.ifMatch();
      const { reason } = req.json('pendTicket');
      return ticketAnswer(work, moveTicket(work, ticket_id, versions, { to: 'pending', reason }));
    },
  },
  resolveTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const versions = req.ifMatch();
      const { resolution_notes } = req.json('resolveTicket');
      return ticketAnswer(work, moveTicket(work, ticket_id, versions, { to: 'resolved', resolutionNotes: resolution_notes }));
    },
  },
  closeTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const versions = req.ifMatch();
      req.optionalJson('closeTicket');
      return ticketAnswer(work, moveTicket(work, ticket_id, versions, { to: 'closed' }));
    },
  },
  reopenTicket: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const versions = req.ifMatch();
      const { reason } = req.optionalJson('reopenTicket');
      return ticketAnswer(work, moveTicket(work, ticket_id, versions, { to: 'open', from: ['resolved', 'closed'], reason }));
    },
  },
  addTicketTag: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id, tag_id } = req.params(TicketTagParams);
      requireTicketAndTag(work, ticket_id, tag_id);
      addTicketTag(work, ticket_id, tag_id);
      return noContent();
    },
  },
  removeTicketTag: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id, tag_id } = req.params(TicketTagParams);
      const ticket = requireTicketAndTag(work, ticket_id, tag_id);
      // The delete policy hides the row from customers: nothing to delete is a refusal for them.
      if (work.me.role === 'customer') throw forbidden('Only staff tag tickets.');
      if (ticket.tag_ids.includes(tag_id)) {
        world.store.tables.tickets.put({ ...ticket, tag_ids: ticket.tag_ids.filter((tag) => tag !== tag_id) });
        recordHistory(work, ticket_id, 'field_updated', 'tags', tag_id, null, true);
        emit(work, 'ticket.untagged', ticket_id, true, { tag_id });
      }
      return noContent();
    },
  },
  listTicketHistory: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const query = req.query(HistoryQuery);
      const actor = work.me;
      const rows = world.store.tables.history.where((entry) => entry.ticket_id === ticket_id && canSeeHistory(world, actor, entry));
      // No entries at all means no ticket the caller can see: every ticket has a `created` entry.
      if (rows.length === 0 && query.cursor === undefined && !visibleTicket(world, actor, ticket_id)) throw notFound('ticket');
      const result = paginate(rows, {
        limit: query.limit,
        cursor: query.cursor,
        print: fingerprint('ticket-history', { ticket_id }),
        keyLength: 1,
        keyOf: (entry) => [entry.seq],
        serialize: (entry) => entry,
      });
      return ok(result);
    },
  },
};
