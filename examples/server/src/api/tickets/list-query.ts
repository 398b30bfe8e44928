/**
 * `GET /v1/tickets`: filters, sorts and keyset pagination turned into one SQL statement.
 *
 * The statement carries only the filters the caller gave, so the planner sees exactly the
 * predicates an index can serve; the sort key and the cursor bound are written so the leading
 * sort column bounds an index scan (`created_at <= $k and (created_at, id) < ($k, $id)`).
 */
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { UserRole } from '../../db/actor.js';
import type { Queryable } from '../../db/database.js';
import { decodeCursor, fingerprint, toPage, type Page } from '../../http/pagination.js';
import { flag, id, page, timestamp } from '../../http/schemas.js';
import { PRIORITIES, SORTS, STATUSES } from './schemas.js';
import { TICKET_COLUMNS, toTicket, type TicketRow } from './serialize.js';

/** A filter that may be repeated (`?status=open&status=pending`), up to `max` times. */
const repeated = <T extends z.ZodType>(item: T, max: number) =>
  z
    .union([item, z.array(item).max(max)])
    .transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);

export const ListQuery = z.strictObject({
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

export type ListQuery = z.output<typeof ListQuery>;

interface SortKey {
  /** An expression over `t`. */
  sql: string;
  /** How its text form in a cursor is cast back. */
  type: string;
}

/**
 * Every sort ends with the id so the order is total. `priority` reads most urgent first (the
 * enum's order) and oldest first within a priority, as the queue index does. Tickets without an
 * SLA deadline sort after all others: `infinity` keeps the key a plain comparable value.
 */
const SORT_KEYS: Record<string, SortKey[]> = {
  created_at: [{ sql: 't.created_at', type: 'timestamptz' }],
  updated_at: [{ sql: 't.updated_at', type: 'timestamptz' }],
  priority: [
    { sql: 't.priority', type: 'ticket_priority' },
    { sql: 't.created_at', type: 'timestamptz' },
  ],
  // The expression of tickets_resolution_due_keyset_idx, verbatim, so the index serves it.
  due: [{ sql: "coalesce(t.resolution_due_at, 'infinity'::timestamptz)", type: 'timestamptz' }],
};

const ID_KEY: SortKey = { sql: 't.id', type: 'uuid' };

/** The caller, for the planner's benefit only: row-level security decides what they see. */
export interface Caller {
  userId: string;
  role: UserRole;
}

type ListRow = TicketRow & Record<`k${number}`, string>;

type Ticket = components['schemas']['Ticket'];

export async function listTickets(tx: Queryable, query: ListQuery, caller: Caller): Promise<Page<Ticket>> {
  const descending = query.sort.startsWith('-');
  const keys = [...SORT_KEYS[query.sort.replace(/^-/, '')]!, ID_KEY];
  const print = fingerprint('tickets', { ...normalisedFilters(query), sort: query.sort });
  const after = query.cursor ? decodeCursor(query.cursor, print, keys.length) : null;

  const params: unknown[] = [];
  const param = (value: unknown, type?: string) => {
    params.push(value);
    return type ? `$${params.length}::${type}` : `$${params.length}`;
  };
  const where = filterClauses(query, param);
  // Customers only ever see their own tickets; saying so lets the planner use the requester index
  // instead of evaluating the policies' OR over the whole table.
  if (caller.role === 'customer') where.push(`t.requester_id = ${param(caller.userId, 'uuid')}`);
  if (after) {
    const bounds = keys.map((key, i) => param(after[i], key.type));
    const op = descending ? '<' : '>';
    where.push(`${keys[0]!.sql} ${op}= ${bounds[0]!}`);
    where.push(`(${keys.map((key) => key.sql).join(', ')}) ${op} (${bounds.join(', ')})`);
  }
  const direction = descending ? 'desc' : 'asc';
  const sql = `select ${TICKET_COLUMNS}, ${keys.map((key, i) => `(${key.sql})::text as k${i}`).join(', ')}
    from tickets t
    ${where.length > 0 ? `where ${where.join('\n      and ')}` : ''}
    order by ${keys.map((key) => `${key.sql} ${direction}`).join(', ')}
    limit ${param(query.limit + 1)}`;
  const { rows } = await tx.query<ListRow>(sql, params);
  return toPage(rows, query.limit, print, (row) => keys.map((_, i) => row[`k${i}`] ?? null), toTicket);
}

function filterClauses(query: ListQuery, param: (value: unknown, type?: string) => string): string[] {
  const where: string[] = [];
  if (query.status) where.push(`t.status = any(${param(enumArray(query.status), 'ticket_status[]')})`);
  if (query.priority) where.push(`t.priority = any(${param(enumArray(query.priority), 'ticket_priority[]')})`);
  if (query.assignee_id === 'none') where.push('t.assignee_id is null');
  else if (query.assignee_id) where.push(`t.assignee_id = ${param(query.assignee_id, 'uuid')}`);
  if (query.requester_id) where.push(`t.requester_id = ${param(query.requester_id, 'uuid')}`);
  if (query.team_id) where.push(`t.team_id = ${param(query.team_id, 'uuid')}`);
  if (query.department_id) where.push(`t.department_id = ${param(query.department_id, 'uuid')}`);
  if (query.category_id) where.push(`t.category_id = ${param(query.category_id, 'uuid')}`);
  if (query.tag) {
    where.push(`exists (select 1 from ticket_tags tt where tt.ticket_id = t.id and tt.tag_id = any(${param(query.tag, 'uuid[]')}))`);
  }
  if (query.number) where.push(`t.ticket_number = upper(${param(query.number, 'text')})`);
  if (query.created_after) where.push(`t.created_at >= ${param(query.created_after, 'timestamptz')}`);
  if (query.created_before) where.push(`t.created_at < ${param(query.created_before, 'timestamptz')}`);
  if (query.updated_after) where.push(`t.updated_at >= ${param(query.updated_after, 'timestamptz')}`);
  if (query.escalated !== undefined) where.push(query.escalated ? 't.escalation_level > 0' : 't.escalation_level = 0');
  if (query.q) where.push(`t.search_vector @@ websearch_to_tsquery('english', ${param(query.q, 'text')})`);
  return where;
}

/**
 * An enum array in its text form (`{new,open}`), from labels the schema has already checked. PGlite
 * serialises only built-in array types, and as a literal the value is a constant at plan time, so
 * the planner can match it to partial indexes such as the queue's (`status in ('new', 'open')`).
 */
const enumArray = (labels: readonly string[]) => `{${labels.join(',')}}`;

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
