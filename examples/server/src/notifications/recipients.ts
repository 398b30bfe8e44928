/**
 * Turning notices into notification rows: who may be told, and on which channels. The rules here
 * hold for every event, whatever the routing table says: the actor is not told of their own
 * action, inactive users are told nothing, a customer hears only about their own ticket and never
 * anything internal, each person gets one notice per event (the first that reaches them), and one
 * row goes out per channel their preferences enable for its type.
 */
import type { components } from '../../../../src/generated/api.js';
import { effectivePreferences } from '../api/notifications/preferences.js';
import type { Queryable } from '../db/database.js';
import type { EventRow } from '../events/read-events.js';
import type { Notice } from './notices.js';
import { notificationPriority, type NotificationPriority } from './priority.js';
import type { TicketAtEvent } from './ticket-at-event.js';

type Channel = components['schemas']['NotificationChannel'];
const CHANNELS: readonly Channel[] = ['email', 'sms', 'in_app', 'slack'];

export interface Recipient {
  id: string;
  role: 'customer' | 'agent' | 'manager' | 'admin';
  isActive: boolean;
  /** `users.preferences -> 'notifications'`, as stored. */
  preferences: unknown;
}

/** A `notifications` row to insert. */
export interface NotificationInsert {
  user_id: string;
  ticket_id: string;
  type: Notice['type'];
  channel: Channel;
  priority: NotificationPriority;
  title: string;
  body: string;
  metadata: Record<string, unknown>;
}

/** The users `ids` names, by id; unknown ids (deleted users) are missing. */
export async function loadRecipients(tx: Queryable, ids: Iterable<string>): Promise<Map<string, Recipient>> {
  const { rows } = await tx.query<{ id: string; role: Recipient['role']; is_active: boolean; preferences: unknown }>(
    "select id, role, is_active, preferences -> 'notifications' as preferences from users where id = any ($1::uuid[])",
    [[...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, role: row.role, isActive: row.is_active, preferences: row.preferences }]));
}

/** The rows `notices` of `event` become, given the recipients' accounts. */
export function notificationRows(
  event: EventRow,
  ticket: TicketAtEvent,
  notices: readonly Notice[],
  recipients: ReadonlyMap<string, Recipient>,
): NotificationInsert[] {
  const told = new Set<string>();
  const rows: NotificationInsert[] = [];
  for (const notice of notices) {
    for (const userId of notice.to) {
      if (userId === null || told.has(userId)) continue;
      const user = recipients.get(userId);
      if (!user?.isActive) continue;
      if (userId === event.actor_id && !notice.toActor) continue;
      if (user.role === 'customer' && (notice.internal || event.is_internal || userId !== ticket.requesterId)) continue;
      told.add(userId);
      const channels = effectivePreferences(user.preferences)[notice.type];
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
          metadata: { event_id: event.id, event_type: event.type, ticket_number: ticket.number, ...notice.details },
        });
      }
    }
  }
  return rows;
}

/**
 * Inserts `rows` in one statement, all `pending` and due at `now` (the app's clock, so that the
 * delivery worker and tests agree on when a row was made).
 */
export async function insertNotifications(tx: Queryable, rows: readonly NotificationInsert[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into notifications (user_id, ticket_id, type, channel, priority, title, body, metadata, status, created_at, next_attempt_at)
     select r.user_id, r.ticket_id, r.type, r.channel, r.priority, r.title, r.body, r.metadata, 'pending', $2, $2
       from jsonb_to_recordset($1::jsonb) as r (
         user_id uuid, ticket_id uuid, type notification_type, channel notification_channel,
         priority notification_priority, title text, body text, metadata jsonb)`,
    [JSON.stringify(rows), now],
  );
}
