/**
 * Ticket ratings as the server's database keeps them (examples/server/migrations 0004, 0009,
 * 0011): one rating per ticket, by its requester only, once the ticket is resolved or closed
 * (the before-write trigger, for a new rating and a changed one alike); seen by its author and by
 * the staff who see the ticket; each write is a public `feedback.created` / `feedback.updated` event.
 */
import type { components } from '../../generated/api.js';
import { forbidden, MockProblem } from '../problems.js';
import type { TicketFeedbackRow } from '../store.js';
import { isStaff, type Actor, type Work, type World } from '../world.js';
import { visibleTicket } from './policies.js';
import { emit } from './trail.js';

/** ticket_feedback_select: your own ratings; staff those of the tickets they see. */
export const canSeeTicketFeedback = (world: World, actor: Actor, row: TicketFeedbackRow) =>
  row.customer_id === actor.id || (isStaff(actor) && visibleTicket(world, actor, row.ticket_id) !== undefined);

/**
 * INSERT … ON CONFLICT (ticket_id) DO UPDATE as the caller: a new rating, or the ticket's rating
 * replaced (a comment left out is cleared). Says whether it was new.
 */
export function rate(work: Work, ticketId: string, input: components['schemas']['FeedbackInput']): { row: TicketFeedbackRow; created: boolean } {
  const actor = work.me;
  const { store, ids } = work.world;
  const ticket = store.tables.tickets.get(ticketId)!;
  // app.ticket_feedback_before_write.
  if (ticket.requester_id !== actor.id) throw forbidden('Only the requester of a ticket may rate it.');
  if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
    throw new MockProblem(409, 'invalid_transition', `a ticket can be rated once it is resolved, not while it is ${ticket.status}`);
  }
  const existing = store.tables.ticketFeedback.all().find((row) => row.ticket_id === ticketId);
  // ticket_feedback_update: a rating given by someone else (before the requester changed) is not yours to replace.
  if (existing && existing.customer_id !== actor.id) throw forbidden('Only the requester of a ticket may rate it.');
  const now = work.now();
  const row = store.tables.ticketFeedback.put(
    existing
      ? { ...existing, rating: input.rating, comment: input.comment ?? null, updated_at: now }
      : { id: ids.uuid(), ticket_id: ticketId, customer_id: actor.id, rating: input.rating, comment: input.comment ?? null, created_at: now, updated_at: now },
  );
  emit(work, existing ? 'feedback.updated' : 'feedback.created', ticketId, false, { feedback_id: row.id, rating: row.rating });
  return { row, created: !existing };
}

/** A ticket's rating goes with the ticket (ON DELETE CASCADE). */
export function deleteFeedbackOf(world: World, ticketId: string): void {
  const { ticketFeedback } = world.store.tables;
  for (const row of ticketFeedback.where((feedback) => feedback.ticket_id === ticketId)) ticketFeedback.delete(row.id);
}
