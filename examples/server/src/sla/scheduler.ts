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
 * done. Tickets are locked in id order before any action, so two instances never deadlock over them.
 */
import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Worker } from '../workers/worker.js';
import { applySlaPlan } from './apply-plan.js';
import { fireTimer, type DueTimer } from './fire-timer.js';

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
  const { rows } = await tx.query<{ ticket_id: string }>(
    `delete from sla_refresh_queue
      where ticket_id in (select ticket_id from sla_refresh_queue order by queued_at, ticket_id limit $1 for update skip locked)
      returning ticket_id`,
    [limit],
  );
  const ids = rows.map((row) => row.ticket_id).sort();
  for (const id of ids) await applySlaPlan(tx, id, now);
  return ids.length;
}

async function fireDue(tx: Queryable, now: Date, limit: number, logger: Logger): Promise<number> {
  const { rows: timers } = await tx.query<DueTimer>(
    `select ticket_id, kind, step, due_at from sla_timers
      where fired_at is null and due_at <= $1
      order by due_at, ticket_id, kind, step
      limit $2
      for update skip locked`,
    [now, limit],
  );
  if (timers.length === 0) return 0;
  await tx.query('select 1 from tickets where id = any ($1::uuid[]) order by id for update', [[...new Set(timers.map((t) => t.ticket_id))]]);

  for (const timer of timers) {
    // A savepoint per timer: one that throws is undone, logged and recorded as failed (left due, it
    // would fail again on every batch), and the batch goes on.
    await tx.query('savepoint fire_timer');
    try {
      let result = await fireTimer(tx, timer, now);
      if (!result.done) {
        await applySlaPlan(tx, timer.ticket_id, now);
        // Planning moved or removed a stale timer. If it is still due as it was, nothing can come of
        // it: record that instead of finding it again on every batch.
        result = (await stillDue(tx, timer, now)) ? { done: true, outcome: 'skipped: nothing to do' } : result;
      }
      if (result.done) {
        await tx.query(
          'update sla_timers set fired_at = $5, outcome = $6 where ticket_id = $1 and kind = $2 and step = $3 and due_at = $4',
          [timer.ticket_id, timer.kind, timer.step, timer.due_at, now, result.outcome],
        );
      }
      await tx.query('release savepoint fire_timer');
    } catch (error) {
      await tx.query('rollback to savepoint fire_timer');
      const message = error instanceof Error ? error.message : String(error);
      logger.log('error', 'SLA timer failed', { ticket_id: timer.ticket_id, kind: timer.kind, step: timer.step, error: message });
      await tx.query(
        'update sla_timers set fired_at = $4, outcome = $5 where ticket_id = $1 and kind = $2 and step = $3',
        [timer.ticket_id, timer.kind, timer.step, now, `failed: ${message}`.slice(0, 500)],
      );
    }
  }
  return timers.length;
}

async function stillDue(tx: Queryable, timer: DueTimer, now: Date): Promise<boolean> {
  const { rows } = await tx.query(
    'select 1 from sla_timers where ticket_id = $1 and kind = $2 and step = $3 and fired_at is null and due_at <= $4',
    [timer.ticket_id, timer.kind, timer.step, now],
  );
  return rows.length > 0;
}
