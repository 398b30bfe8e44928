/**
 * Creating, changing and deleting tickets. Who may write what is not decided here: the insert and
 * update policies and the tickets trigger refuse what a role may not do, and those refusals become
 * 403s in the error handler.
 */
import type { z } from 'zod';
import type { Queryable } from '../../db/database.js';
import { notFound } from '../../http/problem.js';
import { ticketRefusal } from './refusals.js';
import type { TicketCreate, TicketUpdate } from './schemas.js';
import { TICKET_COLUMNS, type TicketRow } from './serialize.js';

export async function readTicket(tx: Queryable, ticketId: string): Promise<TicketRow> {
  const { rows } = await tx.query<TicketRow>(`select ${TICKET_COLUMNS} from tickets t where t.id = $1`, [ticketId]);
  if (!rows[0]) throw notFound('ticket');
  return rows[0];
}

export async function createTicket(tx: Queryable, body: z.output<typeof TicketCreate>): Promise<TicketRow> {
  // requester_id defaults to the caller; created_by is always the caller (the column default).
  const { rows } = await tx.query<{ id: string }>(
    `insert into tickets as t (title, description, priority, category_id, impact_level, requester_id, team_id,
                               department_id, due_at, estimated_hours, environment, affected_services, metadata)
     values ($1, coalesce($2, ''), coalesce($3::ticket_priority, 'medium'), $4::uuid, $5::impact_level,
             coalesce($6::uuid, app.user_id()), $7::uuid, $8::uuid, $9::timestamptz, $10::numeric, $11,
             coalesce($12::text[], '{}'), coalesce($13::jsonb, '{}'))
     returning t.id`,
    [
      body.title,
      body.description ?? null,
      body.priority ?? null,
      body.category_id ?? null,
      body.impact_level ?? null,
      body.requester_id ?? null,
      body.team_id ?? null,
      body.department_id ?? null,
      body.due_at ?? null,
      body.estimated_hours ?? null,
      body.environment ?? null,
      body.affected_services ?? null,
      body.metadata === undefined ? null : JSON.stringify(body.metadata),
    ],
  );
  const ticketId = rows[0]!.id;
  if (body.tag_ids && body.tag_ids.length > 0) {
    await tx.query('insert into ticket_tags (ticket_id, tag_id) select $1, unnest($2::uuid[])', [ticketId, body.tag_ids]);
  }
  return readTicket(tx, ticketId);
}

type Update = z.output<typeof TicketUpdate>;

/** The columns PATCH may set, with the cast each value needs. */
const UPDATABLE: Record<keyof Update, string> = {
  title: 'text',
  description: 'text',
  priority: 'ticket_priority',
  category_id: 'uuid',
  impact_level: 'impact_level',
  team_id: 'uuid',
  department_id: 'uuid',
  due_at: 'timestamptz',
  estimated_hours: 'numeric',
  actual_hours: 'numeric',
  resolution_notes: 'text',
  environment: 'text',
  affected_services: 'text[]',
  metadata: 'jsonb',
};

/**
 * Sets exactly the fields given, in one statement that also checks `If-Match`: a concurrent writer
 * holding the same version waits for the row lock, then finds the version moved on and matches
 * nothing.
 */
export async function updateTicket(tx: Queryable, ticketId: string, versions: number[] | null, body: Update): Promise<TicketRow> {
  const params: unknown[] = [ticketId, versions];
  const assignments = (Object.keys(body) as (keyof Update)[]).map((field) => {
    const value = body[field];
    params.push(field === 'metadata' && value !== null ? JSON.stringify(value) : value);
    return `${field} = $${params.length}::${UPDATABLE[field]}`;
  });
  const { rows } = await tx.query<TicketRow>(
    `update tickets t set ${assignments.join(', ')}
      where t.id = $1 and ($2::int[] is null or t.version = any($2::int[]))
      returning ${TICKET_COLUMNS}`,
    params,
  );
  if (!rows[0]) throw await ticketRefusal(tx, ticketId, { versions });
  return rows[0];
}

export async function deleteTicket(tx: Queryable, ticketId: string, versions: number[] | null): Promise<void> {
  const { rowCount } = await tx.query('delete from tickets t where t.id = $1 and ($2::int[] is null or t.version = any($2::int[]))', [
    ticketId,
    versions,
  ]);
  if (rowCount === 0) throw await ticketRefusal(tx, ticketId, { versions, detail: 'Only admins may delete tickets.' });
}
