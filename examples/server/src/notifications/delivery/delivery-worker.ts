/**
 * The notification delivery worker: claims due `pending` notifications with a lease, sends each
 * through its channel outside any transaction, and records the outcome —
 * `pending` → `sent` | `delivered`, or back to `pending` with `retry_count + 1`, the reason and a
 * later `next_attempt_at` (exponential backoff with jitter), until the last attempt fails and the
 * row is `failed`. Delivery is at least once: a worker that dies after sending but before recording
 * sends again when its lease runs out, which is why emails carry a stable Message-ID.
 */
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import type { Worker } from '../../workers/worker.js';
import type { DeliveryChannels, DeliveryReceipt } from './channel.js';
import { claimDueNotifications, type ClaimedNotification } from './claim.js';
import { isUndeliverable, retryAfterOf, UndeliverableError } from './errors.js';
import { recordDelivered, recordFailure } from './record-outcome.js';
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './retry.js';

export interface NotificationDeliveryOptions {
  /** Used as the owner: delivery sees every user's notifications. */
  db: Database;
  clock: Clock;
  channels: DeliveryChannels;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** Notifications claimed per batch. */
  batchSize?: number;
  /** Sends in flight at once within a batch. */
  concurrency?: number;
  /** How long a claim lasts; longer than the slowest channel's timeout, or a slow send is repeated. */
  leaseMs?: number;
}

/** Failure reasons are for operators reading the row; a provider's whole answer is not needed. */
const MAX_REASON = 1000;

/** The delivery worker; each `runOnce` claims and sends one batch and says how many it claimed. */
export function notificationDelivery(options: NotificationDeliveryOptions): Worker {
  const { db, clock, channels, logger } = options;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!(retry.maxAttempts >= 1)) throw new RangeError('retry.maxAttempts must be at least 1');
  const batchSize = options.batchSize ?? 20;
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? 5 * 60_000;

  /** Sends one claimed notification; resolves with the receipt, or with the error it failed with. */
  const attempt = async ({ notification, expiresAt, recipientActive }: ClaimedNotification, now: Date): Promise<DeliveryReceipt | Error> => {
    try {
      if (expiresAt !== null && expiresAt <= now) throw new UndeliverableError('expired before it could be delivered');
      if (!recipientActive) throw new UndeliverableError('the recipient account is inactive');
      const channel = channels[notification.channel];
      if (!channel) throw new UndeliverableError(`no ${notification.channel} channel is configured`);
      return await channel.send(notification);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };

  const deliver = async (claimed: ClaimedNotification, lease: Date, now: Date): Promise<void> => {
    const { notification } = claimed;
    const outcome = await attempt(claimed, now);
    const fields = { notification_id: notification.id, channel: notification.channel, attempt: claimed.failures + 1 };
    if (!(outcome instanceof Error)) {
      const kept = await recordDelivered(db, notification.id, lease, outcome, clock.now());
      if (!kept) logger.log('warn', 'notification lease ran out before its delivery was recorded', fields);
      return;
    }
    const failures = claimed.failures + 1;
    const final = isUndeliverable(outcome) || failures >= retry.maxAttempts;
    const retryAt = final ? null : new Date(clock.now().getTime() + retryDelayMs(retry, failures, retryAfterOf(outcome)));
    const kept = await recordFailure(db, notification.id, lease, outcome.message.slice(0, MAX_REASON), retryAt);
    // The reason stays in the row: a provider's answer may quote the recipient's address.
    logger.log('warn', final ? 'notification delivery failed' : 'notification delivery will be retried', {
      ...fields,
      error: outcome.name,
      retry_at: retryAt?.toISOString(),
      lease_lost: !kept || undefined,
    });
  };

  return {
    name: 'notification-delivery',
    async runOnce() {
      const now = clock.now();
      const lease = new Date(now.getTime() + leaseMs);
      const claimed = await claimDueNotifications(db, now, lease, batchSize);
      const results = await eachWithLimit(claimed, concurrency, (item) => deliver(item, lease, now));
      // A row whose outcome could not be recorded keeps its lease and comes due again; the error
      // goes to the worker loop, which logs it and backs off.
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      return claimed.length;
    },
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight, and waits for all of them. */
async function eachWithLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = new Array<PromiseSettledResult<void>>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T).then(
        (value): PromiseSettledResult<void> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<void> => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
