/**
 * One small interface over the two engines the server runs on: embedded PGlite (the default: no
 * install, a data directory or memory) and PostgreSQL through a `pg` pool (`DATABASE_URL`).
 */
import { createHash } from 'node:crypto';
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
  /**
   * LISTENs on `channel`: calls `onNotify` with the payload of each notification (`pg_notify`), and
   * with no payload after the listener lost its connection and listens again, because whatever was
   * sent meanwhile is lost and the caller must look for itself. On PostgreSQL each call holds one
   * connection of its own, outside the pool.
   */
  listen(channel: string, onNotify: (payload?: string) => void): Listener;
  close(): Promise<void>;
}

/** A LISTEN in place; see `Database.listen`. */
export interface Listener {
  /**
   * Settles after the first attempt: resolves once notifications flow, rejects when that attempt
   * failed (PostgreSQL keeps retrying, and calls `onNotify` without a payload once it succeeds).
   */
  readonly ready: Promise<void>;
  /** Stops listening and releases the connection. */
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
    listen: (channel, onNotify) => {
      // One in-process engine: a notification cannot be lost in transit, so there is no reconnecting.
      const unlisten = db.listen(channel, (payload) => onNotify(payload));
      return {
        ready: unlisten.then(() => undefined),
        close: async () => {
          const stop = await unlisten.catch(() => undefined);
          if (stop && !db.closed) await stop();
        },
      };
    },
    close: () => db.close(),
  };
}

function openPostgres(databaseUrl: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle client's error (the server restarting) must not crash the process; the next checkout
  // gets a fresh connection.
  pool.on('error', () => undefined);
  const statements = preparedStatementNames();
  const wrap = (client: pg.PoolClient, onError: (error: unknown) => void): Queryable => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const name = params.length > 0 ? statements.nameOf(sql) : undefined;
      try {
        const result = await client.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        onError(error);
        throw error;
      }
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const session = async <T>(fn: (session: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let stale = false;
    try {
      return await fn(wrap(client, (error) => (stale ||= isStalePreparedStatement(error))));
    } finally {
      // Its prepared statements would fail the same way on every later use: a new connection
      // prepares them afresh.
      client.release(stale);
    }
  };
  return {
    engine: 'postgres',
    query: (sql, params) => session((client) => client.query(sql, params)),
    exec: async (sql) => {
      await pool.query(sql);
    },
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
    listen: (channel, onNotify) => listenPostgres(databaseUrl, channel, onNotify),
    close: () => pool.end(),
  };
}

/** Distinct statements prepared per connection at most; any beyond run unnamed (parsed and planned each time). */
const MAX_PREPARED_STATEMENTS = 256;

/**
 * Names for parameterised statements, so that each connection parses and plans a statement once
 * and then reuses the plan (PostgreSQL's plan cache: custom plans for the first runs, then a
 * generic one if it is no worse). Planning is most of what a short request costs the database:
 * row-level security turns a one-row read into a dozen subplans, 1.8 ms to plan and 0.2 ms to run.
 * Plans do not depend on the actor (the policies read it at run time), and PostgreSQL plans again
 * when the role, the search path or the schema changes. Only statements with parameters are named:
 * those are always a single statement.
 */
function preparedStatementNames() {
  const names = new Map<string, string>();
  return {
    nameOf(sql: string): string | undefined {
      let name = names.get(sql);
      if (name === undefined && names.size < MAX_PREPARED_STATEMENTS) {
        name = `tf_${createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
        names.set(sql, name);
      }
      return name;
    },
  };
}

/** A prepared statement whose result columns changed under it (a migration while running). */
const isStalePreparedStatement = (error: unknown) =>
  (error as { code?: string }).code === '0A000' && String((error as Error).message).includes('cached plan must not change result type');

/** Delay before reconnecting a lost LISTEN connection: doubling from 250 ms to 30 s, with jitter. */
const RELISTEN_FIRST_MS = 250;
const RELISTEN_MAX_MS = 30_000;

/**
 * LISTEN on a connection of its own: a pooled connection goes back to the pool between queries, and
 * notifications only reach the session that listens. A lost connection (the server restarting, a
 * network cut, an administrator terminating it) is replaced with backoff, listens again, and then
 * calls `onNotify()` so that nothing sent while it was down goes unnoticed. TCP keepalive finds
 * connections that died silently.
 */
function listenPostgres(connectionString: string, channel: string, onNotify: (payload?: string) => void): Listener {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name: ${channel}`);
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const connect = async () => {
    const next = new pg.Client({
      connectionString,
      application_name: 'ticketflow-listener',
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 10_000,
    });
    // 'error' is always followed by 'end', which is where the connection is replaced.
    next.on('error', () => undefined);
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    next.on('end', () => {
      if (client !== next) return;
      client = undefined;
      reconnectLater();
    });
    try {
      await next.connect();
      await next.query(`listen ${channel}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    failures = 0;
  };

  const attempt = () => {
    connecting = connect().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  function reconnectLater() {
    if (closed) return;
    const delay = Math.min(RELISTEN_MAX_MS, RELISTEN_FIRST_MS * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      attempt().then(() => {
        if (!closed) onNotify();
      }, reconnectLater);
    }, delay);
    retry.unref();
  }

  const ready = attempt();
  ready.catch(reconnectLater);
  return {
    ready,
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await connecting?.catch(() => undefined);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
