/**
 * Fresh, migrated databases for tests. Every suite runs on embedded PGlite; when TEST_DATABASE_URL
 * is set (CI sets it) the same suite runs on PostgreSQL too, each test file in a database of its
 * own that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type Engine, type Queryable } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

const adminUrl = process.env.TEST_DATABASE_URL;

/** The engines this run covers. */
export const engines: Engine[] = adminUrl ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  db: Database;
  /** For opening extra pools on the same database (PostgreSQL only). */
  url: string | undefined;
  drop(): Promise<void>;
}

/** An empty database (no migrations applied). */
export async function createEmptyDatabase(engine: Engine, options: { maxConnections?: number } = {}): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const db = await openDatabase();
    return { db, url: undefined, drop: () => db.close() };
  }
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `tf_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), maxConnections: options.maxConnections ?? 4 });
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

/** A database with every migration applied. */
export async function createTestDatabase(engine: Engine, options: { maxConnections?: number } = {}): Promise<TestDatabase> {
  const test = await createEmptyDatabase(engine, options);
  await migrate(test.db);
  return test;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Thrown to end a transaction with a rollback once a test has looked at its effects. */
class Rollback extends Error {}

/** Runs `fn` in a transaction that is always rolled back. */
export async function inRolledBackTransaction<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  let result: T | undefined;
  try {
    await db.transaction(async (tx) => {
      result = await fn(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result as T;
}
