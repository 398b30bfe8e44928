/**
 * Who hears about an event, and what they are told: the routing table of notifications. Each
 * event becomes a list of notices, most specific first; the router then drops the actor, inactive
 * users and (for internal notices) customers, keeps one notice per person and event, and fans each
 * out over the person's channels.
 */
import type { components } from '../../../../src/generated/api.js';
import type { PREFERENCE_TYPES } from '../api/notifications/preferences.js';
import type { Queryable } from '../db/database.js';
import type { EventRow } from '../events/read-events.js';
import { escalationChain } from '../sla/escalation-chain.js';
import * as messages from './messages.js';
import type { TicketAtEvent, TicketChange } from './ticket-at-event.js';

/** The notification types about tickets, which are the ones users set preferences for. */
export type TicketNotificationType = (typeof PREFERENCE_TYPES)[number];

export interface Notice {
  type: TicketNotificationType;
  /** Candidates, most directly concerned first; nulls (no assignee, no target) are skipped. */
  to: readonly (string | null)[];
  /** About the support side's work: never sent to a customer. */
  internal: boolean;
  /**
   * Sent to the actor too. Only the receipt for a new ticket is: it confirms the actor's own
   * request and gives them its number; every other notice tells people what someone else did.
   */
  toActor?: boolean;
  message: messages.Message;
  /** Kept in the notification's metadata beside the event id and ticket number. */
  details?: Record<string, unknown>;
}

/** The notices an event gives rise to; none for events notifications are not about. */
export async function noticesFor(
  tx: Queryable,
  event: EventRow,
  ticket: TicketAtEvent,
  change: TicketChange | undefined,
): Promise<Notice[]> {
  switch (event.type) {
    case 'ticket.created':
      return [
        { type: 'ticket_created', to: [ticket.requesterId], internal: false, toActor: true, message: messages.receipt(ticket) },
        { type: 'ticket_created', to: [ticket.assigneeId], internal: false, message: messages.createdForAssignee(ticket) },
      ];
    case 'ticket.updated':
      return change ? updateNotices(ticket, change) : [];
    case 'comment.created':
      return commentNotices(tx, event, ticket);
    case 'escalation.created':
    case 'escalation.updated':
      return escalationNotices(tx, event, ticket);
    case 'sla.warning':
    case 'sla.breached':
      return slaNotices(tx, event, ticket);
    default:
      return [];
  }
}

function updateNotices(ticket: TicketAtEvent, change: TicketChange): Notice[] {
  const notices: Notice[] = [];
  if (change.assignee?.to && change.assignee.to !== change.assignee.from) {
    notices.push({ type: 'ticket_assigned', to: [change.assignee.to], internal: false, message: messages.assigned(ticket) });
  }
  const status = change.status;
  if (status) {
    const details = { status_from: status.from, status_to: status.to };
    const moved = { type: 'status_changed', internal: false, message: messages.statusChanged(ticket, status.from, status.to), details } as const;
    if (status.to === 'resolved') {
      notices.push({ type: 'resolution_request', to: [ticket.requesterId], internal: false, message: messages.resolutionRequest(ticket), details });
      notices.push({ ...moved, to: [ticket.assigneeId] });
    } else if (status.to === 'closed') {
      notices.push({ type: 'ticket_closed', to: [ticket.requesterId, ticket.assigneeId], internal: false, message: messages.closed(ticket), details });
    } else {
      notices.push({ ...moved, to: [ticket.requesterId, ticket.assigneeId] });
    }
  }
  return notices;
}

