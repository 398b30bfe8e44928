/**
 * Notification routing, as the server's router does it (examples/server/src/notifications/
 * router.ts, notices.ts, recipients.ts, ticket-at-event.ts, priority.ts): a consumer of the events
 * outbox that turns ticket events into `pending` notification rows, one per channel the
 * recipient's preferences enable. The routing table:
 *
 * - `ticket.created`: the requester's receipt (even when they opened it), the assignee if any;
 * - `ticket.updated`: a new assignee (`ticket_assigned`); a status change to requester and assignee
 *   (`status_changed`; `resolution_request` to the requester on resolve; `ticket_closed`);
 * - `comment.created`: public replies to requester and assignee, internal notes to the staff on the
 *   ticket (`comment_added`);
 * - `escalation.created` / a raised level: the escalation chain (`escalated`);
 * - `sla.warning` / `sla.breached`: the chain's first (and second) level (`sla_warning`, `sla_breach`).
 *
 * The actor is not told of their own action, inactive users are told nothing, a customer hears only
 * about their own ticket and never anything internal. Nothing is sent: rows stay `pending`.
 */
import type { components } from '../../generated/api.js';
import type { EventRow, NotificationRow } from '../store.js';
import type { Work, World } from '../world.js';
import { escalationChain, isOpen, liveEscalations } from './escalations.js';
import * as messages from './notification-messages.js';
import { effectivePreferences, type PREFERENCE_TYPES } from './notification-preferences.js';
import { emit, jsonb } from './trail.js';

type Channel = components['schemas']['NotificationChannel'];
type NotificationPriority = components['schemas']['NotificationPriority'];
type TicketPriority = components['schemas']['TicketPriority'];
export type TicketStatus = components['schemas']['TicketStatus'];
type TicketNotificationType = (typeof PREFERENCE_TYPES)[number];

const CHANNELS: readonly Channel[] = ['email', 'sms', 'in_app', 'slack'];

/** The ticket as it stood when an event happened. */
export interface TicketAtEvent {
  id: string;
  number: string;
  title: string;
  priority: TicketPriority;
  requesterId: string;
  /** The assignee right after the event's transaction. */
  assigneeId: string | null;
}

/** What a `ticket.updated` event changed of the fields notifications are about. */
interface TicketChange {
  status?: { from: TicketStatus; to: TicketStatus };
  assignee?: { from: string | null; to: string | null };
}

interface Notice {
  type: TicketNotificationType;
  to: readonly (string | null)[];
  internal: boolean;
  toActor?: boolean;
  message: messages.Message;
  details?: Record<string, unknown>;
}

/** The consumer's name, as the server's `event_consumers` row. */
const CONSUMER = 'notifications';

/** Routes the events written since the last run; answers how many events it read. */
export function routeNotifications(work: Work): number {
  const { store } = work.world;
  const position = store.tables.eventConsumers.get(CONSUMER)?.seq ?? 0;
  const events = store.tables.events.where((event) => event.seq > position).sort((a, b) => a.seq - b.seq);
  if (events.length === 0) return 0;
  const rows: Omit<NotificationRow, 'id' | 'created_at'>[] = [];
  for (const event of events) {
    // Notifications are about tickets; `notification.*` events are the router's own output.
    if (event.ticket_id === null || event.type.startsWith('notification.')) continue;
    const ticket = ticketAtEvent(work.world, event);
    if (!ticket) continue; // deleted since
    rows.push(...notificationRows(work.world, event, ticket, noticesFor(work.world, event, ticket)));
  }
  insertNotifications(work, rows);
  store.tables.eventConsumers.put({ id: CONSUMER, seq: events.at(-1)!.seq });
  return events.length;
}

/**
 * The ticket of `event` as the event left it: the assignee is the current one unless a later
 * change replaced it, then the value the first later change replaced.
 */
function ticketAtEvent(world: World, event: EventRow): TicketAtEvent | undefined {
  const { tickets, history } = world.store.tables;
  const ticket = event.ticket_id === null ? undefined : tickets.get(event.ticket_id);
  if (!ticket) return undefined;
  const later = history
    .where((entry) => entry.ticket_id === ticket.id && entry.field === 'assignee_id' && Date.parse(entry.created_at) > Date.parse(event.created_at))
    .sort((a, b) => a.seq - b.seq)[0];
  return {
    id: ticket.id,
    number: ticket.ticket_number,
    title: ticket.title,
    priority: ticket.priority,
    requesterId: ticket.requester_id,
    assigneeId: later ? ((later.old_value as string | null) ?? null) : ticket.assignee_id,
  };
}

