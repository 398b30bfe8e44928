/**
 * SLA scheduler throughput on many open tickets: how fast the engine plans tickets (policy match,
 * business-hours due times, timers) and fires due timers (breach stamps, escalations, events), each
 * beside a baseline measured in the same run on the same rows, so the result is a ratio that does not
 * depend on how busy the machine is.
 *
 *   npm run bench:sla                                  # PGlite in memory, 20k tickets
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TICKETS=100000 npm run bench:sla
 *
 * Firing is measured on the first FIRE_SAMPLE (default 20k) timers of a moment when every timer is
 * due: the worst case, a scheduler catching up after an outage.
 *
 * Baselines:
 * - planning: one `UPDATE` writing the same three columns on the same tickets with due times SQL can
 *   compute itself (created_at + a fixed interval): the database work of stamping, without the engine.
 * - firing: one `UPDATE` writing as many timers' outcomes, without acting on them.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase, type Database } from '../examples/server/src/db/database.js';
import { migrate } from '../examples/server/src/db/migrate.js';
import { memoryLogger } from '../examples/server/src/logger.js';
import { slaScheduler } from '../examples/server/src/sla/scheduler.js';

const TICKETS = Number(process.env.TICKETS ?? 20_000);
/** Timers fired in the firing pass: firing every timer of 100k tickets at once would take long. */
const FIRE_SAMPLE = Number(process.env.FIRE_SAMPLE ?? 20_000);
const adminUrl = process.env.BENCH_DATABASE_URL;

async function scratchDatabase(): Promise<{ db: Database; drop: () => Promise<void>; engine: string }> {
  if (!adminUrl) {
    const db = await openDatabase();
    return { db, engine: 'PGlite (memory)', drop: () => db.close() };
  }
  const name = `tf_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), maxConnections: 6 });
  return {
    db,
    engine: 'PostgreSQL',
    drop: async () => {
      await db.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function seed(db: Database) {
  const { rows } = await db.query<{ id: string }>(
    "insert into users (email, first_name, role, is_approved) values ('bench@example.com', 'Bench', 'customer', true) returning id",
  );
  const requester = rows[0]!.id;
  // One policy per priority, in business hours in Berlin with a few holidays: the expensive case.
  await db.query(
    `insert into sla_policies (name, priority, response_time_minutes, resolution_time_minutes, escalation_threshold_minutes,
                               business_hours_only, time_zone, holidays, effective_from)
     select 'Bench ' || p, p::ticket_priority, r, r * 8, greatest(r / 4, 1), true, 'Europe/Berlin',
            array['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01']::date[], '2020-01-01'
       from (values ('urgent', 30), ('high', 120), ('medium', 480), ('low', 1440)) as v (p, r)`,
  );
  const started = performance.now();
  for (let from = 0; from < TICKETS; from += 5000) {
    const count = Math.min(5000, TICKETS - from);
    await db.query(
      `insert into tickets (title, description, priority, requester_id, created_by, created_at)
       select 'Bench ticket ' || i, 'Generated', (array['urgent', 'high', 'medium', 'low'])[1 + i % 4]::ticket_priority, $1, $1,
              now() - (i % 14400) * interval '1 minute'
         from generate_series($2::int, $3::int) as i`,
      [requester, from, from + count - 1],
    );
    process.stdout.write(`\rseeded ${from + count}/${TICKETS} tickets`);
  }
  console.log(` in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const { db, drop, engine } = await scratchDatabase();
  try {
    await migrate(db);
    await seed(db);
    const logger = memoryLogger();
    const now = Date.now();
    // Planning at a moment before the oldest ticket was created, so that nothing is due yet and the
    // pass measures planning alone.
    const early = new Date(now - 11 * 24 * 3600 * 1000);
    const planner = slaScheduler({ db, clock: { now: () => early }, logger, batchSize: 500 });
    let t0 = performance.now();
    let planned = 0;
    for (let n = await planner.runOnce(); n > 0; n = await planner.runOnce()) planned += n;
    const planMs = performance.now() - t0;
    const timers = Number((await db.query<{ n: string }>('select count(*) as n from sla_timers')).rows[0]!.n);

    t0 = performance.now();
    await db.query(
      `update tickets set first_response_due_at = created_at + interval '1 hour', resolution_due_at = created_at + interval '8 hours',
                          sla_policy_id = null`,
    );
    const planBaselineMs = performance.now() - t0;

    // Firing: two months later every timer is due, and every breach escalates up to level 5.
    const later = new Date(now + 60 * 24 * 3600 * 1000);
    const firing = slaScheduler({ db, clock: { now: () => later }, logger, batchSize: 500 });
    t0 = performance.now();
    const cpu = process.cpuUsage();
    let fired = 0;
    for (let n = await firing.runOnce(); n > 0 && fired < FIRE_SAMPLE; n = await firing.runOnce()) fired += n;
    const fireMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const nodeCpuMs = (used.user + used.system) / 1000;

    t0 = performance.now();
    await db.query('update sla_timers set outcome = $1 where ctid = any (array(select ctid from sla_timers limit $2))', ['baseline', fired]);
    const fireBaselineMs = performance.now() - t0;

    console.log(`\nSLA scheduler on ${engine}, ${TICKETS} open tickets (${planned} planned, ${timers} timers)`);
    console.log(`  planning  ${seconds(planMs).padStart(9)}  ${Math.round((TICKETS / planMs) * 1000)} tickets/s   baseline UPDATE ${seconds(planBaselineMs)}   ratio ${(planMs / planBaselineMs).toFixed(1)}x`);
    console.log(`  firing    ${seconds(fireMs).padStart(9)}  ${Math.round((fired / fireMs) * 1000)} timers/s (${fired} fired, escalation levels included)   baseline UPDATE ${seconds(fireBaselineMs)}   ratio ${(fireMs / fireBaselineMs).toFixed(1)}x`);
    // PGlite runs inside this process: only with PostgreSQL does the split say where the time went.
    if (adminUrl) console.log(`  firing: the scheduler's process was busy ${Math.round((nodeCpuMs / fireMs) * 100)}% of the time (the rest is PostgreSQL)`);
    if (logger.entries.some((entry) => entry.level === 'error')) console.log('  errors logged:', logger.entries.filter((e) => e.level === 'error').slice(0, 3));
  } finally {
    await drop();
  }
}

await main();
