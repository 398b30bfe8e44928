/**
 * Times one operation as one role, under row-level security and as the owner, alternating the two
 * so that whatever else the machine does meanwhile weighs on both alike.
 *
 * What is timed is the operation's statements inside its transaction. The rest of the transaction
 * (BEGIN, binding the actor, COMMIT) is the same for every operation and timed on its own line
 * ("bind actor"), so that the ratios say what the policies cost each query.
 */
import { performance } from 'node:perf_hooks';
import { bindActor } from '../../examples/server/src/db/actor.js';
import type { Database, Queryable } from '../../examples/server/src/db/database.js';
import { summarize, type Summary } from '../lib/stats.js';
import type { Fixture } from './fixtures.js';
import type { Operation } from './operations.js';

export type Mode = 'rls' | 'owner';

export interface Budget {
  /** At most this many timed runs per mode. */
  iterations: number;
  /** And stop after this many seconds per cell, once `minIterations` are in. */
  seconds: number;
  minIterations: number;
  /** Untimed runs first (plans cached, pages in memory). */
  warmup: number;
}

export interface Cell {
  operation: string;
  role: Fixture['role'];
  rls: Summary;
  owner: Summary;
  /** Rows read or written per run (of the last run), under RLS and as the owner. */
  rows: { rls: number; owner: number };
  /** RLS p50 / owner p50. */
  ratio: number;
}

/**
 * The owner's session gets the same settings as the caller's (user id and role), without
 * `SET ROLE`: column defaults and triggers that read `app.user_id()` behave alike, and a
 * superuser owner bypasses every policy, FORCE ROW LEVEL SECURITY included.
 */
async function bindOwner(tx: Queryable, fixture: Fixture): Promise<void> {
  await tx.query("select set_config('app.user_id', $1, true), set_config('app.role', $2, true)", [fixture.userId, fixture.role]);
}

async function once(db: Database, mode: Mode, fixture: Fixture, run: (tx: Queryable) => Promise<number>): Promise<{ ms: number; rows: number }> {
  return db.transaction(async (tx) => {
    if (mode === 'rls') await bindActor(tx, { userId: fixture.userId });
    else await bindOwner(tx, fixture);
    const started = performance.now();
    const rows = await run(tx);
    return { ms: performance.now() - started, rows };
  });
}

export async function measureCell(db: Database, operation: Operation, fixtures: readonly Fixture[], budget: Budget, now: Date): Promise<Cell> {
  const samples: Record<Mode, number[]> = { rls: [], owner: [] };
  const rows = { rls: 0, owner: 0 };
  const deadline = performance.now() + budget.seconds * 1000;
  const total = budget.warmup + budget.iterations;
  for (let n = 0; n < total; n += 1) {
    if (n >= budget.warmup + budget.minIterations && performance.now() > deadline) break;
    const fixture = fixtures[n % fixtures.length]!;
    const order: Mode[] = n % 2 === 0 ? ['rls', 'owner'] : ['owner', 'rls'];
    for (const mode of order) {
      const result = await once(db, mode, fixture, (tx) => operation.run(tx, { fixture, n, now }));
      if (n >= budget.warmup) samples[mode].push(result.ms);
      rows[mode] = result.rows;
    }
  }
  const rls = summarize(samples.rls);
  const owner = summarize(samples.owner);
  return { operation: operation.name, role: fixtures[0]!.role, rls, owner, rows, ratio: rls.p50 / owner.p50 };
}

/** BEGIN + binding + COMMIT of an empty transaction, per mode: the fixed cost every request pays. */
export async function measureBinding(db: Database, fixtures: readonly Fixture[], budget: Budget): Promise<Cell> {
  const samples: Record<Mode, number[]> = { rls: [], owner: [] };
  for (let n = 0; n < budget.warmup + budget.iterations; n += 1) {
    const fixture = fixtures[n % fixtures.length]!;
    for (const mode of ['rls', 'owner'] as const) {
      const started = performance.now();
      await db.transaction(async (tx) => {
        if (mode === 'rls') await bindActor(tx, { userId: fixture.userId });
        else await bindOwner(tx, fixture);
      });
      if (n >= budget.warmup) samples[mode].push(performance.now() - started);
    }
  }
  const rls = summarize(samples.rls);
  const owner = summarize(samples.owner);
  return { operation: 'bind actor (transaction)', role: fixtures[0]!.role, rls, owner, rows: { rls: 0, owner: 0 }, ratio: rls.p50 / owner.p50 };
}
