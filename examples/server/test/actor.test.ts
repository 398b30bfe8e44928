/**
 * Binding an actor: the role comes from the users table, inactive or locked users cannot act, an
 * unbound request role sees nothing, and nothing leaks to the next transaction on a pooled
 * connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE, bindActor, withActor } from '../src/db/actor.js';
import { createTestDatabase, engines, inRolledBackTransaction, type TestDatabase } from './support/test-database.js';
import { buildWorld, type World } from './support/world.js';

describe.each(engines)('actor binding on %s', (engine) => {
  let test: TestDatabase;
  let world: World;

  beforeAll(async () => {
    // One connection, so the "next request" below is guaranteed to reuse it.
    test = await createTestDatabase(engine, { maxConnections: 1 });
    world = await test.db.transaction(buildWorld);
  });
  afterAll(() => test.drop());

  it('takes the role from the users table and runs as the request role', async () => {
    const seen = await withActor(test.db, { userId: world.users.manager }, async (tx, role) => {
      const { rows } = await tx.query<{ who: string; uid: string; role: string }>(
        "select current_user as who, current_setting('app.user_id') as uid, current_setting('app.role') as role");
      return { bound: role, ...rows[0] };
    });
    expect(seen).toEqual({ bound: 'manager', who: APP_ROLE, uid: world.users.manager, role: 'manager' });
  });

  it('leaves nothing behind for the next transaction on the same connection', async () => {
    await withActor(test.db, { userId: world.users.admin }, (tx) => tx.query('select 1'));
    await expect(withActor(test.db, { userId: world.users.customer }, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const { rows } = await test.db.query<{ who: string; uid: string | null; role: string | null }>(
      "select current_user as who, current_setting('app.user_id', true) as uid, current_setting('app.role', true) as role");
    expect(rows[0]?.who).not.toBe(APP_ROLE);
    expect(rows[0]?.uid ?? '').toBe('');
    expect(rows[0]?.role ?? '').toBe('');
  });

  it('refuses inactive, locked and unknown users', async () => {
    const codes = await inRolledBackTransaction(test.db, async (tx) => {
      await tx.query("update users set is_active = false where id = $1", [world.users.customer]);
      await tx.query("update users set locked_until = now() + interval '1 hour' where id = $1", [world.users.customer2]);
      const attempt = async (userId: string) => {
        await tx.exec('savepoint attempt');
        try {
          await bindActor(tx, { userId });
          return 'bound';
        } catch (error) {
          return (error as { code?: string }).code;
        } finally {
          await tx.exec('rollback to savepoint attempt');
        }
      };
      return [await attempt(world.users.customer), await attempt(world.users.customer2), await attempt(crypto.randomUUID())];
    });
    expect(codes).toEqual(['28000', '28000', '28000']);
  });

  it('shows nothing to the request role when no actor is bound', async () => {
    const counts = await inRolledBackTransaction(test.db, async (tx) => {
      await tx.exec(`set local role ${APP_ROLE}`);
      const { rows } = await tx.query<{ tickets: number; users: number; events: number }>(
        'select (select count(*)::int from tickets) as tickets, (select count(*)::int from users) as users, (select count(*)::int from events) as events');
      return rows[0];
    });
    expect(counts).toEqual({ tickets: 0, users: 0, events: 0 });
  });

  it.each([
    ['users', 'password_hash'],
    ['users', 'mfa_secret'],
    ['api_keys', 'key_hash'],
    ['user_invitations', 'token_hash'],
    ['user_sessions', 'session_token_hash'],
    ['webhooks', 'secret'],
  ])('never lets the request role read %s.%s, not even as an admin', async (table, column) => {
    const error = await inRolledBackTransaction(test.db, async (tx) => {
      await bindActor(tx, { userId: world.users.admin });
      try {
        await tx.query(`select ${column} from ${table}`);
        return 'readable';
      } catch (caught) {
        return (caught as { code?: string }).code;
      }
    });
    expect(error).toBe('42501');
  });
});
