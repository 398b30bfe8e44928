/**
 * A ticket's history, oldest first by `seq`. The history policy shows internal entries to staff
 * only, and to admins even after the ticket is deleted.
 */
import type { components } from '../../../../../src/generated/api.js';
import type { Queryable } from '../../db/database.js';
import { decodeCursor, fingerprint, toPage, type Page } from '../../http/pagination.js';
import { notFound, Problem } from '../../http/problem.js';
import { HISTORY_COLUMNS, toHistoryEntry, type HistoryRow } from './serialize.js';

type TicketHistoryEntry = components['schemas']['TicketHistoryEntry'];

export async function listHistory(
  tx: Queryable,
  ticketId: string,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<TicketHistoryEntry>> {
  const print = fingerprint('ticket-history', { ticket_id: ticketId.toLowerCase() });
  const after = query.cursor ? decodeCursor(query.cursor, print, 1) : null;
  if (after && typeof after[0] !== 'number') throw invalidCursor();
  const { rows } = await tx.query<HistoryRow>(
    `select ${HISTORY_COLUMNS} from ticket_history
      where ticket_id = $1 and ($2::bigint is null or seq > $2::bigint)
      order by seq
      limit $3`,
    [ticketId, after?.[0] ?? null, query.limit + 1],
  );
  // No entries at all means no ticket the caller can see: every ticket has a `created` entry.
  if (rows.length === 0 && !after) {
    const ticket = await tx.query('select 1 from tickets where id = $1', [ticketId]);
    if (ticket.rows.length === 0) throw notFound('ticket');
  }
  return toPage(rows, query.limit, print, (row) => [Number(row.seq)], toHistoryEntry);
}

const invalidCursor = () => new Problem(400, 'invalid_cursor', 'The cursor is not one this list issued.');
