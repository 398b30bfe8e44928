import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness, type ApiResponse, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

interface Entry {
  id: string;
  user_id: string | null;
  actor_id: string | null;
  event_type: string;
  status: string;
  message: string | null;
  ip_address: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

describe.each(engines)('audit log over HTTP (%s)', (engine) => {
  let api: ApiHarness;

  /** Writes one entry in a transaction of its own (so each gets its own created_at), as `actor`. */
  const audit = (type: string, status: string, user: UserKey, actor: UserKey | null = null, message: string | null = null) =>
    api.db.transaction(async (tx) => {
      await tx.query("select set_config('app.user_id', $1, true), set_config('app.client_ip', '198.51.100.7', true)", [
        actor ? api.world.users[actor] : '',
      ]);
      await tx.query('select app.audit($1, $2, $3, $4)', [type, status, api.world.users[user], message]);
    });

  beforeAll(async () => {
    api = await createApiHarness(engine);
    for (let i = 0; i < 3; i += 1) {
      await audit('login_failed', 'failure', 'customer2', null, 'wrong password');
      // The API shows times to the millisecond: entries a few microseconds apart would read the same,
      // and the time-window filter below could not tell them apart.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await audit('account_locked', 'blocked', 'customer2', null, 'too many failed logins');
    await audit('login', 'success', 'agent2');
    // The role-change trigger writes its own entry.
    await api.db.transaction(async (tx) => {
      await tx.query("select set_config('app.user_id', $1, true), set_config('app.role', 'admin', true)", [api.world.users.admin]);
      await tx.query("update users set role = 'agent' where id = $1", [api.world.users.spare]);
    });
  });
  afterAll(() => api.close());

  const list = async (client: Client, query = '') => {
    const entries: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse<{ data: Entry[]; next_cursor: string | null }> = await client.get(`/v1/audit-logs?limit=2${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      entries.push(...res.body.data);
      cursor = res.body.next_cursor;
    } while (cursor);
    return entries;
  };

  it('lists every entry to admins, newest first, across pages', async () => {
    const entries = await list(api.as('admin'));
    const all = await api.db.query<{ id: string }>('select id from audit_logs order by created_at desc, id desc');
    expect(entries.map((e) => e.id)).toEqual(all.rows.map((r) => r.id));
    const times = entries.map((e) => Date.parse(e.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('shows each entry whole', async () => {
    const [roleChange] = await list(api.as('admin'), '&event_type=role_changed');
    expect(roleChange).toMatchObject({
      user_id: api.world.users.spare,
      actor_id: api.world.users.admin,
      status: 'success',
      message: 'role changed from customer to agent',
      metadata: { old_role: 'customer', new_role: 'agent' },
    });
    const [lockout] = await list(api.as('admin'), '&status=blocked');
    expect(lockout).toMatchObject({
      user_id: api.world.users.customer2, actor_id: null, event_type: 'account_locked',
      message: 'too many failed logins', ip_address: '198.51.100.7', metadata: {},
    });
  });

  it('filters by event type, account, status and time', async () => {
    const admin = api.as('admin');
    const types = async (query: string) => (await list(admin, query)).map((e) => e.event_type);
    expect(await types('&event_type=login_failed')).toEqual(['login_failed', 'login_failed', 'login_failed']);
    expect((await types('&event_type=login_failed&event_type=account_locked')).sort())
      .toEqual(['account_locked', 'login_failed', 'login_failed', 'login_failed']);
    const customer2 = await list(admin, `&user_id=${api.world.users.customer2}`);
    expect(customer2).toHaveLength(4);
    expect(customer2.every((e) => e.user_id === api.world.users.customer2)).toBe(true);
    expect(await types(`&user_id=${api.world.users.customer2}&status=failure`)).toHaveLength(3);

    const failures = await list(admin, '&event_type=login_failed');
    const [newest, middle, oldest] = failures.map((e) => e.created_at);
    const window = await list(admin, `&event_type=login_failed&created_after=${middle}&created_before=${newest}`);
    expect(window.map((e) => e.created_at)).toEqual([middle]);
    expect(await list(admin, `&event_type=login_failed&created_before=${oldest}`)).toEqual([]);
  });

  it('is for admins only, although the database would show users their own entries', async () => {
    for (const user of ['customer', 'agent', 'manager'] as const) {
      const res = await api.as(user).get('/v1/audit-logs');
      expect(res.status, user).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it('needs the admin scope and an admin behind an API key', async () => {
    const key = async (user: UserKey, scopes: string[]) => {
      const { key, prefix, hash } = generateApiKey();
      await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
        `audit ${user}`, prefix, hash, api.world.users[user], scopes]);
      return api.withToken(key);
    };
    expect((await (await key('admin', ['admin'])).get('/v1/audit-logs')).status).toBe(200);
    const narrow = await (await key('admin', ['tickets:read'])).get('/v1/audit-logs');
    expect(narrow.status).toBe(403);
    expect(narrow.body.code).toBe('insufficient_scope');
    const notAdmin = await (await key('agent', ['admin'])).get('/v1/audit-logs');
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body.code).toBe('forbidden');
    expect((await api.anonymous().get('/v1/audit-logs')).status).toBe(401);
  });

  it('answers bad input with 400 problems naming the parameter', async () => {
    const admin = api.as('admin');
    const cases: [string, string][] = [
      ['event_type=ticket.created', 'event_type'],
      ['event_type=login&event_type=nope', 'event_type'],
      ['user_id=42', 'user_id'],
      ['status=ok', 'status'],
      ['created_after=last-week', 'created_after'],
      ['created_before=1700000000', 'created_before'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['actor_id=x', ''],
    ];
    for (const [query, path] of cases) {
      const res = await admin.get(`/v1/audit-logs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path.split('.')[0]), query).toContain(path);
    }
    expect((await admin.get('/v1/audit-logs?cursor=not-a-cursor')).body.code).toBe('invalid_cursor');
    // Not even a query string: its escapes do not decode.
    expect((await admin.get('/v1/audit-logs?cursor=%%%')).body.code).toBe('malformed_request');
    const first = await admin.get('/v1/audit-logs?limit=1');
    const reused = await admin.get(`/v1/audit-logs?limit=1&status=success&cursor=${first.body.next_cursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('invalid_cursor');
  });
});
