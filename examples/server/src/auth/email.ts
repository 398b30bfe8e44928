/**
 * Emails that carry a secret (a password-reset or invitation token). The secret travels in the
 * message only: the `notifications` row that records the email holds its subject and a description,
 * never the token, and the row says whether delivery worked.
 */
import type { AppDeps } from '../context.js';
import type { Queryable } from '../db/database.js';
import type { MailMessage } from '../mailbox.js';

export interface EmailNotification {
  userId: string;
  type: 'password_reset' | 'invitation';
  title: string;
  /** What the user sees in their notification list; no secret. */
  body: string;
  metadata: Record<string, unknown>;
  expiresAt?: Date;
}

/** Records the email as a pending notification, on the server's own connection. */
export async function insertEmailNotification(tx: Queryable, notification: EmailNotification): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into notifications (user_id, type, channel, priority, title, body, metadata, expires_at)
     values ($1, $2, 'email', 'high', $3, $4, $5, $6) returning id`,
    [notification.userId, notification.type, notification.title, notification.body, JSON.stringify(notification.metadata), notification.expiresAt ?? null],
  );
  return rows[0]!.id;
}

/**
 * Hands `message` to the mailbox and records the outcome on the notification. Never throws: it
 * runs after the change it belongs to has committed, when there is nobody left to tell. `secret` is
 * cut out of anything logged, in case a provider's error quotes the message.
 */
export async function deliverEmail(
  deps: Pick<AppDeps, 'db' | 'mailbox' | 'logger' | 'clock'>,
  notificationId: string,
  message: MailMessage,
  secret: string,
): Promise<void> {
  try {
    await deps.mailbox.deliver(message);
    await deps.db.query("update notifications set status = 'sent', sent_at = $2 where id = $1", [notificationId, deps.clock.now()]);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replaceAll(secret, '[redacted]').slice(0, 500);
    deps.logger.log('warn', 'email delivery failed', { notification_id: notificationId, reason });
    try {
      await deps.db.query(
        "update notifications set status = 'failed', failed_reason = $2, retry_count = retry_count + 1 where id = $1",
        [notificationId, reason],
      );
    } catch (recordError) {
      deps.logger.log('error', 'could not record a failed email delivery', {
        notification_id: notificationId,
        reason: (recordError instanceof Error ? recordError.message : String(recordError)).slice(0, 500),
      });
    }
  }
}
