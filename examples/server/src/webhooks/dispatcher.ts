/**
 * Webhook dispatch: an outbox consumer (`webhooks`) that queues one delivery per event and active
 * webhook subscribed to its type. The deliveries are written in the transaction that moves the
 * consumer's position, so each event is queued for each webhook exactly once; sending is left to
 * the delivery worker (delivery-worker.ts), which may take its time without holding the outbox up.
 */
import { systemClock, type Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { eventConsumer } from '../workers/event-consumer.js';
import type { Worker } from '../workers/worker.js';
import { webhookEnvelope } from './envelope.js';
import { subscribesTo } from './event-types.js';

export interface WebhookDispatcherOptions {
  db: Database;
  /** When queued deliveries are first due (now). */
  clock?: Clock;
  batchSize?: number;
}

interface Subscription {
  id: string;
  event_types: string[];
}

export function webhookDispatcher(options: WebhookDispatcherOptions): Worker {
  const clock = options.clock ?? systemClock;
  return eventConsumer({
    db: options.db,
    name: 'webhooks',
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    async handle(tx, events) {
      const { rows: hooks } = await tx.query<Subscription>('select id, event_types from webhooks where is_active');
      if (hooks.length === 0) return;
      const queued = { webhook: [] as string[], event: [] as string[], type: [] as string[], body: [] as string[] };
      for (const event of events) {
        let body: string | undefined;
        for (const hook of hooks) {
          if (!subscribesTo(hook.event_types, event.type)) continue;
          body ??= webhookEnvelope(event);
          queued.webhook.push(hook.id);
          queued.event.push(event.id);
          queued.type.push(event.type);
          queued.body.push(body);
        }
      }
      if (queued.webhook.length === 0) return;
      const now = clock.now();
      await tx.query(
        // A subscription starts when it is made: the outbox's history (which a new consumer reads
        // from the beginning) is not replayed to it. Compared in SQL, at the columns' precision.
        `insert into webhook_deliveries (webhook_id, event_id, event_type, body, next_attempt_at, created_at)
         select q.webhook_id, q.event_id, q.event_type, q.body, $5, $5
           from unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) as q (webhook_id, event_id, event_type, body)
           join webhooks w on w.id = q.webhook_id
           join events e on e.id = q.event_id
          where w.created_at <= e.created_at
         on conflict on constraint webhook_deliveries_once do nothing`,
        [queued.webhook, queued.event, queued.type, queued.body, now],
      );
    },
  });
}
