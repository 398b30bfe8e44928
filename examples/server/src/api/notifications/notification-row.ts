/** Notification rows as the database returns them, and as the contract shows them. */
import type { components } from '../../../../../src/generated/api.js';
import { iso, isoOrNull } from '../../http/serialize.js';

export type Notification = components['schemas']['Notification'];

export interface NotificationRow {
  id: string;
  ticket_id: string | null;
  type: Notification['type'];
  channel: Notification['channel'];
  priority: Notification['priority'];
  title: string;
  body: string;
  status: Notification['status'];
  metadata: Record<string, unknown>;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  expires_at: Date | null;
}

/** Delivery internals (retries, provider ids, failure reasons) are the delivery worker's, not the reader's. */
export const NOTIFICATION_COLUMNS =
  'id, ticket_id, type, channel, priority, title, body, status, metadata, created_at, sent_at, delivered_at, read_at, expires_at';

export const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  ticket_id: row.ticket_id,
  type: row.type,
  channel: row.channel,
  priority: row.priority,
  title: row.title,
  body: row.body,
  status: row.status,
  metadata: row.metadata,
  created_at: iso(row.created_at),
  sent_at: isoOrNull(row.sent_at),
  delivered_at: isoOrNull(row.delivered_at),
  read_at: isoOrNull(row.read_at),
  expires_at: isoOrNull(row.expires_at),
});
