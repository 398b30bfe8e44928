/**
 * Wakes live-event streams when the outbox grows. Triggers `pg_notify('ticketflow_events', id)` at
 * commit; the hub listens once per process and tells every subscriber to look for new rows.
 * Notifications only say "look now": what a subscriber may see is always read back from the
 * `events` table under row-level security.
 */
export interface EventHub {
  /**
   * Calls `wake` whenever new events may be readable: after notifications (a burst of them becomes
   * one call), and when a slow safety tick finds events that became readable unannounced. Returns
   * the unsubscribe function.
   */
  subscribe(wake: () => void): () => void;
  /**
   * Resolves once notifications reach subscribers, or once the first attempt to listen has failed
   * (the tick still wakes them, and the listener keeps retrying). Starts listening if need be.
   */
  ready(): Promise<void>;
  /** Aborted when the hub closes: streams end then, so that open connections do not hold up a shutdown. */
  readonly closed: AbortSignal;
  close(): Promise<void>;
}
