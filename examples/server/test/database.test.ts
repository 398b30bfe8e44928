/**
 * The database wrapper's statement reuse: on PostgreSQL parameterised statements are prepared once
 * per connection, which must never leave a connection stuck on a statement that no longer fits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, engines, type TestDatabase } from './support/test-database.js';

describe.each(engines)('the database wrapper on %s', (engine) => {
  let test: TestDatabase;
  beforeAll(async () => {
    // One connection, so every statement below reuses the same prepared one.
    test = await createEmptyDatabase(engine, { maxConnections: 1 });
    await test.db.exec('create table shapes (a int); insert into shapes values (1)');
  });
  afterAll(() => test.drop());

  it('gets a connection whose prepared statement no longer fits its table working again', async () => {
    const read = () => test.db.query('select * from shapes where a = $1', [1]);
    expect((await read()).rows).toEqual([{ a: 1 }]);
    await test.db.exec('alter table shapes add column b int');
    // PostgreSQL refuses a cached plan whose result changed shape, once: the connection is replaced.
    await read().catch((error: { code?: string }) => expect(error.code).toBe('0A000'));
    expect((await read()).rows).toEqual([{ a: 1, b: null }]);
    await test.db.transaction(async (tx) => {
      expect((await tx.query('select * from shapes where a = $1', [1])).rows).toEqual([{ a: 1, b: null }]);
    });
  });
});
