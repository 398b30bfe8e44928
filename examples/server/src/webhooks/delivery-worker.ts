/**
 * The webhook delivery worker: sends due deliveries, records every attempt, and retries failures
 * with exponential backoff until the receiver answers 2xx or the attempts run out.
 *
 * A batch is claimed in a short transaction (`FOR UPDATE SKIP LOCKED`) that moves each delivery's
 * `next_attempt_at` past the time an attempt can take: that is its lease. The requests are made
 * after that transaction has committed, so no database connection waits on a slow receiver, and
 * two instances never send the same delivery at once. A crash mid-attempt only means the lease runs
 * out and the delivery is tried again (receivers drop duplicates by the envelope's id). Each result
 * is recorded in a transaction of its own, and changes the delivery only while the lease is still
 * this worker's.
 */
import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Worker } from '../workers/worker.js';
import { DEFAULT_RETRY, retryDelaySeconds, type RetryPolicy } from './backoff.js';
import { postWebhook, type AttemptResult } from './send.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';

export interface WebhookDeliveryOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** The HTTP client; tests may pass their own. */
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** Deliveries claimed (and sent concurrently) per batch. */
  batchSize?: number;
  /** The limit on one attempt, reading the answer included. */
  timeoutMs?: number;
}

interface Claimed {
  id: string;
  webhook_id: string;
  event_type: string;
  body: string;
  url: string;
  secret: string;
  lease: Date;
}

export function webhookDelivery(options: WebhookDeliveryOptions): Worker {
  const { db, clock, logger } = options;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const batchSize = options.batchSize ?? 10;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Longer than any attempt can take, with room for recording its result.
  const leaseMs = timeoutMs + 60_000;
  const send = options.fetch ?? fetch;

  const attempt = async (delivery: Claimed) => {
    const attemptedAt = clock.now();
    const result = await postWebhook({
      url: delivery.url,
      body: delivery.body,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Ticketflow-Webhooks/1',
        'Ticketflow-Event': delivery.event_type,
        'Ticketflow-Delivery': delivery.id,
        [SIGNATURE_HEADER]: signWebhook(delivery.secret, attemptedAt, delivery.body),
      },
      timeoutMs,
      fetch: send,
    });
    const outcome = await db.transaction((tx) => record(tx, delivery, attemptedAt, result, retry, clock));
    if (outcome === 'failed') {
      // The URL may carry a token (many receivers put one in the path): it stays out of logs.
      const error = result.error?.replaceAll(delivery.url, '[webhook url]');
      logger.log('warn', 'webhook delivery failed for good', { delivery_id: delivery.id, webhook_id: delivery.webhook_id, error });
    }
  };

  return {
    name: 'webhook-delivery',
    async runOnce() {
      const now = clock.now();
      const claimed = await db.transaction(async (tx) => {
        const { rows } = await tx.query<Claimed>(
          `with due as (
             select d.id from webhook_deliveries d
              where d.status = 'pending' and d.next_attempt_at <= $1
                and exists (select 1 from webhooks w where w.id = d.webhook_id and w.is_active)
              order by d.next_attempt_at, d.id
              limit $2
              for update of d skip locked
           )
           update webhook_deliveries d set next_attempt_at = $3
             from due, webhooks w
            where d.id = due.id and w.id = d.webhook_id
           returning d.id, d.webhook_id, d.event_type, d.body, w.url, w.secret, d.next_attempt_at as lease`,
          [now, batchSize, new Date(now.getTime() + leaseMs)],
        );
        return rows;
      });
      // Every claimed delivery gets its attempt recorded before a failure is reported.
      const settled = await Promise.allSettled(claimed.map(attempt));
      const failure = settled.find((entry): entry is PromiseRejectedResult => entry.status === 'rejected');
      if (failure) throw failure.reason;
      return claimed.length;
    },
  };
}

type Outcome = 'delivered' | 'retry' | 'failed' | 'lease lost' | 'gone';

/** Logs the attempt and, while the lease is still ours, moves the delivery on. */
async function record(tx: Queryable, delivery: Claimed, attemptedAt: Date, result: AttemptResult, retry: RetryPolicy, clock: Clock): Promise<Outcome> {
  const { rows } = await tx.query<{ attempt_count: number; round_attempts: number; leased: boolean }>(
    `update webhook_deliveries set attempt_count = attempt_count + 1, last_attempt_at = $2
      where id = $1
      returning attempt_count, round_attempts, (status = 'pending' and next_attempt_at = $3) as leased`,
    [delivery.id, attemptedAt, delivery.lease],
  );
  const row = rows[0];
  if (!row) return 'gone'; // the webhook was deleted meanwhile
  await tx.query(
    `insert into webhook_delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, status_code, response_body, error)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [delivery.id, row.attempt_count, attemptedAt, result.durationMs, result.statusCode, result.responseBody, result.error],
  );
  // Taken over by another instance after the lease ran out: that one decides what comes next.
  if (!row.leased) return 'lease lost';

  const failures = row.round_attempts + 1;
  const outcome: Outcome = result.ok ? 'delivered' : failures >= retry.maxAttempts ? 'failed' : 'retry';
  const now = clock.now();
  const next = outcome === 'retry' ? new Date(now.getTime() + retryDelaySeconds(retry, failures) * 1000) : null;
  await tx.query(
    `update webhook_deliveries
        set round_attempts = round_attempts + 1,
            status = $2,
            next_attempt_at = $3,
            delivered_at = case when $2 = 'delivered' then $4 else delivered_at end
      where id = $1`,
    [delivery.id, outcome === 'retry' ? 'pending' : outcome, next, now],
  );
  return outcome;
}
