/**
 * Bulk loading into either engine, with triggers (and the foreign-key triggers) switched off for the
 * loading sessions by `session_replication_role = replica`: see generate.ts for why that stays
 * faithful. PostgreSQL: `COPY … FROM STDIN` (pg-copy-streams), one connection per table being
 * written so that tables load in parallel. PGlite: `COPY … FROM '/dev/blob'` in large chunks.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Writable } from 'node:stream';
import type { Target } from '../lib/target.js';
import { tsvLine, type Cell } from './tsv.js';

export interface TableWriter {
  /** Queues a row; returns a promise only when the caller should wait (backpressure). */
  write(cells: readonly Cell[]): Promise<void> | undefined;
  /** Flushes and finishes the COPY; resolves to the rows written. */
  end(): Promise<number>;
}

export interface Loader {
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  writer(table: string, columns: readonly string[]): Promise<TableWriter>;
  close(): Promise<void>;
}

const SESSION_SETUP = `
  set session_replication_role = replica;
  set synchronous_commit = off;
  set maintenance_work_mem = '1GB';`;

/** Characters buffered before a write to the COPY stream. */
const PG_CHUNK = 256 * 1024;
/** Characters buffered before one `COPY FROM '/dev/blob'` on PGlite. */
const PGLITE_CHUNK = 16 * 1024 * 1024;

export async function openLoader(target: Target): Promise<Loader> {
  return target.engine === 'postgres' ? postgresLoader(target.url) : pgliteLoader(target.dataDir);
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'ticketflow-bench-loader' });
  await client.connect();
  await client.query(SESSION_SETUP);
  return client;
}

async function postgresLoader(url: string): Promise<Loader> {
  const control = await connect(url);
  const writers = new Set<pg.Client>();
  return {
    exec: async (sql) => {
      await control.query(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await control.query(sql, params)).rows as Row[],
    async writer(table, columns) {
      const client = await connect(url);
      writers.add(client);
      const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
      let failure: Error | undefined;
      stream.on('error', (error: Error) => {
        failure = error;
      });
      let buffer = '';
      let rows = 0;
      const flush = (): Promise<void> | undefined => {
        if (failure) return Promise.reject(failure);
        const ok = stream.write(buffer);
        buffer = '';
        return ok ? undefined : drained(stream);
      };
      return {
        write(cells) {
          buffer += tsvLine(cells);
          rows += 1;
          return buffer.length >= PG_CHUNK ? flush() : undefined;
        },
        async end() {
          if (buffer.length > 0) await flush();
          await new Promise<void>((resolve, reject) => {
            if (failure) return reject(failure);
            stream.once('finish', resolve);
            stream.once('error', reject);
            stream.end();
          });
          writers.delete(client);
          await client.end();
          return rows;
        },
      };
    },
    async close() {
      await Promise.all([...writers].map((client) => client.end().catch(() => undefined)));
      await control.end();
    },
  };
}

const drained = (stream: Writable) =>
  new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    stream.once('drain', () => {
      stream.off('error', onError);
      resolve();
    });
    stream.once('error', onError);
  });

async function pgliteLoader(dataDir: string): Promise<Loader> {
  const db = await PGlite.create({ dataDir });
  await db.exec(SESSION_SETUP.replace("set maintenance_work_mem = '1GB';", "set maintenance_work_mem = '256MB';"));
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await db.query<Row>(sql, params)).rows,
    writer(table, columns) {
      let buffer: string[] = [];
      let size = 0;
      let rows = 0;
      const sql = `copy ${table} (${columns.join(', ')}) from '/dev/blob'`;
      const flush = async () => {
        const blob = new Blob(buffer);
        buffer = [];
        size = 0;
        await db.query(sql, [], { blob });
      };
      return Promise.resolve({
        write(cells) {
          const line = tsvLine(cells);
          buffer.push(line);
          size += line.length;
          rows += 1;
          return size >= PGLITE_CHUNK ? flush() : undefined;
        },
        async end() {
          if (size > 0) await flush();
          return rows;
        },
      });
    },
    close: () => db.close(),
  };
}
