/**
 * The RLS matrix: every role × every table × select/insert/update/delete, generated from the
 * declarative table in support/access-matrix.ts and asserted on real rows. Each case runs in its own
 * rolled-back transaction as the request role with the actor bound, then looks at the row again as
 * the owner: an allowed write must have changed it, a denied one must have changed nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindActor } from '../src/db/actor.js';
import type { Queryable } from '../src/db/database.js';
import { ACCESS, type Row, type TableAccess } from './support/access-matrix.js';
import { engines, createTestDatabase, inRolledBackTransaction, type TestDatabase } from './support/test-database.js';
import { buildWorld, ROLES, type RowRef, type World } from './support/world.js';

type Operation = 'select' | 'update' | 'delete' | 'insert';

const INSUFFICIENT_PRIVILEGE = '42501';

describe.each(engines)('RLS matrix on %s', (engine) => {
  let test: TestDatabase;
  let world: World;
  let cases = 0;

  beforeAll(async () => {
    test = await createTestDatabase(engine);
    world = await test.db.transaction(buildWorld);
  });
  afterAll(async () => {
    console.log(`RLS matrix on ${engine}: ${cases} cases`);
    await test.drop();
  });

  it('covers every table, and every table has row-level security enabled and forced', async () => {
    const { rows } = await test.db.query<{ name: string; enabled: boolean; forced: boolean }>(
      `select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    expect(ACCESS.map((entry) => entry.table).sort()).toEqual(rows.map((row) => row.name));
    expect(rows.filter((row) => !row.enabled || !row.forced)).toEqual([]);
  });

  describe.each(ACCESS.map((entry) => [entry.table, entry] as const))('%s', (_table, access) => {
    for (const operation of ['select', 'insert', 'update', 'delete'] as const) {
      it(`${operation}: each role is allowed exactly what the matrix says`, async () => {
        const expected: string[] = [];
        const actual: string[] = [];
        for (const role of ROLES) {
          const targets = operation === 'insert' ? Object.keys(access.insert.candidates) : access[operation].rows;
          const allowed = (operation === 'insert' ? access.insert.allow : access[operation].allow)[role] ?? [];
          for (const target of targets) {
            const outcome = await runCase(test, world, access, operation, role, target);
            cases += 1;
            expected.push(`${role} ${operation} ${target}: ${allowed.includes(target) ? 'allowed' : 'denied'}`);
            actual.push(`${role} ${operation} ${target}: ${outcome}`);
          }
        }
        expect(actual).toEqual(expected);
      });
    }
  });
});

async function runCase(
  test: TestDatabase, world: World, access: TableAccess, operation: Operation, role: (typeof ROLES)[number], target: string,
): Promise<string> {
  const table = access.table;
  return inRolledBackTransaction(test.db, async (tx) => {
    const me = world.users[role];
    if (operation === 'insert') {
      const build = access.insert.candidates[target];
      if (!build) throw new Error(`no candidate ${target}`);
      const row = build(world, me);
      const attempt = await attemptAs(tx, me, () => insert(tx, table, row));
      return attempt.refused ? 'denied' : attempt.affected === 1 ? 'allowed' : `inserted ${attempt.affected} rows`;
    }
    const ref = world.rows[table]?.[target];
    if (!ref) throw new Error(`the world has no ${table} row named ${target}`);
    const before = await snapshot(tx, table, ref);
    if (before === undefined) throw new Error(`${table} row ${target} is missing before the case runs`);
    const sql = {
      select: `select 1 from ${table} where ${ref.where}`,
      update: `update ${table} set ${access.update.set} where ${ref.where}`,
      delete: `delete from ${table} where ${ref.where}`,
    }[operation];
    const attempt = await attemptAs(tx, me, async () => {
      const result = await tx.query(sql, ref.params);
      return operation === 'select' ? result.rows.length : result.rowCount;
    });
    const after = await snapshot(tx, table, ref);
    const unchanged = JSON.stringify(after) === JSON.stringify(before);
    if (attempt.refused || attempt.affected === 0) return unchanged ? 'denied' : 'denied, yet the row changed';
    if (attempt.affected !== 1) return `affected ${attempt.affected} rows`;
    if (operation === 'select') return 'allowed';
    if (operation === 'delete') return after === undefined ? 'allowed' : 'reported deleted, yet the row is still there';
    return unchanged ? 'reported updated, yet the row is unchanged' : 'allowed';
  });
}

/**
 * Runs `fn` as the actor inside a savepoint. A refusal (insufficient_privilege: a missing grant or
 * a row-level security WITH CHECK) is a denial; any other error is a bug in the case or the schema
 * and fails the test. Returns to the owner role afterwards.
 */
async function attemptAs(tx: Queryable, userId: string, fn: () => Promise<number>): Promise<{ refused: boolean; affected: number }> {
  await bindActor(tx, { userId });
  await tx.exec('savepoint attempt');
  try {
    const affected = await fn();
    await tx.exec('release savepoint attempt');
    return { refused: false, affected };
  } catch (error) {
    if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
    await tx.exec('rollback to savepoint attempt');
    return { refused: true, affected: 0 };
  } finally {
    await tx.exec('reset role');
  }
}

async function insert(tx: Queryable, table: string, row: Row): Promise<number> {
  const columns = Object.keys(row);
  const placeholders = columns.map((_, index) => `$${index + 1}`);
  const result = await tx.query(`insert into ${table} (${columns.join(', ')}) values (${placeholders.join(', ')}) returning 1`, Object.values(row));
  return result.rows.length;
}

/** The row as the owner sees it, or undefined when it is gone. */
async function snapshot(tx: Queryable, table: string, ref: RowRef): Promise<unknown> {
  const { rows } = await tx.query<{ row: unknown }>(`select to_jsonb(t) as row from ${table} t where ${ref.where}`, ref.params);
  return rows[0]?.row;
}
