/**
 * One read of the outbox for the streams that ask for the same thing at the same moment: streams of
 * one user (what row-level security lets a stream see depends on its user alone) with the same
 * filter and position, woken by the same notification. A thousand open streams are rarely a
 * thousand users — tabs, dashboards and bots of one person each hold one — and each read is a
 * transaction under the user's policies, so sharing them is most of what fan-out costs.
 *
 * A read is joined only before it starts: it starts on the next turn of the event loop, after every
 * stream woken with it has asked, and whoever asks once it has started gets a read of their own. So
 * every stream's read still begins after the stream asked, and returns exactly what a read of its
 * own would have: nothing committed before the wake can be missed.
 */
import { withActor, type Actor } from '../db/actor.js';
import type { Database } from '../db/database.js';
import { readEvents, type Batch, type Cursor, type EventFilter } from './read-events.js';

export interface SharedReads {
  /** The next batch after `cursor` for `actor`, read once for every stream that asks alike in the same turn. */
  read(actor: Actor, cursor: Cursor, filter: EventFilter): Promise<Batch>;
}

export function createSharedReads(db: Database, batchSize: number): SharedReads {
  const waiting = new Map<string, Promise<Batch>>();
  return {
    read(actor, cursor, filter) {
      // The client address and user agent only go into audit rows; a read writes none.
      const key = JSON.stringify([actor.userId, cursor.position.txId, cursor.position.id, cursor.committedBefore, filter.ticketId, filter.types]);
      let read = waiting.get(key);
      if (!read) {
        read = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
          waiting.delete(key);
          return withActor(db, actor, (tx) => readEvents(tx, cursor, filter, batchSize));
        });
        waiting.set(key, read);
      }
      return read;
    },
  };
}