/**
 * The status and assignee change a `ticket.updated` event announces, paired with the history its
 * transaction wrote (same ticket, time and actor). Only the transaction's last status event
 * reports a status change, from the first old value to the last new one: one request, one notice.
 */
function ticketChange(world: World, event: EventRow): TicketChange | undefined {
  const { events, history } = world.store.tables;
  const sameMoment = (e: { ticket_id: string | null; created_at: string; actor_id: string | null }) =>
    e.ticket_id === event.ticket_id && e.created_at === event.created_at && e.actor_id === event.actor_id;
  const change: TicketChange = {};
  let found = false;
  for (const field of ['status', 'assignee_id'] as const) {
    const announced = events
      .where((e) => e.type === 'ticket.updated' && sameMoment(e) && changesOf(e).includes(field))
      .sort((a, b) => a.seq - b.seq);
    const k = announced.findIndex((e) => e.id === event.id);
    if (k < 0 || (field === 'status' && k !== announced.length - 1)) continue;
    const recorded = history.where((h) => h.field === field && sameMoment(h)).sort((a, b) => a.seq - b.seq);
    const entry = recorded[k];
    if (!entry) continue;
    found = true;
    if (field === 'status') {
      const from = recorded[0]!.old_value as TicketStatus;
      const to = entry.new_value as TicketStatus;
      if (from !== to) change.status = { from, to };
    } else {
      change.assignee = { from: (entry.old_value as string | null) ?? null, to: (entry.new_value as string | null) ?? null };
    }
  }
  return found ? change : undefined;
}

const changesOf = (event: EventRow): unknown[] => (Array.isArray(event.payload.changes) ? (event.payload.changes as unknown[]) : []);

