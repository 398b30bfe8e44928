/**
 * Wakes live-event streams when the outbox grows. Triggers `pg_notify('ticketflow_events', id)` at
 * commit; the hub listens once per process and tells every subscriber to look for new rows.
 * Notifications only say "look now": what a subscriber may see is always read back from the
 * `events` table under row-level security.
 */
export interface EventHub {
  /** Calls `wake` after each batch of notifications; returns the unsubscribe function. */
  subscribe(wake: () => void): () => void;
  close(): Promise<void>;
}
