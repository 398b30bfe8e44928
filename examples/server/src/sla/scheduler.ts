/**
 * The SLA scheduler: a {@link Worker} that keeps every ticket's SLA planned and fires what is due.
 *
 * One batch does two things, each in its own transaction:
 * 1. Plans again the tickets the triggers queued (`sla_refresh_queue`): new tickets, and any change
 *    of priority, category, status, assignee or first response, or of a policy.
 * 2. Fires the timers due by the clock's "now" (`sla_timers`): warnings, breaches, escalation levels,
 *    unassigned urgent tickets.
 *
 * Several instances may run it against one database: rows are claimed `FOR UPDATE SKIP LOCKED`, so
 * each queued ticket and each due timer goes to exactly one of them, and a timer is marked fired in
 * the transaction that acts on it, so a crash before commit leaves it due and a crash after leaves it
 * done. Queue rows and timers are claimed together with their tickets, passing over locked ones, so
 * neither two instances nor an instance and a request wait on each other in a cycle.
 */
import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Worker } from '../workers/worker.js';
import { applySlaPlans } from './apply-plan.js';
import { fireTimer, type DueTimer } from './fire-timer.js';
import { loadTicketSlas } from './load-ticket-sla.js';

export interface SlaSchedulerOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Tickets planned, and timers fired, per transaction. */
  batchSize?: number;
}

export function slaScheduler({ db, clock, logger, batchSize = 200 }: SlaSchedulerOptions): Worker {
  return {
    name: 'sla-scheduler',
    async runOnce() {
      const planned = await db.transaction((tx) => planQueued(tx, clock.now(), batchSize));
      const fired = await db.transaction((tx) => fireDue(tx, clock.now(), batchSize, logger));
      return planned + fired;
    },
  };
}

async function planQueued(tx: Queryable, now: Date, limit: number): Promise<number> {
  // Queue rows and their tickets are claimed together, passing over tickets a request holds: a
  // request that changes a ticket locks it and then queues it, so taking the queue row first and
  // waiting for the ticket after would deadlock with it.
  const { rows } = await tx.query<{ ticket_id: string }>(
    `select q.ticket_id from sla_refresh_queue q join tickets t on t.id = q.ticket_id
      order by q.queued_at, q.ticket_id
      limit $1
      for update of q, t skip locked`,
    [limit],
  );
  if (rows.length === 0) return 0;
  const ids = rows.map((row) => row.ticket_id);
  await tx.query('delete from sla_refresh_queue where ticket_id = any ($1::uuid[])', [ids]);
  await applySlaPlans(tx, ids, now);
  return ids.length;
}

async function fireDue(tx: Queryable, now: Date, limit: number, logger: Logger): Promise<number> {
  // Timers and their tickets are claimed together, passing over those another instance (or a
  // request) holds: planning locks a ticket and then its timers, so waiting for either here could
  // deadlock with it.
  const { rows: timers } = await tx.query<DueTimer>(
    `select s.ticket_id, s.kind, s.step, s.due_at from sla_timers s join tickets t on t.id = s.ticket_id
      where s.fired_at is null and s.due_at <= $1
      order by s.due_at, s.ticket_id, s.kind, s.step
      limit $2
      for update of s, t skip locked`,
    [now, limit],
  );
  if (timers.length === 0) return 0;
  const ticketIds = [...new Set(timers.map((t) => t.ticket_id))];
  // Loaded once for the batch: with the tickets locked, nothing the timers read can change under them.
  const inputs = await loadTicketSlas(tx, ticketIds);

  const outcomes: { timer: DueTimer; outcome: string }[] = [];
  for (const timer of timers) {
    // A savepoint per timer: one that throws is undone, logged and recorded as failed (left due, it
    // would fail again on every batch), and the batch goes on.
    await tx.query('savepoint fire_timer');
    try {
      let result = await fireTimer(tx, timer, now, inputs.get(timer.ticket_id));
      if (!result.done) {
        await applySlaPlans(tx, [timer.ticket_id], now);
        // Planning moved or removed a stale timer. If it is still due as it was, nothing can come of
        // it: record that instead of finding it again on every batch.
        result = (await stillDue(tx, timer, now)) ? { done: true, outcome: 'skipped: nothing to do' } : result;
      }
      if (result.done) outcomes.push({ timer, outcome: result.outcome });
      await tx.query('release savepoint fire_timer');
    } catch (error) {
      await tx.query('rollback to savepoint fire_timer');
      // A deadlock or serialization failure says nothing about the timer: the batch is given up
      // and its timers stay due for the next pass.
      if (isTransient(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      logger.log('error', 'SLA timer failed', { ticket_id: timer.ticket_id, kind: timer.kind, step: timer.step, error: message });
      outcomes.push({ timer, outcome: `failed: ${message}`.slice(0, 500) });
    }
  }
  // Marked fired in the transaction that acted: committed together, or not at all.
  await tx.query(
    `update sla_timers s set fired_at = $1, outcome = o.outcome
       from unnest($2::uuid[], $3::text[], $4::smallint[], $5::text[]) as o (ticket_id, kind, step, outcome)
      where s.ticket_id = o.ticket_id and s.kind = o.kind and s.step = o.step and s.fired_at is null and s.due_at <= $1`,
    [
      now,
      outcomes.map((o) => o.timer.ticket_id),
      outcomes.map((o) => o.timer.kind),
      outcomes.map((o) => o.timer.step),
      outcomes.map((o) => o.outcome),
    ],
  );
  return timers.length;
}

async function stillDue(tx: Queryable, timer: DueTimer, now: Date): Promise<boolean> {
  const { rows } = await tx.query(
    'select 1 from sla_timers where ticket_id = $1 and kind = $2 and step = $3 and fired_at is null and due_at <= $4',
    [timer.ticket_id, timer.kind, timer.step, now],
  );
  return rows.length > 0;
}

/** Deadlock, serialization failure, lock not available: worth trying again, not recording. */
const TRANSIENT_CODES = new Set(['40P01', '40001', '55P03']);
const isTransient = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error && TRANSIENT_CODES.has(String(error.code));
