/**
 * `tf.events` (examples/server/src/api/events): the live stream of the events outbox as
 * Server-Sent Events. The caller gets the events they may see (the server's `events_select`
 * policy), filtered by type (`ticket.*`, `comment.created`) and ticket; with `Last-Event-ID` (or
 * `last_event_id`) the events after that one first, otherwise only what is written from now on;
 * then each event as its write commits. The stream starts with `retry: 3000`, sends a heartbeat
 * every 15 s of real time, and ends when the client aborts, when its credentials lapse (checked by
 * the mock clock whenever it wakes), or at `mock.reset()`.
 */
import { z } from 'zod';
import type { HandlerTable, Streamed } from '../operation.js';
import { authenticate } from '../auth.js';
import { canSeeChatSession } from '../rules/chat.js';
import { visibleTicket } from '../rules/policies.js';
import type { EventRow, Store } from '../store.js';
import { parseInput } from '../validate.js';
import { isStaff, type Actor, type World } from '../world.js';
import { id, repeated } from './shared.js';

/** The outbox's event types, as the contract lists them. */
const EVENT_TYPES = [
  'ticket.created', 'ticket.updated', 'ticket.deleted', 'ticket.tagged', 'ticket.untagged',
  'comment.created', 'comment.updated', 'comment.deleted', 'attachment.created',
  'escalation.created', 'escalation.updated', 'feedback.created', 'feedback.updated',
  'kb_article.created', 'kb_article.updated', 'sla.warning', 'sla.breached', 'notification.created',
  'chat.session_created', 'chat.session_updated', 'chat.message_created',
];
const FAMILIES = [...new Set(EVENT_TYPES.map((type) => type.split('.')[0]!))];

/** What the stream asks clients to wait before reconnecting (the SSE `retry` field), as the server. */
export const RETRY_MS = 3000;
/** The server's default heartbeat. */
const HEARTBEAT_MS = 15_000;
const MAX_EVENT_ID = BigInt('9223372036854775807');

const eventId = z
  .string()
  .regex(/^[0-9]{1,19}$/, 'must be an event id (up to 19 digits)')
  .refine((value) => !/^[0-9]+$/.test(value) || BigInt(value) <= MAX_EVENT_ID, 'is not an event id (too large)');

interface TypeFilter {
  types: string[];
  families: string[];
}

