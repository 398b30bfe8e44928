import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';
import { allPages, auditOf, createAccount, expectNotLogged, login, MISSING_ID } from './auth-support.js';

interface Listed {
  id: string;
  email: string;
  role: string;
  created_at: string;
}

describe.each(engines)('users over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  const secrets: string[] = [];
  const worldIds = (...keys: UserKey[]) => keys.map((key) => api.world.users[key]);

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  /** Every user of a list, two per page so that paging is exercised. */
  const listAll = async (client: Client, query = ''): Promise<Listed[]> => allPages<Listed>(client, `/v1/users?limit=2${query ? `&${query}` : ''}`);

  describe('listUsers', () => {
    it('shows staff everyone, and customers themselves and the staff only', async () => {
      const everyone = worldIds('admin', 'manager', 'agent', 'agent2', 'customer', 'customer2', 'spare');
      for (const role of ['admin', 'manager', 'agent'] as const) {
        const ids = (await listAll(api.as(role))).map((u) => u.id);
        expect(ids, role).toEqual(expect.arrayContaining(everyone));
      }
      const seenByCustomer = (await listAll(api.as('customer'))).map((u) => u.id);
      expect(seenByCustomer).toEqual(expect.arrayContaining(worldIds('customer', 'admin', 'manager', 'agent', 'agent2')));
      expect(seenByCustomer).not.toContain(api.world.users.customer2);
      expect(seenByCustomer).not.toContain(api.world.users.spare);
    });

    it('pages in a stable order for every sort', async () => {
      const byEmail = await listAll(api.as('admin'));
      const emails = byEmail.map((u) => u.email.toLowerCase());
      expect(emails).toEqual([...emails].sort());
      expect(new Set(byEmail.map((u) => u.id)).size).toBe(byEmail.length);
      const descending = await listAll(api.as('admin'), 'sort=-email');
      expect(descending.map((u) => u.id)).toEqual(byEmail.map((u) => u.id).reverse());
      const oldest = await listAll(api.as('admin'), 'sort=created_at');
      const created = oldest.map((u) => u.created_at);
      expect(created).toEqual([...created].sort());
      const newest = await listAll(api.as('admin'), 'sort=-created_at');
      expect(newest.map((u) => u.id).sort()).toEqual(oldest.map((u) => u.id).sort());
      expect(newest.map((u) => u.created_at)).toEqual([...created].reverse());
    });

    it('filters by role, department, activity and text', async () => {
      const admin = api.as('admin');
      const agents = await listAll(admin, 'role=agent');
      expect(agents.every((u) => u.role === 'agent')).toBe(true);
      expect(agents.map((u) => u.id)).toEqual(expect.arrayContaining(worldIds('agent', 'agent2')));
      const staff = await listAll(admin, 'role=agent&role=manager');
      expect(new Set(staff.map((u) => u.role))).toEqual(new Set(['agent', 'manager']));
      const support = await listAll(admin, `department_id=${api.world.ids.support}`);
      expect(support.map((u) => u.id).sort()).toEqual(worldIds('manager', 'agent').sort());
      const gone = await createAccount(api, { isActive: false, firstName: 'Departed' });
      secrets.push(gone.password);
      expect((await listAll(admin, 'is_active=false')).map((u) => u.id)).toEqual([gone.id]);
      expect((await listAll(admin, 'is_active=true')).map((u) => u.id)).not.toContain(gone.id);
      expect((await listAll(admin, 'q=DEPARTED')).map((u) => u.id)).toEqual([gone.id]);
      expect((await listAll(admin, 'q=customer2%40world')).map((u) => u.id)).toEqual(worldIds('customer2'));
      // LIKE wildcards in q are matched literally.
      expect(await listAll(admin, 'q=%25')).toEqual([]);
      expect(await listAll(admin, 'q=_')).toEqual([]);
    });

    it('answers bad input with 4xx problems', async () => {
      const admin = api.as('admin');
      const fiveRoles = 'role=customer&role=agent&role=manager&role=admin&role=agent';
      for (const query of ['role=boss', fiveRoles, 'department_id=nope', 'is_active=yes', 'sort=name', 'limit=0', 'limit=101', 'q=', 'colour=red']) {
        const res = await admin.get(`/v1/users?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.errors[0].location).toBe('query');
      }
      const first = await admin.get('/v1/users?limit=1');
      const reused = await admin.get(`/v1/users?limit=1&sort=-email&cursor=${encodeURIComponent(first.body.next_cursor)}`);
      expect(reused.body.code).toBe('invalid_cursor');
      expect((await admin.get('/v1/users?cursor=garbage')).body.code).toBe('invalid_cursor');
      expect((await api.anonymous().get('/v1/users')).status).toBe(401);
    });
  });

  describe('getUser', () => {
    it('is a 404 for a user the caller may not see', async () => {
      expect((await api.as('customer').get(`/v1/users/${api.world.users.agent}`)).status).toBe(200);
      const hidden = await api.as('customer').get(`/v1/users/${api.world.users.customer2}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.code).toBe('not_found');
      for (const role of ['agent', 'manager', 'admin'] as const) {
        const res = await api.as(role).get(`/v1/users/${api.world.users.customer2}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ email: 'customer2@world.test', role: 'customer' });
      }
      expect((await api.as('admin').get(`/v1/users/${MISSING_ID}`)).status).toBe(404);
      const bad = await api.as('admin').get('/v1/users/42');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ location: 'path', path: 'user_id' });
    });
  });

  describe('createUser', () => {
    it('lets admins create users, with a password that works or without one', async () => {
      const password = 'initial password 1';
      secrets.push(password);
      const created = await api.as('admin').post('/v1/users', {
        email: 'grace@users.test',
        first_name: 'Grace',
        last_name: 'Hopper',
        role: 'agent',
        department_id: api.world.ids.infra,
        password,
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/users/${created.body.id}`);
      expect(created.body).toMatchObject({ email: 'grace@users.test', role: 'agent', department_id: api.world.ids.infra, is_approved: true, is_active: true });
      const fetched = await api.as('agent').get(created.headers.get('location')!);
      expect(fetched.body).toEqual(created.body);
      expect((await login(api, 'grace@users.test', password)).status).toBe(200);

      const bare = await api.as('admin').post('/v1/users', { email: 'bare@users.test' });
      expect(bare.status).toBe(201);
      expect(bare.body).toMatchObject({ role: 'customer', first_name: '', department_id: null, username: null });
      expect((await login(api, 'bare@users.test', 'anything at all')).status).toBe(401);
    });

    it('refuses everyone but admins in the database (403)', async () => {
      for (const role of ['customer', 'agent', 'manager'] as const) {
        const res = await api.as(role).post('/v1/users', { email: `by-${role}@users.test` });
        expect(res.status, role).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      const { rows } = await api.db.query("select 1 from users where email like 'by-%@users.test'");
      expect(rows).toHaveLength(0);
    });

    it('answers bad input and conflicts with 4xx problems', async () => {
      const admin = api.as('admin');
      const cases: [unknown, string][] = [
        [{}, 'email'],
        [{ email: 'not-an-email' }, 'email'],
        [{ email: 'a@example..com' }, 'email'],
        [{ email: 'a..b@example.com' }, 'email'],
        [{ email: 'a@-example.com' }, 'email'],
        [{ email: 'x@users.test', role: 'boss' }, 'role'],
        [{ email: 'x@users.test', password: 'short' }, 'password'],
        [{ email: 'x@users.test', password: 'X@users.test' }, 'password'],
        [{ email: 'x@users.test', department_id: 'support' }, 'department_id'],
        [{ email: 'x@users.test', username: '!' }, 'username'],
        [{ email: 'x@users.test', is_admin: true }, ''],
        [{ email: 'x@users.test', first_name: 'x'.repeat(101) }, 'first_name'],
        [[], ''],
      ];
      for (const [body, path] of cases) {
        const res = await admin.post('/v1/users', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      const duplicate = await admin.post('/v1/users', { email: 'AGENT@world.test' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.detail).toContain('email');
      const noDepartment = await admin.post('/v1/users', { email: 'y@users.test', department_id: MISSING_ID });
      expect(noDepartment.status).toBe(422);
      expect((await admin.request('POST', '/v1/users', { raw: '{', headers: { 'content-type': 'application/json' } })).body.code).toBe('malformed_request');
      expect((await admin.request('POST', '/v1/users', { raw: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    });

    it('replays a create with the same Idempotency-Key', async () => {
      const headers = { 'idempotency-key': 'create-user-1' };
      const first = await api.as('admin').post('/v1/users', { email: 'idem@users.test' }, { headers });
      const replay = await api.as('admin').post('/v1/users', { email: 'idem@users.test' }, { headers });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(first.body.id);
    });
  });

  describe('updateUser', () => {
    it('lets admins change role (audited by the database), department, status and approval', async () => {
      const account = await createAccount(api, { role: 'customer' });
      secrets.push(account.password);
      const res = await api.as('admin').patch(`/v1/users/${account.id}`, { role: 'agent', department_id: api.world.ids.support, is_approved: false });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ role: 'agent', department_id: api.world.ids.support, is_approved: false });
      expect(await auditOf(api, account.id, 'role_changed')).toEqual([
        expect.objectContaining({ actor_id: api.world.users.admin, metadata: { old_role: 'customer', new_role: 'agent' } }),
      ]);
      // Not approved: cannot log in.
      expect((await login(api, account.email, account.password)).status).toBe(401);
      await api.as('admin').patch(`/v1/users/${account.id}`, { is_approved: true });
      expect((await login(api, account.email, account.password)).status).toBe(200);

      const deactivated = await api.as('admin').patch(`/v1/users/${account.id}`, { is_active: false, department_id: null });
      expect(deactivated.body).toMatchObject({ is_active: false, department_id: null });
      expect((await api.as({ userId: account.id }).get('/v1/auth/me')).status).toBe(401);
      // Changing other fields does not write a second role change.
      expect(await auditOf(api, account.id, 'role_changed')).toHaveLength(1);
    });

    it('lets admins end a lockout early, audited as account_unlocked', async () => {
      const account = await createAccount(api);
      secrets.push(account.password);
      for (let i = 0; i < api.auth.maxFailedLogins; i++) await login(api, account.email, 'wrong password here');
      const locked = await api.as('admin').get(`/v1/users/${account.id}`);
      expect(locked.body.locked_until).not.toBeNull();
      const unlocked = await api.as('admin').patch(`/v1/users/${account.id}`, { unlock: true });
      expect(unlocked.status).toBe(200);
      expect(unlocked.body.locked_until).toBeNull();
      expect(await auditOf(api, account.id, 'account_unlocked')).toEqual([expect.objectContaining({ actor_id: api.world.users.admin })]);
      expect((await login(api, account.email, account.password)).status).toBe(200);
      // Nothing to unlock: nothing audited.
      await api.as('admin').patch(`/v1/users/${account.id}`, { unlock: true });
      expect(await auditOf(api, account.id, 'account_unlocked')).toHaveLength(1);
    });

    it('lets other users change only their own profile', async () => {
      const own = await api.as('agent').patch(`/v1/users/${api.world.users.agent}`, { last_name: 'Smith', avatar_url: 'https://cdn.test/a.png' });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ last_name: 'Smith', avatar_url: 'https://cdn.test/a.png' });
      for (const body of [{ role: 'admin' }, { is_active: false }, { email: 'me@else.test' }, { department_id: null }, { is_approved: false }]) {
        const res = await api.as('manager').patch(`/v1/users/${api.world.users.manager}`, body);
        expect(res.status, JSON.stringify(body)).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      expect((await api.as('manager').get('/v1/auth/me')).body).toMatchObject({ role: 'manager', department_id: api.world.ids.support });
      // Someone else: visible is 403, invisible is 404.
      const other = await api.as('agent').patch(`/v1/users/${api.world.users.customer}`, { first_name: 'Hacked' });
      expect(other.status).toBe(403);
      const hidden = await api.as('customer').patch(`/v1/users/${api.world.users.customer2}`, { first_name: 'Hacked' });
      expect(hidden.status).toBe(404);
      expect((await api.as('admin').get(`/v1/users/${api.world.users.customer}`)).body.first_name).toBe('customer');
    });

    it('answers bad input with 4xx problems', async () => {
      const admin = api.as('admin');
      const target = `/v1/users/${api.world.users.spare}`;
      const cases: [unknown, string][] = [
        [{}, ''],
        [{ unlock: false }, 'unlock'],
        [{ role: 'root' }, 'role'],
        [{ email: 'nope' }, 'email'],
        [{ email: 'spare@example..com' }, 'email'],
        [{ is_active: 'no' }, 'is_active'],
        [{ password: 'new password here' }, ''],
        [{ phone_number: 'x'.repeat(21) }, 'phone_number'],
      ];
      for (const [body, path] of cases) {
        const res = await admin.patch(target, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await admin.patch(`/v1/users/${MISSING_ID}`, { first_name: 'X' })).status).toBe(404);
      expect((await admin.patch('/v1/users/nope', { first_name: 'X' })).status).toBe(400);
      expect((await admin.patch(target, { email: 'AGENT@world.test' })).status).toBe(409);
      expect((await admin.patch(target, { department_id: MISSING_ID })).status).toBe(422);
      expect((await admin.request('PATCH', target, { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    });
  });

  describe('with API keys', () => {
    it('acts as the key’s user under row-level security, within the directory scopes', async () => {
      const key = await api.as('admin').post('/v1/api-keys', { name: 'customer directory', scopes: ['directory:read'], user_id: api.world.users.customer });
      expect(key.status).toBe(201);
      secrets.push(key.body.key);
      const client = api.withToken(key.body.key);
      const ids = (await listAll(client)).map((u) => u.id);
      expect(ids).toContain(api.world.users.customer);
      expect(ids).not.toContain(api.world.users.customer2);
      const write = await client.patch(`/v1/users/${api.world.users.customer}`, { first_name: 'Via key' });
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('insufficient_scope');
      const ticketsOnly = await api.as('admin').post('/v1/api-keys', { name: 'tickets', scopes: ['tickets:write'] });
      secrets.push(ticketsOnly.body.key);
      expect((await api.withToken(ticketsOnly.body.key).get('/v1/users')).body.code).toBe('insufficient_scope');
    });
  });

  it('never writes a password or key to the logs', () => {
    expectNotLogged(api, secrets);
  });
});
