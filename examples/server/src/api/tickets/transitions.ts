/**
 * The workflow operations: assign, start, pend, resolve, close, reopen. Each is one conditional
 * UPDATE; the database's workflow trigger decides whether the move is legal (an illegal one is a
 * `409 invalid_transition`) and row-level security whether this caller may make it.
 */
import type { components } from '../../../../../src/generated/api.js';
import type { Queryable } from '../../db/database.js';
import { Problem } from '../../http/problem.js';
import { ticketRefusal } from './refusals.js';
import { TICKET_COLUMNS, type TicketRow } from './serialize.js';

type TicketStatus = components['schemas']['TicketStatus'];

export interface Move {
  to: TicketStatus;
  /** Recorded with the history entries of the move. */
  reason?: string | undefined;
  resolutionNotes?: string;
  /**
   * The statuses the move starts from, when the workflow has more ways into `to` than this
   * operation means: `reopen` goes to `open` from `resolved` or `closed` only, never from `new`
   * (the trigger allows `new → open`, which is what `start` and `assign` do on the way).
   */
  from?: readonly TicketStatus[];
  /**
   * Open a `new` ticket on the way (`new → open → …`), as two steps of the workflow in this one
   * transaction, each with its own history entry. Only `start` does: opening is implied by
   * starting work, while no other move has a single obvious path.
   */
  openNew?: boolean;
}

const versionCheck = (index: number) => `($${index}::int[] is null or t.version = any($${index}::int[]))`;

export async function moveTicket(tx: Queryable, ticketId: string, versions: number[] | null, move: Move): Promise<TicketRow> {
  return withReason(tx, move.reason, async () => {
    // The row lock first, as UPDATE would take it: the move and, when it matches nothing, the
    // refusal then read the same state. Without it a move racing others can fail on one state
    // (already at its target) while the refusal reads a later one and calls it a 403. Callers who
    // may not change the ticket lock nothing (row-level security filters FOR UPDATE too).
    await tx.query('select 1 from tickets where id = $1 for no key update', [ticketId]);
    let expected = versions;
    if (move.openNew) {
      const opened = await tx.query(
        `update tickets t set status = 'open' where t.id = $1 and t.status = 'new' and ${versionCheck(2)} returning t.id`,
        [ticketId, expected],
      );
      // This transaction now holds the row lock, so the version it just wrote is the one to move on from.
      if (opened.rows.length > 0) expected = null;
    }
    const notes = move.resolutionNotes !== undefined;
    // `from` travels as text[]: PGlite serialises arrays of built-in types only, not of enums.
    const { rows } = await tx.query<TicketRow>(
      `update tickets t set status = $2::ticket_status${notes ? ', resolution_notes = $5' : ''}
        where t.id = $1 and t.status <> $2::ticket_status and ${versionCheck(3)}
          and ($4::text[] is null or t.status::text = any($4::text[]))
        returning ${TICKET_COLUMNS}`,
      [ticketId, move.to, expected, move.from ?? null, ...(notes ? [move.resolutionNotes] : [])],
    );
    if (!rows[0]) throw await ticketRefusal(tx, ticketId, { versions: expected, target: move.to, from: move.from });
    return rows[0];
  });
}

export interface Assignment {
  assignee_id: string | null;
  team_id?: string | null | undefined;
}

/** Staff who can hold a ticket: an active agent, manager or admin. */
const ASSIGNABLE = "select 1 from users u where u.id = $2 and u.role <> 'customer' and u.is_active";

/**
 * Sets the assignee (and the team, when given). Assigning a `new` ticket opens it: picking it up
 * is what triage means here. Putting it back in the queue leaves the status alone.
 */
export async function assignTicket(tx: Queryable, ticketId: string, versions: number[] | null, assignment: Assignment): Promise<TicketRow> {
  const setsTeam = assignment.team_id !== undefined;
  const { rows } = await tx.query<TicketRow>(
    `update tickets t
        set assignee_id = $2::uuid,
            team_id = case when $3 then $4::uuid else t.team_id end,
            status = case when t.status = 'new' and $2::uuid is not null then 'open' else t.status end
      where t.id = $1 and ${versionCheck(5)}
        and ($2::uuid is null or exists (${ASSIGNABLE}))
      returning ${TICKET_COLUMNS}`,
    [ticketId, assignment.assignee_id, setsTeam, assignment.team_id ?? null, versions],
  );
  if (rows[0]) return rows[0];
  throw await ticketRefusal(tx, ticketId, {
    versions,
    otherwise: async () => {
      if (assignment.assignee_id === null) return undefined;
      const assignable = await tx.query(ASSIGNABLE.replace('$2', '$1'), [assignment.assignee_id]);
      return assignable.rows.length === 0
        ? new Problem(422, 'unprocessable', 'assignee_id must be an active agent, manager or admin.')
        : undefined;
    },
  });
}

/**
 * Binds a reason to the history entries written by `fn` (see the 0012 migration's
 * `app.record_history`), and unbinds it so later writes in the request do not inherit it.
 */
async function withReason<T>(tx: Queryable, reason: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (reason === undefined) return fn();
  await tx.query("select set_config('app.change_reason', $1, true)", [reason]);
  const result = await fn();
  await tx.query("select set_config('app.change_reason', '', true)");
  return result;
}