async function commentNotices(tx: Queryable, event: EventRow, ticket: TicketAtEvent): Promise<Notice[]> {
  const commentId = event.payload.comment_id;
  if (typeof commentId !== 'string') return [];
  const { rows } = await tx.query<{ body: string; is_internal: boolean; deleted: boolean; author: string; author_role: string | null }>(
    `select c.body, c.is_internal, c.deleted_at is not null as deleted, u.role as author_role,
            btrim(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '')) as author
       from comments c left join users u on u.id = c.author_id
      where c.id = $1`,
    [commentId],
  );
  const comment = rows[0];
  // A comment deleted before it was routed has nothing left to read.
  if (!comment || comment.deleted) return [];
  // A note made internal since it was posted is internal now: its text must not reach a customer.
  const internal = event.is_internal || comment.is_internal;
  const author = comment.author || (comment.author_role === 'customer' || comment.author_role === null ? 'The requester' : 'Support');
  const message = messages.commentAdded(ticket, author, comment.body, internal);
  const details = { comment_id: commentId, is_internal: internal };
  if (!internal) return [{ type: 'comment_added', to: [ticket.requesterId, ticket.assigneeId], internal, message, details }];
  return [{ type: 'comment_added', to: [ticket.assigneeId, ...(await staffOnTicket(tx, ticket.id, event.created_at))], internal, message, details }];
}

/** Staff who take part in a ticket: who wrote on it (up to `until`), and whom its open escalations went to. */
async function staffOnTicket(tx: Queryable, ticketId: string, until: Date): Promise<string[]> {
  const { rows } = await tx.query<{ user_id: string }>(
    `select c.author_id as user_id from comments c join users u on u.id = c.author_id
      where c.ticket_id = $1 and c.deleted_at is null and c.created_at <= $2 and u.role <> 'customer'
     union
     select e.to_user_id from escalations e
      where e.ticket_id = $1 and e.to_user_id is not null and e.status in ('pending', 'acknowledged')`,
    [ticketId, until],
  );
  return rows.map((row) => row.user_id).sort();
}

async function escalationNotices(tx: Queryable, event: EventRow, ticket: TicketAtEvent): Promise<Notice[]> {
  const { escalation_id: escalationId, escalation_level: level, previous_level: previous } = event.payload;
  if (typeof escalationId !== 'string' || typeof level !== 'number') return [];
  // An update is news only when it raised the level; acknowledging or resolving tells no one.
  const raised = typeof previous === 'number' && previous < level;
  if (event.type === 'escalation.updated' && !raised) return [];
  const { rows } = await tx.query<{ to_user_id: string | null; escalation_type: string; reason: string }>(
    'select to_user_id, escalation_type, reason from escalations where id = $1',
    [escalationId],
  );
  const escalation = rows[0];
  if (!escalation) return [];
  // A breach opens its escalation in the same breath as `sla.breached`, whose notice already tells
  // the assignee and the lead: a second notice for the same moment would be noise.
  if (event.type === 'escalation.created' && escalation.escalation_type === 'sla_breach') return [];
  const chain = await escalationChain(tx, ticket.id, level);
  const facts = { level, previousLevel: raised ? previous : null, type: escalation.escalation_type, reason: escalation.reason };
  return [
    {
      type: 'escalated',
      to: [...chain, escalation.to_user_id],
      internal: true,
      message: messages.escalated(ticket, facts),
      details: { escalation_id: escalationId, escalation_level: level, escalation_type: escalation.escalation_type },
    },
  ];
}

type EventSlaData = components['schemas']['EventSla']['data'];
const isTarget = (value: unknown): value is EventSlaData['target'] => value === 'first_response' || value === 'resolution';

async function slaNotices(tx: Queryable, event: EventRow, ticket: TicketAtEvent): Promise<Notice[]> {
  const { target, due_at: dueAt } = event.payload;
  if (!isTarget(target) || typeof dueAt !== 'string' || Number.isNaN(Date.parse(dueAt))) return [];
  const details = { target, due_at: dueAt };
  if (event.type === 'sla.warning') {
    return [{ type: 'sla_warning', to: await escalationChain(tx, ticket.id, 1), internal: true, message: messages.slaWarning(ticket, target, dueAt), details }];
  }
  const to = [...(await escalationChain(tx, ticket.id, 1)), ...(await escalationChain(tx, ticket.id, 2))];
  return [{ type: 'sla_breach', to, internal: true, message: messages.slaBreach(ticket, target, dueAt), details }];
}
