/**
 * `tf.notifications` (examples/server/src/api/notifications): the caller's own inbox (anyone
 * else's notification is a 404, admins included), read marks that keep the first read time, and
 * the caller's channel preferences, replaced as a whole. The notifications themselves are made by
 * the routing in `rules/notifications.ts` when the background jobs run.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { notFound } from '../problems.js';
import { effectivePreferences } from '../rules/notification-preferences.js';
import { jsonb } from '../rules/trail.js';
import type { NotificationRow } from '../store.js';
import type { Work } from '../world.js';
import { flag, id, idKey, page, repeated } from './shared.js';

type Notification = components['schemas']['Notification'];

const TYPES = [
  'ticket_created', 'ticket_assigned', 'status_changed', 'comment_added', 'escalated', 'sla_warning',
  'sla_breach', 'resolution_request', 'ticket_closed', 'password_reset', 'invitation',
] as const satisfies readonly Notification['type'][];
const CHANNELS = ['email', 'sms', 'in_app', 'slack'] as const satisfies readonly Notification['channel'][];

const ListQuery = z.strictObject({
  ...page,
  unread: flag.optional(),
  type: repeated(z.enum(TYPES)).optional(),
  channel: repeated(z.enum(CHANNELS)).optional(),
  ticket_id: id.optional(),
});
const Params = z.strictObject({ notification_id: idKey });

/** What the reader sees: delivery internals and the owner stay out. */
const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  ticket_id: row.ticket_id,
  type: row.type,
  channel: row.channel,
  priority: row.priority,
  title: row.title,
  body: row.body,
  status: row.status,
  metadata: row.metadata,
  created_at: row.created_at,
  sent_at: row.sent_at,
  delivered_at: row.delivered_at,
  read_at: row.read_at,
  expires_at: row.expires_at,
});

/** The caller's notifications not expired by `now`; those of a deleted ticket went with it. */
function inbox(work: Work, now: number): NotificationRow[] {
  const { notifications, tickets } = work.world.store.tables;
  return notifications.where(
    (row) =>
      row.user_id === work.me.id &&
      (row.expires_at === null || Date.parse(row.expires_at) > now) &&
      (row.ticket_id === null || tickets.get(row.ticket_id) !== undefined),
  );
}

export const notificationHandlers: HandlerTable = {
  listNotifications: {
    scope: 'notifications',
    handle({ world, work, req }) {
      const query = req.query(ListQuery);
      const ticketId = query.ticket_id?.toLowerCase();
      const rows = inbox(work, world.clock.now().getTime()).filter(
        (row) =>
          (query.unread === undefined || (row.read_at === null) === query.unread) &&
          (!query.type || query.type.includes(row.type)) &&
          (!query.channel || query.channel.includes(row.channel)) &&
          (ticketId === undefined || row.ticket_id === ticketId),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('notifications', { unread: query.unread, type: query.type, channel: query.channel, ticket_id: ticketId }),
          descending: true,
          keyLength: 2,
          keyOf: (row) => [row.created_at, row.id],
          serialize: toNotification,
        }),
      );
    },
  },
  markAllNotificationsRead: {
    scope: 'notifications',
    handle({ world, work }) {
      const now = world.clock.now();
      const unread = inbox(work, now.getTime()).filter((row) => row.read_at === null);
      for (const row of unread) world.store.tables.notifications.put({ ...row, status: 'read', read_at: now.toISOString() });
      return ok({ updated: unread.length });
    },
  },
  getNotificationPreferences: {
    scope: 'notifications',
    handle({ world, work }) {
      const user = world.store.tables.users.get(work.me.id);
      return ok(effectivePreferences(user?.preferences.notifications ?? null));
    },
  },
  updateNotificationPreferences: {
    scope: 'notifications',
    handle({ world, work, req }) {
      const body = req.json('updateNotificationPreferences');
      const { users } = world.store.tables;
      const user = users.get(work.me.id);
      if (!user) return ok(effectivePreferences(null));
      // jsonb_set(preferences, '{notifications}', body): a replacement, not a merge.
      const preferences = jsonb({ ...user.preferences, notifications: body }) as Record<string, unknown>;
      users.put({ ...user, preferences, updated_at: work.now() });
      return ok(effectivePreferences(preferences.notifications));
    },
  },
  markNotificationRead: {
    scope: 'notifications',
    handle({ world, work, req }) {
      const { notification_id } = req.params(Params);
      const now = world.clock.now();
      const row = inbox(work, now.getTime()).find((each) => each.id === notification_id);
      if (!row) throw notFound('notification');
      // Reading twice keeps the first read_at, so retries and other tabs agree on when it was read.
      const read = world.store.tables.notifications.put({ ...row, status: 'read', read_at: row.read_at ?? now.toISOString() });
      return ok(toNotification(read));
    },
  },
};
