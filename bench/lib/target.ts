/**
 * Where a benchmark's data lives: a PostgreSQL database of its own (`ticketflow_bench` by default,
 * created on the server BENCH_DATABASE_URL points at), or a PGlite data directory. Benchmarks never
 * touch any other database: the name must start with `ticketflow_bench`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../examples/server/src/db/database.js';

export const DEFAULT_DATABASE = 'ticketflow_bench';

export type Target =
  | { engine: 'postgres'; adminUrl: string; database: string; url: string }
  | { engine: 'pglite'; dataDir: string };

export interface TargetOptions {
  /** A PostgreSQL URL to any database of the server (only used to create and drop the bench database). */
  adminUrl?: string | undefined;
  /** The bench database's name on PostgreSQL. */
  database?: string | undefined;
  /** PGlite's data directory; a fixed directory under the system's temp directory by default. */
  dataDir?: string | undefined;
}

/** Thrown for a database name a benchmark must not use. */
export class UnsafeDatabaseName extends Error {
  constructor(name: string) {
    super(`refusing to use database "${name}": benchmark databases are named ticketflow_bench…`);
    this.name = 'UnsafeDatabaseName';
  }
}

export function assertBenchName(name: string): void {
  if (!/^ticketflow_bench[a-z0-9_]{0,40}$/.test(name)) throw new UnsafeDatabaseName(name);
}

export function targetFrom(options: TargetOptions): Target {
  if (options.adminUrl) {
    const database = options.database ?? DEFAULT_DATABASE;
    assertBenchName(database);
    const url = new URL(options.adminUrl);
    url.pathname = `/${database}`;
    return { engine: 'postgres', adminUrl: options.adminUrl, database, url: url.toString() };
  }
  return { engine: 'pglite', dataDir: options.dataDir ?? join(tmpdir(), 'ticketflow-bench-pglite') };
}

export const describeTarget = (target: Target): string =>
  target.engine === 'postgres' ? `PostgreSQL (${target.database})` : `PGlite (${target.dataDir})`;

export async function openTarget(target: Target, maxConnections = 10): Promise<Database> {
  return target.engine === 'postgres'
    ? openDatabase({ databaseUrl: target.url, maxConnections })
    : openDatabase({ dataDir: target.dataDir });
}

/** Runs one statement on the server's admin connection (CREATE/DROP DATABASE cannot run in a pool transaction). */
export async function adminQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(adminUrl: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Whether the bench database already holds generated data (for `--reuse`). */
export async function targetExists(target: Target): Promise<boolean> {
  if (target.engine === 'pglite') {
    const { existsSync } = await import('node:fs');
    return existsSync(join(target.dataDir, 'PG_VERSION'));
  }
  const rows = await adminQuery(target.adminUrl, 'select 1 from pg_database where datname = $1', [target.database]);
  return rows.length > 0;
}

/** A new, empty bench database (dropped first if it exists). */
export async function recreateTarget(target: Target): Promise<void> {
  if (target.engine === 'pglite') {
    const { rm } = await import('node:fs/promises');
    await rm(target.dataDir, { recursive: true, force: true });
    return;
  }
  assertBenchName(target.database);
  await adminQuery(target.adminUrl, `drop database if exists ${target.database} with (force)`);
  await adminQuery(target.adminUrl, `create database ${target.database}`);
}
