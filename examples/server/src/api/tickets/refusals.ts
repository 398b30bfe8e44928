/**
 * Why a conditional write on a ticket matched no row. Row-level security filters UPDATE and DELETE
 * silently and the version check is part of the same statement, so "0 rows" can mean: the ticket
 * is invisible (404, as if it did not exist), it moved on since the caller's ETag (412), it is
 * already where a transition would take it (409), or the caller may see it but not change it
 * (403). One read afterwards tells them apart; it decides nothing, the write already has.
 */
import type { components } from '../../../../../src/generated/api.js';
import type { Queryable } from '../../db/database.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';

type TicketStatus = components['schemas']['TicketStatus'];

const MAY_NOT_CHANGE =
  'You may see this ticket but not change it: agents change the tickets assigned to them, managers those of their department and teams.';

export interface RefusalContext {
  /** The versions `If-Match` allowed; `null` without the header. */
  versions: number[] | null;
  /** The status a transition moves to, when the write was one. */
  target?: TicketStatus;
  /** The statuses that transition starts from, when it is narrower than the workflow (see `Move.from`). */
  from?: readonly TicketStatus[] | undefined;
  /** Why a visible ticket is not this caller's to change, when the write has a rule of its own. */
  detail?: string;
  /** A reason of the write's own that comes before "not yours to change" (an unknown assignee). */
  otherwise?: () => Promise<Problem | undefined>;
}

export async function ticketRefusal(tx: Queryable, ticketId: string, context: RefusalContext): Promise<Problem> {
  const { rows } = await tx.query<{ status: TicketStatus; version: number }>('select status, version from tickets where id = $1', [ticketId]);
  const ticket = rows[0];
  if (!ticket) return notFound('ticket');
  if (context.versions && !context.versions.includes(ticket.version)) return stale(ticket.version, context.versions);
  if (context.target && ticket.status === context.target) {
    return new Problem(409, 'invalid_transition', `The ticket is already ${ticket.status}.`);
  }
  if (context.from && !context.from.includes(ticket.status)) {
    const detail = `Only a ${context.from.join(' or ')} ticket moves to ${context.target ?? 'that status'} this way; this one is ${ticket.status}.`;
    // Staff get the workflow's answer; a customer, who may only close and reopen, the 403 the
    // workflow trigger gives them for any other move.
    return (await isStaff(tx)) ? new Problem(409, 'invalid_transition', detail) : forbidden(detail);
  }
  return (await context.otherwise?.()) ?? forbidden(context.detail ?? MAY_NOT_CHANGE);
}

async function isStaff(tx: Queryable): Promise<boolean> {
  const { rows } = await tx.query<{ staff: boolean }>('select app.is_staff() as staff');
  return rows[0]?.staff === true;
}

function stale(current: number, expected: number[]): Problem {
  const detail =
    expected.length > 0
      ? `The ticket was changed by someone else: it is at version ${current}, not ${expected.join(' or ')}.`
      : 'If-Match holds only weak entity tags, which never match a write; send the ETag as given.';
  return new Problem(412, 'precondition_failed', detail);
}
