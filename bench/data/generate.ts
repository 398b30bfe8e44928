/**
 * Fills a fresh bench database with realistic data at the scale asked for.
 *
 * Triggers are bypassed, deliberately. The loading sessions run with
 * `session_replication_role = replica`, as the owner (a superuser, which the migrations need
 * anyway), so no trigger fires: not the numbering, history, outbox and SLA-queue triggers, and not
 * the foreign-key checks. This stays faithful because:
 * - the generator writes what those triggers would have written, consistently: ticket numbers
 *   from per-year counters (and the counters themselves), a history row for every change the
 *   ticket went through (creation, each status move, assignment, every comment and file, tags,
 *   the SLA engine's stamps), versions and `updated_at` that follow that history, and a first
 *   version row for every article;
 * - CHECK and NOT NULL constraints still apply to every row, and every foreign key is added back
 *   after the load (deferred-indexes.ts), which checks it against every row;
 * - the schema afterwards is the migrated one, index for index.
 * What it leaves out: the events outbox (live streams start from "now") and the SLA engine's
 * timers (its stamps on the tickets are there); attachments are metadata without bytes.
 */
import { performance } from 'node:perf_hooks';
import { hashPassword } from '../../examples/server/src/auth/password.js';
import { migrate } from '../../examples/server/src/db/migrate.js';
import { seedReferenceData } from '../../examples/server/src/seed/reference-data.js';
import { currentLoad, type Load } from '../lib/machine.js';
import { progress } from '../lib/progress.js';
import { describeTarget, openTarget, recreateTarget, type Target } from '../lib/target.js';
import { dropIndexes, restoreStatements } from './deferred-indexes.js';
import { writeKnowledgeBase } from './knowledge-base.js';
import { openLoader } from './loader.js';
import { BENCH_PASSWORD, writePeople } from './people.js';
import { Random } from './random.js';
import type { Scale } from './scale.js';
import { writeTickets, type Catalog, type Priority } from './tickets.js';

/** The tables loaded without their indexes. */
const BULK_TABLES = ['tickets', 'comments', 'ticket_history', 'attachments', 'ticket_tags', 'ticket_feedback'] as const;

export interface GenerateOptions {
  target: Target;
  scale: Scale;
  quiet?: boolean;
  /** The moment the data ends at; now by default. */
  now?: number;
}

export interface GenerateReport {
  bench: 'data';
  target: string;
  engine: Target['engine'];
  scale: Scale;
  /** Rows written per table. */
  rows: Record<string, number>;
  /** Seconds per phase: schema, load, indexes (and constraints), vacuum. */
  phases: Record<'schema' | 'load' | 'indexes' | 'vacuum', number>;
  totalSeconds: number;
  /** Rows loaded per second of the load phase. */
  rowsPerSecond: number;
  databaseBytes: number;
  load: { before: Load; after: Load };
}

export async function generate(options: GenerateOptions): Promise<GenerateReport> {
  const { target, scale } = options;
  const quiet = options.quiet ?? false;
  const now = options.now ?? Date.now();
  const loadBefore = currentLoad();
  const started = performance.now();
  const phase = () => {
    const at = performance.now();
    return () => (performance.now() - at) / 1000;
  };

  let elapsed = phase();
  await recreateTarget(target);
  const db = await openTarget(target, 2);
  let catalog: Catalog;
  try {
    await migrate(db);
    catalog = await db.transaction(async (tx) => {
      await seedReferenceData(tx);
      const categories = await tx.query<{ id: string }>('select id from categories order by slug');
      const tags = await tx.query<{ id: string }>('select id from tags order by name');
      const policies = await tx.query<{ id: string; priority: Priority; response: number; resolution: number }>(
        'select id, priority, response_time_minutes as response, resolution_time_minutes as resolution from sla_policies',
      );
      return {
        categories: categories.rows.map((row) => row.id),
        tags: tags.rows.map((row) => row.id),
        policies: Object.fromEntries(policies.rows.map((row) => [row.priority, row])) as unknown as Catalog['policies'],
      };
    });
  } finally {
    await db.close();
  }
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const schemaSeconds = elapsed();

  const loader = await openLoader(target);
  try {
    elapsed = phase();
    const deferred = await dropIndexes(loader, BULK_TABLES);
    const random = new Random(scale.seed);
    const people = await writePeople(loader, random, scale, passwordHash, now);
    const bar = progress('tickets', scale.tickets, { quiet });
    const counts = await writeTickets(loader, random, scale, people, catalog, now, bar);
    bar.done();
    const kb = await writeKnowledgeBase(loader, random, scale, people, now);
    for (const [year, last] of counts.numbers) {
      await loader.query("insert into ticket_counters (prefix, year, last_value) values ('TKT', $1, $2)", [year, last]);
    }
    const loadSeconds = elapsed();

    elapsed = phase();
    const statements = restoreStatements(deferred);
    const indexBar = progress('indexes, keys', statements.length, { quiet });
    for (const statement of statements) {
      await loader.exec(statement.sql);
      indexBar.tick();
    }
    indexBar.done();
    const indexSeconds = elapsed();

    elapsed = phase();
    // Leaves the tables as a long-running database has them: statistics for the planner, and a
    // visibility map that lets index-only scans skip the heap.
    await loader.exec('vacuum analyze');
    const vacuumSeconds = elapsed();

    const [{ bytes }] = await loader.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes') as [{ bytes: string }];
    const users = scale.customers + scale.agents + scale.managers + scale.admins;
    const rows: Record<string, number> = {
      users,
      departments: scale.departments,
      teams: scale.departments * scale.teamsPerDepartment,
      tickets: counts.tickets,
      comments: counts.comments,
      ticket_history: counts.history,
      attachments: counts.attachments,
      ticket_tags: counts.ticketTags,
      ticket_feedback: counts.feedback,
      kb_categories: kb.categories,
      kb_articles: kb.articles,
      kb_article_versions: kb.versions,
      kb_article_feedback: kb.feedback,
    };
    const total = Object.values(rows).reduce((sum, n) => sum + n, 0);
    return {
      bench: 'data',
      target: describeTarget(target),
      engine: target.engine,
      scale,
      rows,
      phases: { schema: schemaSeconds, load: loadSeconds, indexes: indexSeconds, vacuum: vacuumSeconds },
      totalSeconds: (performance.now() - started) / 1000,
      rowsPerSecond: Math.round(total / loadSeconds),
      databaseBytes: Number(bytes),
      load: { before: loadBefore, after: currentLoad() },
    };
  } finally {
    await loader.close();
  }
}
