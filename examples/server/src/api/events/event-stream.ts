/**
 * One live stream: reads the caller's events in short transactions and writes them as
 * Server-Sent Events, until the client goes away, the credentials lapse or the server shuts down.
 * A read never holds a transaction open while writing to the client, and a slow client only slows
 * its own stream (each write waits for the client to take the previous one).
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { components } from '../../../../../src/generated/api.js';
import type { Actor } from '../../db/actor.js';
import type { EventHub } from '../../events/event-hub.js';
import type { Cursor, EventFilter, EventRow } from '../../events/read-events.js';
import type { SharedReads } from '../../events/shared-reads.js';
import { isDatabaseError } from '../../http/database-errors.js';
import { iso } from '../../http/serialize.js';
import type { Logger } from '../../logger.js';
import type { CredentialCheck } from './credential-lifetime.js';

type Event = components['schemas']['Event'];

/** Events read per transaction; a longer backlog is read in several. */
export const BATCH_SIZE = 500;

/** What the stream asks clients to wait before reconnecting (the SSE `retry` field). */
export const RETRY_MS = 3000;

export interface StreamOptions {
  /** Reads the outbox as the actor, shared with the streams that ask alike at the same moment. */
  reads: SharedReads;
  hub: EventHub;
  logger: Logger;
  actor: Actor;
  cursor: Cursor;
  filter: EventFilter;
  heartbeatMs: number;
  stillAuthorized: CredentialCheck;
  /** The request's signal: aborted when the client disconnects. */
  signal: AbortSignal;
  requestId: string;
}

// The triggers that write the outbox define each type's payload; the contract tests hold them to
// the Event schema.
export const toEvent = (row: EventRow): Event =>
  ({
    id: Number(row.id),
    type: row.type,
    ticket_id: row.ticket_id,
    chat_session_id: row.chat_session_id,
    actor_id: row.actor_id,
    created_at: iso(row.created_at),
    data: row.payload,
  }) as Event;

export async function streamEvents(stream: SSEStreamingApi, options: StreamOptions): Promise<void> {
  const { reads, hub, actor, filter } = options;
  const stop = new AbortController();
  const end = () => stop.abort();
  const wakeup = new Wakeup();
  stream.onAbort(end);
  options.signal.addEventListener('abort', end);
  hub.closed.addEventListener('abort', end);
  stop.signal.addEventListener('abort', () => wakeup.set());
  if (options.signal.aborted || hub.closed.aborted) end();
  const unsubscribe = hub.subscribe(() => wakeup.set());
  try {
    // Listening before the first read: whatever commits after that read wakes the stream.
    await hub.ready();
    await stream.write(`retry: ${RETRY_MS}\n: open\n\n`);
    let cursor = options.cursor;
    let quietSince = performance.now();
    let checkedAt = performance.now();
    let mustRead = true;
    while (!stop.signal.aborted) {
      // Once per heartbeat interval whether or not events flow: a busy stream must lapse too.
      if (performance.now() - checkedAt >= options.heartbeatMs) {
        if (!(await options.stillAuthorized())) return;
        checkedAt = performance.now();
      }
      if (mustRead) {
        wakeup.clear();
        const batch = await reads.read(actor, cursor, filter);
        for (const row of batch.events) {
          if (stop.signal.aborted) return;
          await stream.writeSSE({ id: row.id, event: row.type, data: JSON.stringify(toEvent(row)) });
        }
        cursor = batch.next;
        if (batch.events.length > 0) quietSince = performance.now();
        if (batch.full) continue;
        mustRead = false;
      }
      const untilHeartbeat = quietSince + options.heartbeatMs - performance.now();
      if (untilHeartbeat > 0) {
        mustRead = await wakeup.wait(untilHeartbeat);
        continue;
      }
      await stream.write(': heartbeat\n\n');
      quietSince = performance.now();
    }
  } catch (error) {
    if (stop.signal.aborted) return;
    // The account was deactivated or locked: the reconnection will be refused with a 401.
    const refused = isDatabaseError(error) && error.code === '28000';
    options.logger.log(refused ? 'info' : 'error', refused ? 'event stream ended: the caller may no longer act' : 'event stream failed', {
      request_id: options.requestId,
      user_id: actor.userId,
      error: refused ? undefined : error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  } finally {
    unsubscribe();
    options.signal.removeEventListener('abort', end);
    hub.closed.removeEventListener('abort', end);
  }
}

/**
 * A doorbell: `set` rings it, `wait` returns at the next ring (true) or after a timeout (false). A
 * ring while nobody waits is kept, so one that comes during a read is not lost.
 */
class Wakeup {
  private rung = false;
  private answer: (() => void) | undefined;

  set(): void {
    this.rung = true;
    this.answer?.();
  }

  clear(): void {
    this.rung = false;
  }

  wait(ms: number): Promise<boolean> {
    if (this.rung) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.answer = undefined;
        resolve(false);
      }, ms);
      this.answer = () => {
        clearTimeout(timer);
        this.answer = undefined;
        resolve(true);
      };
    });
  }
}
