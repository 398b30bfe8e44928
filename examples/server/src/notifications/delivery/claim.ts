/**
 * Claiming due notifications with a lease. One statement locks due rows `FOR UPDATE SKIP LOCKED`
 * (rows another instance is claiming right now are passed over, not waited for) and moves their
 * `next_attempt_at` to the end of the lease, so once it commits no other instance sees them as due
 * until the lease runs out. Sending happens after the commit, outside any transaction: a worker that
 * dies mid-send leaves its rows to come due again when the lease ends, so a crash means a retry.
 * The lease's end doubles as the claim's token: an outcome is only recorded while it still matches
 * (`record-outcome.ts`), so a worker whose lease ran out cannot overwrite the next one's result.
 */
import type { Queryable } from '../../db/database.js';
import type { ChannelName, NotificationPriority, NotificationType, OutgoingNotification } from './channel.js';

export interface ClaimedNotification {
  notification: OutgoingNotification;
  /** Failed attempts so far (`retry_count`). */
  failures: number;
  expiresAt: Date | null;
  recipientActive: boolean;
}

interface ClaimedRow {
  id: string;
  type: NotificationType;
  channel: ChannelName;
  priority: NotificationPriority;
  title: string;
  body: string;
  ticket_id: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  retry_count: number;
  expires_at: Date | null;
  user_id: string;
  email: string;
  phone_number: string | null;
  name: string;
  is_active: boolean;
}

/**
 * Claims up to `limit` pending notifications due at `now` (never tried, or their retry time has
 * come), leasing them until `leaseUntil`. Rows already read are never claimed: the user has seen
 * them. Retries that came due go first (`next_attempt_at` sorts nulls last), then new rows in the
 * order they were made.
 */
export async function claimDueNotifications(db: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedNotification[]> {
  const { rows } = await db.query<ClaimedRow>(
    `with due as (
       select id from notifications
        where status = 'pending' and (next_attempt_at is null or next_attempt_at <= $1)
          -- Emails carrying a secret are sent by the request that made them (auth/email.ts): the
          -- row holds no token, so the worker could only send an empty shell of them.
          and type not in ('password_reset', 'invitation')
        order by next_attempt_at, created_at
        limit $2
        for update skip locked
     )
     update notifications n
        set next_attempt_at = $3
       from due, users u
      where n.id = due.id and u.id = n.user_id
     returning n.id, n.type, n.channel, n.priority, n.title, n.body, n.ticket_id, n.metadata, n.created_at,
               n.retry_count, n.expires_at, u.id as user_id, u.email, u.phone_number, u.is_active,
               coalesce(nullif(btrim(u.first_name || ' ' || u.last_name), ''), u.email) as name`,
    [now, limit, leaseUntil],
  );
  return rows.map((row) => ({
    notification: {
      id: row.id,
      type: row.type,
      channel: row.channel,
      priority: row.priority,
      title: row.title,
      body: row.body,
      ticketId: row.ticket_id,
      metadata: row.metadata,
      createdAt: row.created_at,
      recipient: { id: row.user_id, name: row.name, email: row.email, phone: row.phone_number },
    },
    failures: row.retry_count,
    expiresAt: row.expires_at,
    recipientActive: row.is_active,
  }));
}
