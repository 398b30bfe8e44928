/**
 * Applies the numbered SQL files in `migrations/` in order, each in its own transaction, and records
 * each one with a checksum. Forward-only: an applied migration that changed on disk is refused,
 * never re-run. Two processes migrating at once serialise on an advisory lock, so each file is
 * applied exactly once.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from './database.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Any fixed 64-bit number: the advisory lock only has to be the same in every migrator. */
const MIGRATION_LOCK_KEY = 7_468_152_013;

export interface Migration {
  /** The number the file name starts with. */
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/** An applied migration no longer matches its file: history was rewritten. */
export class MigrationChecksumError extends Error {
  constructor(readonly migration: string) {
    super(`migration ${migration} was changed after it was applied; add a new migration instead`);
    this.name = 'MigrationChecksumError';
  }
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (name, index) => {
      const version = Number(name.slice(0, 4));
      if (version !== index + 1) throw new Error(`migrations must be numbered 0001, 0002, … without gaps: ${name}`);
      const sql = await readFile(`${dir}/${name}`, 'utf8');
      return { version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/** Names of the migrations on disk not yet applied to `db` (for readiness checks). */
export async function pendingMigrations(db: Queryable, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  const { rows } = await db.query<{ version: number }>('select version from meta.migrations').catch((error: unknown) => {
    // undefined_table: nothing was ever migrated.
    if ((error as { code?: string }).code === '42P01') return { rows: [] as { version: number }[] };
    throw error;
  });
  const applied = new Set(rows.map((row) => row.version));
  return all.filter((migration) => !applied.has(migration.version)).map((migration) => migration.name);
}

export async function migrate(db: Database, migrations?: Migration[]): Promise<MigrateResult> {
  const all = migrations ?? (await loadMigrations());
  return db.session(async (session) => {
    await assertBypassesRls(session);
    await session.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await session.exec(`
        create schema if not exists meta;
        create table if not exists meta.migrations (
          version    integer primary key,
          name       text not null,
          checksum   text not null,
          applied_at timestamptz not null default now()
        );`);
      const { rows } = await session.query<{ version: number; checksum: string }>(
        'select version, checksum from meta.migrations order by version',
      );
      const appliedChecksums = new Map(rows.map((row) => [row.version, row.checksum]));
      const result: MigrateResult = { applied: [], alreadyApplied: 0 };
      for (const migration of all) {
        const checksum = appliedChecksums.get(migration.version);
        if (checksum !== undefined) {
          if (checksum !== migration.checksum) throw new MigrationChecksumError(migration.name);
          result.alreadyApplied += 1;
          continue;
        }
        await applyOne(db, session, migration);
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await session.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

async function applyOne(db: Database, session: Queryable, migration: Migration): Promise<void> {
  // PGlite's transaction() is its only way to run one; on PostgreSQL the statements must run on the
  // session that holds the lock.
  const run = async (tx: Queryable) => {
    await tx.exec(migration.sql);
    await tx.query('insert into meta.migrations (version, name, checksum) values ($1, $2, $3)', [
      migration.version,
      migration.name,
      migration.checksum,
    ]);
  };
  try {
    if (db.engine === 'pglite') {
      await db.transaction(run);
      return;
    }
    await session.exec('begin');
    try {
      await run(session);
      await session.exec('commit');
    } catch (error) {
      await session.exec('rollback');
      throw error;
    }
  } catch (error) {
    throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The SECURITY DEFINER functions behind triggers and policies run as the migrating role and must
 * see every row, so that role has to bypass row-level security (a superuser or BYPASSRLS role).
 */
async function assertBypassesRls(session: Queryable): Promise<void> {
  const { rows } = await session.query<{ bypasses: boolean; role: string }>(
    'select rolsuper or rolbypassrls as bypasses, rolname as role from pg_roles where rolname = current_user',
  );
  if (!rows[0]?.bypasses) {
    throw new Error(
      `role ${rows[0]?.role ?? '?'} cannot run migrations: it must be a superuser or have BYPASSRLS ` +
        '(requests never use it; they run as ticketflow_app under row-level security)',
    );
  }
}