function noticesFor(world: World, event: EventRow, ticket: TicketAtEvent): Notice[] {
  switch (event.type) {
    case 'ticket.created':
      return [
        { type: 'ticket_created', to: [ticket.requesterId], internal: false, toActor: true, message: messages.receipt(ticket) },
        { type: 'ticket_created', to: [ticket.assigneeId], internal: false, message: messages.createdForAssignee(ticket) },
      ];
    case 'ticket.updated': {
      const change = ticketChange(world, event);
      return change ? updateNotices(ticket, change) : [];
    }
    case 'comment.created':
      return commentNotices(world, event, ticket);
    case 'escalation.created':
    case 'escalation.updated':
      return escalationNotices(world, event, ticket);
    case 'sla.warning':
    case 'sla.breached':
      return slaNotices(world, event, ticket);
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

function commentNotices(world: World, event: EventRow, ticket: TicketAtEvent): Notice[] {
  const commentId = event.payload.comment_id;
  if (typeof commentId !== 'string') return [];
  const { comments, users } = world.store.tables;
  const comment = comments.get(commentId);
  // A comment deleted before it was routed has nothing left to read.
  if (comment?.deleted_at !== null) return [];
  const author = comment.author_id === null ? undefined : users.get(comment.author_id);
  // A note made internal since it was posted is internal now: its text must not reach a customer.
  const internal = event.is_internal || comment.is_internal;
  const name = `${author?.first_name ?? ''} ${author?.last_name ?? ''}`.trim();
  const shown = name || (author === undefined || author.role === 'customer' ? 'The requester' : 'Support');
  const message = messages.commentAdded(ticket, shown, comment.body, internal);
  const details = { comment_id: commentId, is_internal: internal };
  if (!internal) return [{ type: 'comment_added', to: [ticket.requesterId, ticket.assigneeId], internal, message, details }];
  return [{ type: 'comment_added', to: [ticket.assigneeId, ...staffOnTicket(world, ticket.id, event.created_at)], internal, message, details }];
}

/** Staff who take part in a ticket: who wrote on it (up to `until`), and whom its open escalations went to. */
function staffOnTicket(world: World, ticketId: string, until: string): string[] {
  const { comments, users } = world.store.tables;
  const writers = comments
    .where((c) => c.ticket_id === ticketId && c.deleted_at === null && Date.parse(c.created_at) <= Date.parse(until))
    .filter((c) => c.author_id !== null && users.get(c.author_id) !== undefined && users.get(c.author_id)!.role !== 'customer')
    .map((c) => c.author_id!);
  const escalatedTo = liveEscalations(world)
    .filter((e) => e.ticket_id === ticketId && e.to_user_id !== null && isOpen(e))
    .map((e) => e.to_user_id!);
  return [...new Set([...writers, ...escalatedTo])].sort();
}

function escalationNotices(world: World, event: EventRow, ticket: TicketAtEvent): Notice[] {
  const { escalation_id: escalationId, escalation_level: level, previous_level: previous } = event.payload;
  if (typeof escalationId !== 'string' || typeof level !== 'number') return [];
  // An update is news only when it raised the level; acknowledging or resolving tells no one.
  const raised = typeof previous === 'number' && previous < level;
  if (event.type === 'escalation.updated' && !raised) return [];
  const escalation = world.store.tables.escalations.get(escalationId);
  if (!escalation) return [];
  // A breach opens its escalation in the same breath as `sla.breached`, whose notice already tells them.
  if (event.type === 'escalation.created' && escalation.escalation_type === 'sla_breach') return [];
  const chain = escalationChain(world, ticket.id, level);
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

function slaNotices(world: World, event: EventRow, ticket: TicketAtEvent): Notice[] {
  const { target, due_at: dueAt } = event.payload;
  if ((target !== 'first_response' && target !== 'resolution') || typeof dueAt !== 'string' || Number.isNaN(Date.parse(dueAt))) return [];
  const details = { target, due_at: dueAt };
  if (event.type === 'sla.warning') {
    return [{ type: 'sla_warning', to: escalationChain(world, ticket.id, 1), internal: true, message: messages.slaWarning(ticket, target, dueAt), details }];
  }
  const to = [...escalationChain(world, ticket.id, 1), ...escalationChain(world, ticket.id, 2)];
  return [{ type: 'sla_breach', to, internal: true, message: messages.slaBreach(ticket, target, dueAt), details }];
}

const PRIORITY_ORDER: readonly NotificationPriority[] = ['low', 'normal', 'high', 'urgent'];
const BY_TICKET: Record<TicketPriority, NotificationPriority> = { low: 'low', medium: 'normal', high: 'high', urgent: 'urgent' };
const AT_LEAST: Partial<Record<TicketNotificationType, NotificationPriority>> = { sla_breach: 'urgent', sla_warning: 'high', escalated: 'high' };

/** As pressing as its ticket, and never less than what it reports demands. */
function notificationPriority(type: TicketNotificationType, ticket: TicketAtEvent): NotificationPriority {
  return PRIORITY_ORDER[Math.max(PRIORITY_ORDER.indexOf(BY_TICKET[ticket.priority]), PRIORITY_ORDER.indexOf(AT_LEAST[type] ?? 'low'))]!;
}

/** The rows the notices of `event` become, given the recipients' accounts. */
function notificationRows(world: World, event: EventRow, ticket: TicketAtEvent, notices: readonly Notice[]): Omit<NotificationRow, 'id' | 'created_at'>[] {
  const told = new Set<string>();
  const rows: Omit<NotificationRow, 'id' | 'created_at'>[] = [];
  for (const notice of notices) {
    for (const userId of notice.to) {
      if (userId === null || told.has(userId)) continue;
      const user = world.store.tables.users.get(userId);
      if (!user?.is_active) continue;
      if (userId === event.actor_id && !notice.toActor) continue;
      if (user.role === 'customer' && (notice.internal || event.is_internal || userId !== ticket.requesterId)) continue;
      told.add(userId);
      const channels = effectivePreferences(user.preferences.notifications ?? null)[notice.type];
      for (const channel of CHANNELS) {
        if (!channels[channel]) continue;
        rows.push({
          user_id: userId,
          ticket_id: ticket.id,
          type: notice.type,
          channel,
          priority: notificationPriority(notice.type, ticket),
          title: notice.message.title,
          body: notice.message.body,
          status: 'pending',
          metadata: jsonb({ event_id: event.id, event_type: event.type, ticket_number: ticket.number, ...notice.details }) as Record<string, unknown>,
          sent_at: null,
          delivered_at: null,
          read_at: null,
          expires_at: null,
        });
      }
    }
  }
  return rows;
}

/** INSERT INTO notifications, and its trigger's `notification.created` event per row. */
function insertNotifications(work: Work, rows: readonly Omit<NotificationRow, 'id' | 'created_at'>[]): void {
  const { store, ids } = work.world;
  for (const fields of rows) {
    const row = store.tables.notifications.put({ id: ids.uuid(), ...fields, created_at: work.now() });
    emit(work, 'notification.created', null, false, { notification_id: row.id, type: row.type, ticket_id: row.ticket_id }, { userId: row.user_id });
  }
}
