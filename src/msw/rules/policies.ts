/**
 * The reference server's row-level security policies (examples/server/migrations/0011 and 0012),
 * as predicates over the mock's rows. Handlers never decide visibility themselves: they ask here,
 * as the server's queries leave it to the database.
 */
import type { CommentRow, HistoryRow, TicketRow, UserRow } from '../store.js';
import { isStaff, type Actor, type World } from '../world.js';

const QUEUE_STATUSES: readonly TicketRow['status'][] = ['new', 'open'];
const inQueue = (ticket: TicketRow) => ticket.assignee_id === null && QUEUE_STATUSES.includes(ticket.status);
const inMyDepartment = (actor: Actor, ticket: TicketRow) => actor.departmentId !== null && ticket.department_id === actor.departmentId;
const inMyTeams = (actor: Actor, ticket: TicketRow) => ticket.team_id !== null && actor.teamIds.has(ticket.team_id);

/** tickets_select_*: customers their own; agents and managers theirs, their department's and teams', and the queue; admins all. */
export function canSeeTicket(actor: Actor, ticket: TicketRow): boolean {
  switch (actor.role) {
    case 'customer':
      return ticket.requester_id === actor.id;
    case 'agent':
    case 'manager':
      return (
        ticket.assignee_id === actor.id ||
        ticket.created_by === actor.id ||
        inMyDepartment(actor, ticket) ||
        inMyTeams(actor, ticket) ||
        inQueue(ticket)
      );
    case 'admin':
      return true;
  }
}

/** tickets_insert_*: the new row a caller may insert. */
export function mayInsertTicket(actor: Actor, ticket: TicketRow): boolean {
  switch (actor.role) {
    case 'customer':
      return ticket.requester_id === actor.id && ticket.created_by === actor.id && ticket.assignee_id === null && ticket.team_id === null;
    case 'agent':
    case 'manager':
      return ticket.created_by === actor.id;
    case 'admin':
      return true;
  }
}

/** tickets_update_* USING: the rows an UPDATE may touch at all (it also needs them visible). */
export function mayUpdateTicket(actor: Actor, ticket: TicketRow): boolean {
  if (!canSeeTicket(actor, ticket)) return false;
  switch (actor.role) {
    case 'customer':
      return ticket.requester_id === actor.id;
    case 'agent':
      return ticket.assignee_id === actor.id || inQueue(ticket);
    case 'manager':
      return inMyDepartment(actor, ticket) || inMyTeams(actor, ticket) || inQueue(ticket);
    case 'admin':
      return true;
  }
}

/** tickets_update_* WITH CHECK, and the SELECT policies PostgreSQL also applies to an updated row. */
export function mayKeepTicket(actor: Actor, ticket: TicketRow): boolean {
  const checked = (() => {
    switch (actor.role) {
      case 'customer':
        return ticket.requester_id === actor.id;
      case 'agent':
        return ticket.assignee_id === actor.id;
      case 'manager':
        return inMyDepartment(actor, ticket) || inMyTeams(actor, ticket);
      case 'admin':
        return true;
    }
  })();
  return checked && canSeeTicket(actor, ticket);
}

/** tickets_delete_admin. */
export const mayDeleteTicket = (actor: Actor, ticket: TicketRow) => actor.role === 'admin' && canSeeTicket(actor, ticket);

/** The ticket with `id` if the caller may see it. */
export function visibleTicket(world: World, actor: Actor, id: string): TicketRow | undefined {
  const ticket = world.store.tables.tickets.get(id);
  return ticket && canSeeTicket(actor, ticket) ? ticket : undefined;
}

/**
 * comments_select and comments_select_own: with a visible ticket, staff see everything; others
 * see standing public comments, and public ones they wrote even once deleted.
 */
export function canSeeComment(world: World, actor: Actor, comment: CommentRow): boolean {
  if (!visibleTicket(world, actor, comment.ticket_id)) return false;
  if (isStaff(actor)) return true;
  if (comment.is_internal) return false;
  return comment.deleted_at === null || comment.author_id === actor.id;
}

/** comments_update_author / comments_update_admin USING (with the row visible). */
export const mayUpdateComment = (world: World, actor: Actor, comment: CommentRow) =>
  canSeeComment(world, actor, comment) && (comment.author_id === actor.id || actor.role === 'admin');

/** ticket_history_select: admins everything (even of deleted tickets); others with the ticket, internal entries for staff. */
export function canSeeHistory(world: World, actor: Actor, entry: HistoryRow): boolean {
  if (actor.role === 'admin') return true;
  return visibleTicket(world, actor, entry.ticket_id) !== undefined && (isStaff(actor) || !entry.is_internal);
}

/** users_select: yourself; staff everyone; customers the staff, never other customers. */
export function canSeeUser(actor: Actor, user: UserRow): boolean {
  return user.id === actor.id || isStaff(actor) || user.role !== 'customer';
}

/** Staff who can hold a ticket: an active agent, manager or admin (and visible to the caller). */
export function isAssignable(actor: Actor, user: UserRow | undefined): boolean {
  return user !== undefined && canSeeUser(actor, user) && user.role !== 'customer' && user.is_active;
}
