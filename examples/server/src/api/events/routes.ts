/**
 * The live event stream (SSE): `GET /v1/events`. Mounted after authentication and the rate limit but
 * before the per-request transaction: a stream lives far longer than any transaction should, so it
 * opens a short one of its own for every read (see event-stream.ts).
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { withActor } from '../../db/actor.js';
import { parseTypeFilter, type TypeFilter } from '../../events/event-types.js';
import { resumeAfter, startNow } from '../../events/read-events.js';
import { createSharedReads } from '../../events/shared-reads.js';
import { clientAddress } from '../../http/client-address.js';
import { parseInput, readQuery } from '../../http/input.js';
import { id, oneOrMany } from '../../http/schemas.js';
import { credentialCheck } from './credential-lifetime.js';
import { BATCH_SIZE, streamEvents } from './event-stream.js';

const MAX_EVENT_ID = 2n ** 63n - 1n;

const eventId = z
  .string()
  .regex(/^[0-9]{1,19}$/, 'must be an event id (up to 19 digits)')
  // Checks run on even when the pattern failed: only a string of digits may reach BigInt().
  .refine((value) => !/^[0-9]+$/.test(value) || BigInt(value) <= MAX_EVENT_ID, 'is not an event id (too large)');

/** `types=ticket.*,comment.created`, or the same as repeated parameters. */
const types = oneOrMany(z.string().max(2000))
  .transform((values) => values.flatMap((value) => value.split(',')).map((entry) => entry.trim()))
  .pipe(z.array(z.string()).min(1).max(50, 'names at most 50 types'))
  .transform((entries, ctx): TypeFilter => {
    const parsed = parseTypeFilter(entries);
    if (parsed.ok) return parsed.filter;
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(parsed.invalid)} is not an event type or <resource>.*` });
    return z.NEVER;
  });

const Query = z.strictObject({ types: types.optional(), ticket_id: id.optional(), last_event_id: eventId.optional() });

const Headers = z.object({ 'Last-Event-ID': eventId.optional() });

export function eventRoutes(deps: AppDeps) {
  const reads = createSharedReads(deps.db, BATCH_SIZE);
  return new Hono<AppEnv>()
    .use(requireScope('events'))
    .get('/', async (c) => {
      const query = readQuery(c, Query);
      // EventSource sends the header only with a non-empty id; an empty one means "none".
      const header = c.req.header('last-event-id');
      const headers = parseInput('header', Headers, { 'Last-Event-ID': header === '' ? undefined : header });
      // The header wins: a reconnecting EventSource keeps its URL (and any last_event_id in it) but
      // sends the id it last received in the header.
      const lastEventId = headers['Last-Event-ID'] ?? query.last_event_id;
      const actor = {
        userId: c.get('principal').userId,
        clientIp: clientAddress(c),
        userAgent: c.req.header('user-agent')?.slice(0, 500),
      };
      // Before the response starts, so that a refused actor is still a 401 problem, not a dead stream.
      const cursor = await withActor(deps.db, actor, (tx) => (lastEventId === undefined ? startNow(tx) : resumeAfter(tx, lastEventId)));
      // Reverse proxies such as nginx buffer responses unless told not to.
      c.header('X-Accel-Buffering', 'no');
      // Hono answers HEAD with the GET handler and drops the body unread: a stream started here would
      // wait forever on its first write.
      if (c.req.method === 'HEAD') {
        return c.body(null, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      }
      const stillAuthorized = credentialCheck(c, deps);
      return streamSSE(c, (stream) =>
        streamEvents(stream, {
          reads,
          hub: deps.events,
          logger: deps.logger,
          actor,
          cursor,
          filter: { ticketId: query.ticket_id ?? null, types: query.types ?? null },
          heartbeatMs: deps.limits.heartbeatSeconds * 1000,
          stillAuthorized,
          signal: c.req.raw.signal,
          requestId: c.get('requestId'),
        }),
      );
    });
}
