/** TODO(events helper): LISTEN/NOTIFY on PostgreSQL, in-process on PGlite. */
import type { Database } from '../db/database.js';
import type { EventHub } from './event-hub.js';

export function createEventHub(_db: Database): EventHub {
  const subscribers = new Set<() => void>();
  return {
    subscribe(wake) {
      subscribers.add(wake);
      return () => subscribers.delete(wake);
    },
    close: () => Promise.resolve(),
  };
}
