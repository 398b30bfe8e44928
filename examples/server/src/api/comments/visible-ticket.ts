/**
 * Child resources (comments, files, ratings) live under a ticket. A ticket the caller cannot see is
 * a 404 for everything under it, exactly as if it did not exist; row-level security decides.
 */
import type { Queryable } from '../../db/database.js';
import { notFound } from '../../http/problem.js';

export async function requireVisibleTicket(tx: Queryable, ticketId: string): Promise<void> {
  const { rows } = await tx.query('select 1 from tickets where id = $1', [ticketId]);
  if (rows.length === 0) throw notFound('ticket');
}
