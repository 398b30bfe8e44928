/**
 * The migration runner: applies in order once, records checksums, refuses edited history, rolls a
 * failed migration back whole, and stays correct when two processes migrate at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { loadMigrations, migrate, MigrationChecksumError, type Migration } from '../src/db/migrate.js';
import { createEmptyDatabase, engines, type TestDatabase } from './support/test-database.js';

const fake = (version: number, name: string, sql: string): Migration => ({ version, name, sql, checksum: `c${version}-${sql.length}` });

describe.each(engines)('migrations on %s', (engine) => {
  let test: TestDatabase | undefined;
  afterEach(async () => {
    await test?.drop();
    test = undefined;
  });

  it('applies every migration once, in order, and nothing on a second run', async () => {
    test = await createEmptyDatabase(engine);
    const files = await loadMigrations();
    const first = await migrate(test.db);
    const second = await migrate(test.db);
    expect(first.applied).toEqual(files.map((file) => file.name));
    expect(second).toEqual({ applied: [], alreadyApplied: files.length });
    const { rows } = await test.db.query<{ version: number; checksum: string }>('select version, checksum from meta.migrations order by version');
    expect(rows).toEqual(files.map((file) => ({ version: file.version, checksum: file.checksum })));
  });

  it('refuses to run when an applied migration has changed', async () => {
    test = await createEmptyDatabase(engine);
    await migrate(test.db, [fake(1, '0001_a.sql', 'create table a (id int)')]);
    const edited = { ...fake(1, '0001_a.sql', 'create table a (id bigint)'), checksum: 'different' };
    await expect(migrate(test.db, [edited])).rejects.toBeInstanceOf(MigrationChecksumError);
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    test = await createEmptyDatabase(engine);
    const broken = fake(2, '0002_broken.sql', 'create table b (id int); select 1 / 0;');
    await expect(migrate(test.db, [fake(1, '0001_a.sql', 'create table a (id int)'), broken])).rejects.toThrow(
      /migration 0002_broken.sql failed: division by zero/,
    );
    const { rows } = await test.db.query<{ tables: string[]; versions: number[] }>(
      `select array(select tablename::text from pg_tables where schemaname = 'public' order by 1) as tables,
              array(select version from meta.migrations order by 1) as versions`,
    );
    expect(rows[0]).toEqual({ tables: ['a'], versions: [1] });
  });

  it('is safe when two migrators run at once', async () => {
    test = await createEmptyDatabase(engine);
    // On PostgreSQL the second migrator is a separate pool, as a second process would be.
    const other = test.url ? await openDatabase({ databaseUrl: test.url, maxConnections: 2 }) : test.db;
    try {
      const results = await Promise.all([migrate(test.db), migrate(other)]);
      const total = (await loadMigrations()).length;
      expect(results.map((result) => result.applied.length).sort((a, b) => a - b)).toEqual([0, total]);
      const { rows } = await test.db.query<{ n: number }>('select count(*)::int as n from meta.migrations');
      expect(rows[0]?.n).toBe(total);
    } finally {
      if (other !== test.db) await other.close();
    }
  });
});
