/** `tf.events`: the live stream of changes the caller may see (Server-Sent Events). */
import { createParser } from 'eventsource-parser';
import { AbortError, APIError } from '../core/errors.js';
import type { QueryOf } from '../core/operations.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';
import { pause } from '../core/wait.js';
import type { components } from '../generated/api.js';

/**
 * One event of the stream, as the contract describes it: a union on `type`, so checking the type
 * gives the shape of `data`.
 *
 * @example
 * ```ts
 * function describe(event: LiveEvent): string {
 *   if (event.type === 'ticket.created') return `ticket ${event.data.ticket_number} opened`;
 *   if (event.type === 'comment.created') return `comment ${event.data.comment_id} on ticket ${event.ticket_id}`;
 *   return event.type;
 * }
 * ```
 */
export type LiveEvent = components['schemas']['Event'];

/**
 * Which events {@link Events.subscribe} delivers, and from where.
 *
 * @example
 * ```ts
 * const params: SubscribeParams = { ticketId, types: ['comment.*', 'attachment.created'], lastEventId: '4711', idleTimeout: 60_000 };
 * for await (const event of tf.events.subscribe(params)) console.log(event.id, event.type);
 * ```
 */
export interface SubscribeParams {
  /** Only events about this ticket. */
  ticketId?: string;
  /** Only events of these types (`comment.created`, or a whole resource: `comment.*`). */
  types?: QueryOf<'streamEvents'>['types'];
  /** Resume after this event id: events since then are delivered first. */
  lastEventId?: string;
  /**
   * Milliseconds without a byte from the server after which the connection counts as dead and is
   * replaced (resuming with `Last-Event-ID`); default 45 000, three of the server's 15 s heartbeats.
   * `false`: wait for the operating system to notice, which on a half-open connection can take hours.
   */
  idleTimeout?: number | false;
}

/** Reconnection delay until the server sends its own `retry`. */
const DEFAULT_RETRY_MS = 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

/**
 * `tf.events`: the live stream of changes the caller may see (Server-Sent Events), resumed after
 * every dropped connection.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * for await (const event of tf.events.subscribe({ types: ['ticket.*'] }, { signal: controller.signal })) {
 *   if (event.type === 'ticket.created') console.log('new ticket', event.data.ticket_number);
 * }
 * ```
 */
export class Events extends Resource {
  /**
   * Every event the caller may see, as it happens, for as long as the loop runs. When the
   * connection drops it reconnects after the server's `retry` delay, resuming with `Last-Event-ID`
   * so no event is missed or repeated. Ends when `options.signal` aborts or the loop breaks;
   * an error the API answers with (401, 403) ends it with that error.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * for await (const event of tf.events.subscribe({ ticketId, types: ['comment.*'] }, { signal: controller.signal })) {
   *   console.log(event.type, event.data);
   * }
   * ```
   */
  async *subscribe(params: SubscribeParams = {}, options: RequestOptions = {}): AsyncGenerator<LiveEvent, void, undefined> {
    const { signal } = options;
    const idleTimeout = checkedIdleTimeout(params.idleTimeout);
    let lastEventId = params.lastEventId;
    let retryMs = DEFAULT_RETRY_MS;

    while (!signal?.aborted) {
      let response: Response;
      try {
        response = await this.transport.send(
          {
            operation: 'streamEvents', method: 'GET',
            path: '/v1/events',
            query: { types: params.types, ticket_id: params.ticketId },
            options: { ...options, timeout: false, maxRetries: 0, headers: { ...options.headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } },
          },
          'text/event-stream',
        );
      } catch (error) {
        if (error instanceof AbortError) return;
        // The API refused (bad credentials, no permission, bad filter): reconnecting cannot help.
        if (error instanceof APIError && error.status < 500 && error.status !== 408 && error.status !== 429) throw error;
        if (!(await waited(retryMs, signal))) return;
        continue;
      }

      // 204: the server asks clients to stop reconnecting (the SSE rule).
      if (response.status === 204 || !response.body) return;
      const received: LiveEvent[] = [];
      const parser = createParser({
        onEvent: (message) => {
          let event: LiveEvent;
          try {
            event = JSON.parse(message.data) as LiveEvent;
          } catch {
            return; // not an event of the contract: skipped, and the stream goes on
          }
          if (message.id) lastEventId = message.id;
          received.push(event);
        },
        onRetry: (ms) => {
          retryMs = ms;
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { done, value } = await readWithin(reader, idleTimeout);
          if (done) break;
          parser.feed(value);
          while (received.length > 0) yield received.shift()!;
        }
      } catch {
        if (signal?.aborted) return;
        // The connection broke or went silent: reconnect below.
      } finally {
        await reader.cancel().catch(() => undefined);
      }
      if (!(await waited(retryMs, signal))) return;
    }
  }
}

/** Waits before reconnecting; false when aborted meanwhile. */
async function waited(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await pause(ms, signal);
    return true;
  } catch {
    return false;
  }
}

/** The stream went silent for longer than the idle timeout. */
class IdleStream extends Error {}

/** The next chunk, or an `IdleStream` rejection when none comes within `ms`. */
function readWithin<T>(reader: ReadableStreamDefaultReader<T>, ms: number | false): ReturnType<ReadableStreamDefaultReader<T>['read']> {
  if (ms === false) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IdleStream(`no data for ${ms} ms`)), ms);
  });
  return Promise.race([reader.read(), silence]).finally(() => clearTimeout(timer));
}

function checkedIdleTimeout(value: number | false | undefined): number | false {
  if (value === undefined) return DEFAULT_IDLE_TIMEOUT_MS;
  if (value !== false && !(Number.isFinite(value) && value > 0 && value <= 2_147_483_647)) {
    throw new TypeError('idleTimeout must be false or a number of milliseconds from 1 to 2147483647');
  }
  return value;
}
