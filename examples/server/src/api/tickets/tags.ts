/**
 * Tags on a ticket. The `ticket_tags` policies let staff who can see a ticket tag it; a customer's
 * INSERT is refused by the policy (403). Both operations are idempotent.
 */
import type { Queryable } from '../../db/database.js';
import { forbidden, notFound } from '../../http/problem.js';

const STAFF_ONLY = 'Only staff tag tickets.';

/** 404s for the path: a ticket the caller cannot see, or no such tag. */
async function requireBoth(tx: Queryable, ticketId: string, tagId: string): Promise<void> {
  const { rows } = await tx.query<{ ticket: boolean; tag: boolean }>(
    'select exists (select 1 from tickets where id = $1) as ticket, exists (select 1 from tags where id = $2) as tag',
    [ticketId, tagId],
  );
  if (!rows[0]?.ticket) throw notFound('ticket');
  if (!rows[0].tag) throw notFound('tag');
}

export async function addTag(tx: Queryable, ticketId: string, tagId: string): Promise<void> {
  await requireBoth(tx, ticketId, tagId);
  await tx.query('insert into ticket_tags (ticket_id, tag_id) values ($1, $2) on conflict do nothing', [ticketId, tagId]);
}

export async function removeTag(tx: Queryable, ticketId: string, tagId: string): Promise<void> {
  await requireBoth(tx, ticketId, tagId);
  const { rowCount } = await tx.query('delete from ticket_tags where ticket_id = $1 and tag_id = $2', [ticketId, tagId]);
  if (rowCount > 0) return;
  // A DELETE the policy forbids matches nothing, like one with nothing to delete. Ask the policy's
  // own predicate which it was, so a customer gets a 403 rather than a 204 that did nothing.
  const { rows } = await tx.query<{ staff: boolean }>('select app.is_staff() as staff');
  if (!rows[0]?.staff) throw forbidden(STAFF_ONLY);
}
