/**
 * The process's one LISTEN on the outbox channel, shared by every live stream it serves. It works the
 * same on both engines through `Database.listen`: PGlite notifies in-process, PostgreSQL notifies
 * every instance connected to the database, which is how an event committed through one instance
 * reaches a stream held by another.
 */
import { setMaxListeners } from 'node:events';
import type { Database, Listener } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { EventHub } from './event-hub.js';

/** The channel `app.emit()` notifies (migration 0009). */
export const EVENTS_CHANNEL = 'ticketflow_events';

export interface EventHubOptions {
  /**
   * How often the hub looks for events that became deliverable with no notification; 2 s by default.
   * Notifications alone are not enough: an event only becomes deliverable once every older
   * transaction has ended (see read-events.ts), and a transaction that writes no event ends without
   * notifying anyone; a listener that is reconnecting hears nothing either. The tick bounds how late
   * such events come. It is one query for the whole process, and wakes the subscribers only when it
   * found such an event: an idle stream costs nothing, however many there are.
   */
  pollIntervalMs?: number;
  logger?: Logger;
}

export function createEventHub(db: Database, options: EventHubOptions = {}): EventHub {
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const subscribers = new Set<{ wake: () => void }>();
  const closing = new AbortController();
  // Every open stream listens for the hub closing (and removes its listener when it ends): thousands
  // of listeners are the design, not a leak, so Node's warning past ten is turned off for this signal.
  setMaxListeners(0, closing.signal);
  let listener: Listener | undefined;
  let listening: Promise<void> = Promise.resolve();
  let tick: NodeJS.Timeout | undefined;
  let wakePending = false;
  /** The horizon the last tick saw: every event below it was deliverable then. */
  let lastHorizon = '0';
  let looking = false;

  // Notifications arrive one per event, so a transaction that wrote fifty events notifies fifty
  // times at once: they are gathered into one wake on the next turn of the event loop.
  const wakeAll = () => {
    if (wakePending || closing.signal.aborted) return;
    wakePending = true;
    setImmediate(() => {
      wakePending = false;
      for (const subscriber of [...subscribers]) {
        try {
          subscriber.wake();
        } catch (error) {
          options.logger?.log('error', 'event subscriber failed', { error: String(error) });
        }
      }
    });
  };

  // Lazily, so an app that never serves a stream never holds a listening connection.
  const listen = () => {
    if (!listener && !closing.signal.aborted) {
      listener = db.listen(EVENTS_CHANNEL, wakeAll);
      listening = listener.ready.catch((error: unknown) => {
        options.logger?.log('warn', 'cannot listen for events yet; retrying, streams poll meanwhile', {
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }
    return listening;
  };

  // An event whose transaction has fallen below the horizon since the last tick is one a stream may
  // not have read yet: its commit notified while an older transaction still held it back, or went
  // unheard. Anything below the previous horizon was already there to read at that tick.
  const lookForRipeEvents = async () => {
    if (looking || closing.signal.aborted) return;
    looking = true;
    try {
      const { rows } = await db.query<{ horizon: string; ripe: boolean }>(
        `select h.xmin::text as horizon,
                exists (select 1 from events e where e.tx_id >= $1::xid8 and e.tx_id < h.xmin) as ripe
           from (select pg_snapshot_xmin(pg_current_snapshot()) as xmin) h`,
        [lastHorizon],
      );
      lastHorizon = rows[0]!.horizon;
      if (rows[0]!.ripe) wakeAll();
    } catch (error) {
      // Cannot tell: let every stream look for itself.
      options.logger?.log('warn', 'event hub tick failed; waking every stream', { error: error instanceof Error ? error.message : String(error) });
      wakeAll();
    } finally {
      looking = false;
    }
  };

  const stopTicking = () => {
    clearInterval(tick);
    tick = undefined;
  };

  return {
    subscribe(wake) {
      if (closing.signal.aborted) return () => undefined;
      const subscriber = { wake };
      subscribers.add(subscriber);
      void listen();
      if (!tick) {
        tick = setInterval(() => void lookForRipeEvents(), pollIntervalMs);
        tick.unref();
      }
      return () => {
        subscribers.delete(subscriber);
        if (subscribers.size === 0) stopTicking();
      };
    },
    ready: listen,
    closed: closing.signal,
    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      stopTicking();
      subscribers.clear();
      await listener?.close();
    },
  };
}
