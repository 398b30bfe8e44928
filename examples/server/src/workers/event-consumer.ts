/**
 * A durable consumer of the event outbox: it hands each event to a handler exactly once, across
 * restarts and across server instances.
 *
 * The consumer's position lives in `event_consumers` (migration 0013) and moves in the same
 * transaction as the handler's writes: either both commit or neither does, so an event is never
 * lost nor handled twice. The row is locked `FOR UPDATE SKIP LOCKED`, so while one instance works
 * through a batch the others skip the consumer instead of waiting; order is kept because only one
 * batch of a consumer runs at a time. Events are read by commit-safe position with the same
 * `readEvents` as live streams (see `events/read-events.ts`), as the owner, so every event is seen.
 */
import type { Database, Queryable } from '../db/database.js';
import { readEvents, type EventRow } from '../events/read-events.js';
import type { Worker } from './worker.js';

export interface EventConsumerOptions {
  db: Database;
  /** The consumer's name in `event_consumers`: one position per name. */
  name: string;
  /** Events per transaction. */
  batchSize?: number;
  /** Handles a batch inside the transaction that advances the position; throwing rolls both back. */
  handle(tx: Queryable, events: readonly EventRow[]): Promise<void>;
}

export function eventConsumer(options: EventConsumerOptions): Worker {
  const batchSize = options.batchSize ?? 200;
  return {
    name: options.name,
    runOnce: () =>
      options.db.transaction(async (tx) => {
        await tx.query('insert into event_consumers (name) values ($1) on conflict do nothing', [options.name]);
        const claimed = await tx.query<{ tx_id: string; event_id: string }>(
          'select tx_id::text, event_id::text from event_consumers where name = $1 for update skip locked',
          [options.name],
        );
        const at = claimed.rows[0];
        if (!at) return 0; // another instance holds this consumer right now

        const batch = await readEvents(
          tx,
          { position: { txId: at.tx_id, id: at.event_id }, committedBefore: null },
          { ticketId: null, types: null },
          batchSize,
        );
        const { events } = batch;
        if (events.length > 0) await options.handle(tx, events);
        await tx.query('update event_consumers set tx_id = $2::xid8, event_id = $3::bigint, updated_at = now() where name = $1', [
          options.name,
          batch.next.position.txId,
          batch.next.position.id,
        ]);
        return events.length;
      }),
  };
}
