/**
 * Recording how an attempt went. Each update only applies while the row still carries the lease the
 * attempt was claimed with (`next_attempt_at = lease`), so an attempt that outlived its lease cannot
 * overwrite a later one. A notification the user read meanwhile stays `read`: the outcome's times,
 * ids and reasons are kept, its status is not.
 */
import type { Queryable } from '../../db/database.js';
import type { DeliveryReceipt } from './channel.js';

/** Marks a claimed notification `sent` or `delivered` at `at`. False when the lease was lost. */
export async function recordDelivered(db: Queryable, id: string, lease: Date, receipt: DeliveryReceipt, at: Date): Promise<boolean> {
  const delivered = receipt.status === 'delivered';
  const { rowCount } = await db.query(
    `update notifications
        set status = case when status = 'read' then status else $3::notification_status end,
            sent_at = coalesce(sent_at, $4),
            delivered_at = case when $5::boolean then coalesce(delivered_at, $4) else delivered_at end,
            external_id = $6,
            failed_reason = null,
            next_attempt_at = null
      where id = $1 and next_attempt_at = $2 and status in ('pending', 'read')`,
    [id, lease, receipt.status, at, delivered, receipt.externalId?.slice(0, 255) ?? null],
  );
  return rowCount > 0;
}

/**
 * Counts a failed attempt and keeps its reason: the row is due again at `retryAt`, or `failed` for
 * good when `retryAt` is null. A notification read meanwhile is not retried. False when the lease
 * was lost.
 */
export async function recordFailure(db: Queryable, id: string, lease: Date, reason: string, retryAt: Date | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `update notifications
        set retry_count = retry_count + 1,
            failed_reason = $3,
            status = case when status = 'read' or $4::timestamptz is not null then status else 'failed' end,
            next_attempt_at = case when status = 'read' then null else $4::timestamptz end
      where id = $1 and next_attempt_at = $2 and status in ('pending', 'read')`,
    [id, lease, reason, retryAt],
  );
  return rowCount > 0;
}
