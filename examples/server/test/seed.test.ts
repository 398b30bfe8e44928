/**
 * The demo seed: idempotent, logins that work, files whose bytes match their rows, and data that
 * shows each role the helpdesk the README describes.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../src/auth/password.js';
import { withActor } from '../src/db/actor.js';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo, type SeedSummary } from '../src/seed/demo.js';
import { memoryStorage, type Storage } from '../src/storage.js';
import { readBytes } from './support/storage.js';
import { createTestDatabase, engines, type TestDatabase } from './support/test-database.js';

describe.each(engines)('demo seed on %s', (engine) => {
  let test: TestDatabase;
  let storage: Storage;
  let first: SeedSummary;

  beforeAll(async () => {
    test = await createTestDatabase(engine);
    storage = memoryStorage();
    first = await seedDemo(test.db, storage);
  });
  afterAll(() => test.drop());

  it('creates the demo once; running it again changes nothing', async () => {
    const again = await seedDemo(test.db, storage);
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, counts: first.counts });
    expect(first.counts).toMatchObject({ users: 6, sla_policies: 4 });
  });

  it('gives every demo user the documented role and password', async () => {
    const { rows } = await test.db.query<{ email: string; role: string; password_hash: string }>(
      'select email, role, password_hash from users');
    const byEmail = (a: { email: string }, b: { email: string }) => (a.email < b.email ? -1 : 1);
    expect(rows.map(({ email, role }) => ({ email, role })).sort(byEmail)).toEqual(
      DEMO_USERS.map(({ email, role }) => ({ email, role })).sort(byEmail));
    for (const row of rows) expect(await verifyPassword(DEMO_PASSWORD, row.password_hash)).toBe(true);
    expect(await verifyPassword('wrong-password', rows[0]!.password_hash)).toBe(false);
  });

  it('seeds the SLA targets of seed 003', async () => {
    const { rows } = await test.db.query<{ priority: string; response: number; resolution: number }>(
      'select priority::text, response_time_minutes as response, resolution_time_minutes as resolution from sla_policies order by response');
    expect(rows).toEqual([
      { priority: 'urgent', response: 5, resolution: 240 },
      { priority: 'high', response: 30, resolution: 480 },
      { priority: 'medium', response: 120, resolution: 1440 },
      { priority: 'low', response: 1440, resolution: 7200 },
    ]);
  });

  it('stores the bytes of every attachment under its key, matching size and SHA-256', async () => {
    const { rows } = await test.db.query<{ storage_key: string; size_bytes: string | number; sha256: string }>(
      'select storage_key, size_bytes, sha256 from attachments');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const bytes = await readBytes(storage, row.storage_key);
      expect(bytes?.byteLength).toBe(Number(row.size_bytes));
      expect(createHash('sha256').update(bytes!).digest('hex')).toBe(row.sha256);
    }
  });

  it('shows each customer only their own tickets and no internal comments', async () => {
    const { rows: users } = await test.db.query<{ id: string; email: string }>("select id, email from users where role = 'customer'");
    for (const user of users) {
      const seen = await withActor(test.db, { userId: user.id }, async (tx) => {
        const tickets = await tx.query<{ requester_id: string }>('select requester_id from tickets');
        const internal = await tx.query('select 1 from comments where is_internal');
        return { requesters: [...new Set(tickets.rows.map((row) => row.requester_id))], tickets: tickets.rows.length, internal: internal.rows.length };
      });
      expect(seen.requesters).toEqual([user.id]);
      expect(seen.tickets).toBe(3);
      expect(seen.internal).toBe(0);
    }
  });
});