/** `types=ticket.*,comment.created`, or the same as repeated parameters. */
const types = repeated(z.string().max(2000))
  .transform((values) => values.flatMap((value) => value.split(',')).map((entry) => entry.trim()))
  .pipe(z.array(z.string()).min(1).max(50, 'names at most 50 types'))
  .transform((entries, ctx): TypeFilter => {
    const filter: TypeFilter = { types: [], families: [] };
    for (const entry of entries) {
      if (EVENT_TYPES.includes(entry)) filter.types.push(entry);
      else if (entry.endsWith('.*') && FAMILIES.includes(entry.slice(0, -2))) filter.families.push(entry.slice(0, -2));
      else {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not an event type or <resource>.*` });
        return z.NEVER;
      }
    }
    return filter;
  });

const Query = z.strictObject({ types: types.optional(), ticket_id: id.optional(), last_event_id: eventId.optional() });
const Headers = z.object({ 'Last-Event-ID': eventId.optional() });

/** events_select: an event is visible exactly when the row it describes is. */
function canSeeEvent(world: World, actor: Actor, event: EventRow): boolean {
  if (actor.role === 'admin') return true;
  const staffOrPublic = isStaff(actor) || !event.is_internal;
  if (event.ticket_id !== null && visibleTicket(world, actor, event.ticket_id) && staffOrPublic) return true;
  const sessionId = event.chat_session_id ?? null;
  const session = sessionId === null ? undefined : world.store.tables.chatSessions.get(sessionId);
  if (session && canSeeChatSession(actor, session)) return true;
  const userId = event.user_id ?? null;
  if (userId === actor.id) return true;
  return event.ticket_id === null && sessionId === null && userId === null && staffOrPublic;
}

/** The contract's `Event`: the outbox row as a client sees it. */
const toEvent = (event: EventRow) => ({
  id: event.seq,
  type: event.type,
  ticket_id: event.ticket_id,
  chat_session_id: event.chat_session_id ?? null,
  actor_id: event.actor_id,
  created_at: event.created_at,
  data: event.payload,
});

/** The streams open on each store, ended by `mock.reset()` (the outbox they follow is gone). */
const openStreams = new WeakMap<Store, Set<() => void>>();

/**
 * Ends every stream open on `store`.
 *
 * @internal
 */
export function endStreams(store: Store): void {
  for (const end of [...(openStreams.get(store) ?? [])]) end();
}

interface StreamOptions {
  authorization: string | undefined;
  /** Every event up to this `seq` has been delivered or passed over. */
  after: number;
  ticketId: string | null;
  filter: TypeFilter | null;
  signal: AbortSignal | null;
}

function eventStream(world: World, options: StreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let position = options.after;
  let end: (reason?: unknown) => void = () => undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => controller.enqueue(encoder.encode(text));
      const stillAuthorized = () => {
        try {
          return authenticate(world, options.authorization);
        } catch {
          return undefined;
        }
      };
      const deliver = () => {
        if (closed) return;
        // Credentials can lapse while a stream is open: the stream ends, and the reconnection is refused.
        const actor = stillAuthorized();
        if (!actor) return end();
        const fresh = world.store.tables.events.where((event) => event.seq > position).sort((a, b) => a.seq - b.seq);
        for (const event of fresh) {
          position = event.seq;
          if (!canSeeEvent(world, actor, event)) continue;
          if (options.ticketId !== null && event.ticket_id !== options.ticketId) continue;
          const { filter } = options;
          if (filter && !filter.types.includes(event.type) && !filter.families.includes(event.type.split('.')[0]!)) continue;
          write(`event: ${event.type}\ndata: ${JSON.stringify(toEvent(event))}\nid: ${event.seq}\n\n`);
        }
      };
      const unsubscribe = world.store.onEvents(deliver);
      const heartbeat = setInterval(() => {
        if (!stillAuthorized()) return end();
        write(': heartbeat\n\n');
      }, HEARTBEAT_MS);
      const streams = openStreams.get(world.store) ?? new Set();
      openStreams.set(world.store, streams);
      const onAbort = () => end(options.signal?.reason);
      end = (reason?: unknown) => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        streams.delete(end);
        options.signal?.removeEventListener('abort', onAbort);
        // An aborted request errors its body, as a real fetch does; otherwise the server ended it.
        if (reason !== undefined) controller.error(reason);
        else controller.close();
      };
      streams.add(end);
      options.signal?.addEventListener('abort', onAbort);
      write(`retry: ${RETRY_MS}\n: open\n\n`);
      if (options.signal?.aborted) onAbort();
      else deliver();
    },
    cancel() {
      // The client stopped reading: nothing more to write.
      end();
    },
  });
}

export const eventHandlers: HandlerTable = {
  streamEvents: {
    scope: 'events',
    handle({ world, req }): Streamed {
      const query = req.query(Query);
      // EventSource sends the header only with a non-empty id; an empty one means "none".
      const header = req.header('last-event-id');
      const headers = parseInput('header', Headers, { 'Last-Event-ID': header === '' ? undefined : header });
      // The header wins: a reconnecting EventSource keeps its URL but sends the id it last received.
      const lastEventId = headers['Last-Event-ID'] ?? query.last_event_id;
      const after = lastEventId === undefined ? world.store.sequences.events : Number(lastEventId);
      return {
        status: 200,
        headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
        stream: eventStream(world, {
          authorization: req.header('authorization'),
          after,
          ticketId: query.ticket_id?.toLowerCase() ?? null,
          filter: query.types ?? null,
          signal: req.signal,
        }),
      };
    },
  },
};
