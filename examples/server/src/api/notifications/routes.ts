/**
 * The caller's notifications and preferences. These operations are about the caller's own inbox:
 * row-level security lets admins read everyone's notifications, but an inbox is one person's, so
 * every query names the caller (`user_id = app.user_id()`), and anyone else's notification is a 404.
 * "Now" for expiry and read times is the app's clock, like every time-based decision.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound } from '../../http/problem.js';
import { flag, id, oneOrMany, page } from '../../http/schemas.js';
import { NOTIFICATION_COLUMNS, toNotification, type NotificationRow } from './notification-row.js';
import { effectivePreferences, NotificationPreferencesUpdate } from './preferences.js';

const type = z.enum([
  'ticket_created', 'ticket_assigned', 'status_changed', 'comment_added', 'escalated', 'sla_warning',
  'sla_breach', 'resolution_request', 'ticket_closed', 'password_reset', 'invitation',
]);
const channel = z.enum(['email', 'sms', 'in_app', 'slack']);

const ListQuery = z.strictObject({
  ...page,
  unread: flag.optional(),
  type: oneOrMany(type).optional(),
  channel: oneOrMany(channel).optional(),
  ticket_id: id.optional(),
});

const Params = z.strictObject({ notification_id: id });

export function notificationRoutes({ clock }: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('notifications'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { unread: query.unread, type: query.type, channel: query.channel, ticket_id: query.ticket_id };
      const print = fingerprint('notifications', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await c.get('tx').query<NotificationRow & { sort_at: string }>(
        `select ${NOTIFICATION_COLUMNS}, created_at::text as sort_at from notifications
          where user_id = app.user_id()
            and (expires_at is null or expires_at > $1)
            and ($2::boolean is null or (read_at is null) = $2)
            and ($3::text[] is null or type = any ($3::text[]::notification_type[]))
            and ($4::text[] is null or channel = any ($4::text[]::notification_channel[]))
            and ($5::uuid is null or ticket_id = $5)
            and ($6::timestamptz is null or (created_at, id) < ($6::timestamptz, $7::uuid))
          order by created_at desc, id desc
          limit $8`,
        [
          clock.now(), query.unread ?? null, query.type ?? null, query.channel ?? null, query.ticket_id ?? null,
          after?.[0] ?? null, after?.[1] ?? null, query.limit + 1,
        ],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.sort_at, row.id], toNotification));
    })
    .post('/read-all', async (c) => {
      const { rowCount } = await c.get('tx').query(
        `update notifications set status = 'read', read_at = $1
          where user_id = app.user_id() and read_at is null and (expires_at is null or expires_at > $1)`,
        [clock.now()],
      );
      return c.json({ updated: rowCount ?? 0 });
    })
    .get('/preferences', async (c) => {
      const { rows } = await c.get('tx').query<{ notifications: unknown }>(
        "select preferences -> 'notifications' as notifications from users where id = app.user_id()",
      );
      return c.json(effectivePreferences(rows[0]?.notifications ?? null));
    })
    .put('/preferences', async (c) => {
      const body = await readJson(c, NotificationPreferencesUpdate);
      const { rows } = await c.get('tx').query<{ notifications: unknown }>(
        `update users set preferences = jsonb_set(preferences, '{notifications}', $1::jsonb)
          where id = app.user_id()
          returning preferences -> 'notifications' as notifications`,
        [JSON.stringify(body)],
      );
      return c.json(effectivePreferences(rows[0]?.notifications ?? null));
    })
    .post('/:notification_id/read', async (c) => {
      const { notification_id } = readParams(c, Params);
      // Reading twice keeps the first read_at, so retries and other tabs agree on when it was read.
      const { rows } = await c.get('tx').query<NotificationRow>(
        `update notifications set status = 'read', read_at = coalesce(read_at, $2)
          where id = $1 and user_id = app.user_id() and (expires_at is null or expires_at > $2)
          returning ${NOTIFICATION_COLUMNS}`,
        [notification_id, clock.now()],
      );
      if (!rows[0]) throw notFound('notification');
      return c.json(toNotification(rows[0]));
    });
}
