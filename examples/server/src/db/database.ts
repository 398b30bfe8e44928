/**
 * One small interface over the two engines the server runs on: embedded PGlite (the default: no
 * install, a data directory or memory) and PostgreSQL through a `pg` pool (`DATABASE_URL`).
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows inserted, updated or deleted by the statement (0 for a SELECT on PGlite). */
  rowCount: number;
}

/** Something that runs statements: the database itself, or one transaction of it. */
export interface Queryable {
  /** One statement with `$1…` parameters. Values are always sent as parameters, never spliced. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Engine = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly engine: Engine;
  /** Runs `fn` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A dedicated session for work that must hold session state, such as an advisory lock. */
  session<T>(fn: (session: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A `postgres://` URL: PostgreSQL. Absent: embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite's data directory; absent means in memory. Ignored for PostgreSQL. */
  dataDir?: string | undefined;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, options.maxConnections ?? 10);
  }
  return openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await q.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  // PGlite is a single connection that serialises its callers, so a "session" is the database.
  const base = wrap(db);
  return {
    engine: 'pglite',
    ...base,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    session: (fn) => fn(base),
    close: () => db.close(),
  };
}

function openPostgres(databaseUrl: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle client's error (the server restarting) must not crash the process; the next checkout
  // gets a fresh connection.
  pool.on('error', () => undefined);
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const session = async <T>(fn: (session: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(wrap(client));
    } finally {
      client.release();
    }
  };
  return {
    engine: 'postgres',
    ...wrap(pool),
    session,
    transaction: (fn) =>
      session(async (client) => {
        await client.exec('begin');
        try {
          const result = await fn(client);
          await client.exec('commit');
          return result;
        } catch (error) {
          await client.exec('rollback');
          throw error;
        }
      }),
    close: () => pool.end(),
  };
}
