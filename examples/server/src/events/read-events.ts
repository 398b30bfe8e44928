/**
 * Reading the outbox for a live stream, in an order that never skips an event.
 *
 * Event ids are handed out when a row is inserted, not when its transaction commits, so reading
 * "ids above the last one delivered" loses events: transaction A takes its xid, B inserts event 6,
 * A inserts event 7 and commits; a stream that delivers 7 and moves past it never sees 6 when B
 * commits. Each event records its transaction (`tx_id`, migration 0012), and a stream reads only
 * events whose transaction is older than every transaction still running
 * (`tx_id < pg_snapshot_xmin(pg_current_snapshot())`). Such events are final: their transactions
 * have ended, and every transaction that could still add an event has a larger xid. A stream
 * therefore walks the outbox by position `(tx_id, id)`, which later commits can only extend, never
 * insert behind. A transaction left open elsewhere holds the horizon back: it delays events, never
 * loses them.
 *
 * Events the caller may not see are filtered out by row-level security, yet the stream must move
 * past them, or it would scan them again on every wake. No function that sees through RLS is needed
 * for that, so nothing about hidden rows can leak: the horizon itself is the position. When a read
 * returns fewer rows than its limit, it has examined every final event up to the horizon (visible
 * or not), and the next read starts at `(horizon, 0)`, before any event of a transaction at or
 * above the horizon and after every one below it. The horizon is a transaction id any session can
 * read; the stream never sends it to the client.
 */
import type { Queryable } from '../db/database.js';
import type { TypeFilter } from './event-types.js';

/** Where a stream stands: every event before this position has been delivered or passed over. */
export interface Position {
  /** xid8 and bigint, as decimal strings. */
  txId: string;
  id: string;
}

export interface Cursor {
  position: Position;
  /**
   * For a stream that started "now": the snapshot taken when it opened. Events whose transaction had
   * committed by then are not new, even when they sit above the horizon of the time.
   */
  committedBefore: string | null;
}

export interface EventFilter {
  ticketId: string | null;
  types: TypeFilter | null;
}

export interface EventRow {
  id: string;
  type: string;
  ticket_id: string | null;
  chat_session_id: string | null;
  actor_id: string | null;
  /** Set for events addressed to one user (their notifications). */
  user_id: string | null;
  is_internal: boolean;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface Batch {
  events: EventRow[];
  next: Cursor;
  /** The limit was reached: read again at once. */
  full: boolean;
}

const comparePositions = (a: Position, b: Position) => {
  const tx = BigInt(a.txId) - BigInt(b.txId);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  const id = BigInt(a.id) - BigInt(b.id);
  return id === 0n ? 0 : id < 0n ? -1 : 1;
};

const later = (a: Position, b: Position) => (comparePositions(a, b) >= 0 ? a : b);

/** A stream without `Last-Event-ID`: it carries what commits from now on. */
export async function startNow(tx: Queryable): Promise<Cursor> {
  const { rows } = await tx.query<{ snapshot: string; horizon: string }>(
    'select pg_current_snapshot()::text as snapshot, pg_snapshot_xmin(pg_current_snapshot())::text as horizon',
  );
  const row = rows[0]!;
  return { position: { txId: row.horizon, id: '0' }, committedBefore: row.snapshot };
}

/**
 * A stream resuming after event `lastEventId`: from that event's position when the caller can see
 * it (exact), otherwise from the last event at or before it that the caller can see, which may
 * repeat a few but never skips one; from the start when there is none. Looked up under the caller's
 * row-level security, so the position of a hidden event is never revealed.
 */
export async function resumeAfter(tx: Queryable, lastEventId: string): Promise<Cursor> {
  const { rows } = await tx.query<{ tx_id: string; id: string }>(
    'select e.tx_id::text as tx_id, e.id::text as id from events e where e.id <= $1::bigint order by e.id desc limit 1',
    [lastEventId],
  );
  const row = rows[0];
  return { position: row ? { txId: row.tx_id, id: row.id } : { txId: '0', id: '0' }, committedBefore: null };
}

/** The next events after `cursor` that the caller may see and the filter keeps, in position order. */
export async function readEvents(tx: Queryable, cursor: Cursor, filter: EventFilter, limit: number): Promise<Batch> {
  // One statement, so that the horizon and the rows come from one snapshot.
  const { rows } = await tx.query<EventRow & { horizon: string; tx_id: string | null }>(
    `with horizon as materialized (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
     select h.xmin::text as horizon, e.id::text as id, e.tx_id::text as tx_id, e.type, e.ticket_id,
            e.chat_session_id, e.actor_id, e.user_id, e.is_internal, e.payload, e.created_at
       from horizon h
       left join lateral (
         select e.id, e.tx_id, e.type, e.ticket_id, e.chat_session_id, e.actor_id, e.user_id, e.is_internal, e.payload, e.created_at
           from events e
          where (e.tx_id, e.id) > ($1::xid8, $2::bigint)
            and e.tx_id < h.xmin
            and ($3::pg_snapshot is null or not pg_visible_in_snapshot(e.tx_id, $3::pg_snapshot))
            and ($4::uuid is null or e.ticket_id = $4::uuid)
            and ($5::text[] is null or e.type = any ($5::text[]) or split_part(e.type, '.', 1) = any ($6::text[]))
          order by e.tx_id, e.id
          limit $7
       ) e on true
      order by e.tx_id, e.id`,
    [
      cursor.position.txId,
      cursor.position.id,
      cursor.committedBefore,
      filter.ticketId,
      filter.types?.types ?? null,
      filter.types?.families ?? null,
      limit,
    ],
  );
  const horizon = rows[0]!.horizon;
  const events = rows.filter((row): row is typeof row & { tx_id: string } => row.tx_id !== null);
  const last = events.at(-1);
  const full = events.length === limit;
  const position = full && last ? { txId: last.tx_id, id: last.id } : later(cursor.position, { txId: horizon, id: '0' });
  return { events, next: { position, committedBefore: stillNeeded(cursor.committedBefore, position) }, full };
}

/**
 * The opening snapshot only matters for transactions below its `xmax`: every later one was not
 * visible in it. Once the position has passed `xmax` it filters nothing, and dropping it lets the
 * cursors of streams opened at different times become equal, so that they can share their reads
 * (shared-reads.ts).
 */
function stillNeeded(snapshot: string | null, position: Position): string | null {
  if (snapshot === null) return null;
  const xmax = snapshot.split(':')[1]!;
  return BigInt(position.txId) >= BigInt(xmax) ? null : snapshot;
}
