/**
 * Running background workers by hand until they are done. The outbox's consumers read an event
 * only once every transaction older than it has ended — in the whole PostgreSQL cluster, since
 * transaction ids are (read-events.ts) — so while another test file runs a transaction in its own
 * database, a consumer can find nothing to do although events are waiting. Done therefore means:
 * no worker handled anything, and no event of this database is still held back — or it has been
 * for `patienceMs` (a test may hold a transaction on purpose), after which the test's assertions
 * decide.
 */
import type { Queryable } from '../../src/db/database.js';
import type { Worker } from '../../src/workers/worker.js';

export async function drainWorkers(db: Queryable, workers: readonly Worker[], patienceMs = 10_000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    let handled = 0;
    for (const worker of workers) handled += await worker.runOnce();
    if (handled > 0) continue;
    if (Date.now() > deadline || !(await eventsHeldBack(db))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function eventsHeldBack(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ held: boolean }>('select exists (select 1 from events where tx_id >= pg_snapshot_xmin(pg_current_snapshot())) as held');
  return rows[0]!.held;
}
