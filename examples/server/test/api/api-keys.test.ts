import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/secrets.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';
import { allPages, auditOf, createAccount, expectNotLogged, MISSING_ID } from './auth-support.js';

describe.each(engines)('API keys over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  const keys: string[] = [];

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  const create = async (as: UserKey | { userId: string }, body: Record<string, unknown>) => {
    const res = await api.as(as).post('/v1/api-keys', body);
    if (res.status === 201) keys.push(res.body.key);
    return res;
  };
  const listIds = async (as: UserKey, query = '') => {
    const res = await api.as(as).get(`/v1/api-keys?limit=100${query}`);
    expect(res.status).toBe(200);
    return res.body.data.map((k: { id: string }) => k.id) as string[];
  };

  describe('createApiKey', () => {
    it('answers the key once; it works as a Bearer token and acts as its user', async () => {
      const res = await create('agent', { name: 'Deploy bot', scopes: ['tickets:write', 'directory:read'] });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/api-keys/${res.body.id}`);
      expect(res.body).toMatchObject({
        name: 'Deploy bot',
        scopes: ['tickets:write', 'directory:read'],
        user_id: api.world.users.agent,
        created_by: api.world.users.agent,
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      });
      expect(res.body.key.startsWith(`${res.body.prefix}_`)).toBe(true);
      const { rows } = await api.db.query<{ key_hash: string }>('select key_hash from api_keys where id = $1', [res.body.id]);
      expect(rows[0]!.key_hash).toBe(sha256Hex(res.body.key));

      const me = await api.withToken(res.body.key).get('/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(api.world.users.agent);
      const fetched = await api.as('agent').get(`/v1/api-keys/${res.body.id}`);
      expect(fetched.body.last_used_at).not.toBeNull();
      expect(fetched.body).not.toHaveProperty('key');
      expect(await auditOf(api, api.world.users.agent, 'api_key_created')).toEqual([
        expect.objectContaining({ actor_id: api.world.users.agent, metadata: expect.objectContaining({ api_key_id: res.body.id, prefix: res.body.prefix }) }),
      ]);
    });

    it('lets admins create keys acting as another user, whose row-level security then applies', async () => {
      const res = await create('admin', { name: 'Customer portal', scopes: ['directory:read', 'tickets:read'], user_id: api.world.users.customer });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ user_id: api.world.users.customer, created_by: api.world.users.admin });
      const client = api.withToken(res.body.key);
      expect((await client.get(`/v1/users/${api.world.users.customer2}`)).status).toBe(404);
      expect((await client.get(`/v1/users/${api.world.users.agent}`)).status).toBe(200);
      const tickets = await client.get('/v1/tickets?limit=100');
      expect(tickets.status).toBe(200);
      const ids = tickets.body.data.map((t: { id: string }) => t.id);
      expect(ids).toContain(api.world.ids.mine);
      expect(ids).not.toContain(api.world.ids.foreign);
    });

    it('refuses keys for someone else to non-admins, and any key to customers (403 from the database)', async () => {
      for (const role of ['agent', 'manager'] as const) {
        const res = await create(role, { name: 'impostor', scopes: ['tickets:read'], user_id: api.world.users.admin });
        expect(res.status, role).toBe(403);
        expect(res.body.code).toBe('forbidden');
        expect((await create(role, { name: 'mine', scopes: ['tickets:read'], user_id: api.world.users[role] })).status).toBe(201);
      }
      const customer = await create('customer', { name: 'mine', scopes: ['tickets:read'] });
      expect(customer.status).toBe(403);
    });

    it('refuses to let an API key create keys, so no key can outlive or outgrow itself', async () => {
      const admin = await api.as('admin').post('/v1/api-keys', { name: 'admin tool', scopes: ['admin'] });
      const minted = await api.withToken(admin.body.key).post('/v1/api-keys', { name: 'wider', scopes: ['tickets:write', 'admin'] });
      expect(minted.status).toBe(403);
      expect(minted.body.code).toBe('forbidden');
    });

    it('answers bad input with 4xx problems', async () => {
      const cases: [unknown, string][] = [
        [{ scopes: ['tickets:read'] }, 'name'],
        [{ name: '  ', scopes: ['tickets:read'] }, 'name'],
        [{ name: 'x'.repeat(101), scopes: ['tickets:read'] }, 'name'],
        [{ name: 'x' }, 'scopes'],
        [{ name: 'x', scopes: [] }, 'scopes'],
        [{ name: 'x', scopes: ['tickets:delete'] }, 'scopes.0'],
        [{ name: 'x', scopes: ['kb:read', 'kb:read'] }, 'scopes'],
        [{ name: 'x', scopes: 'tickets:read' }, 'scopes'],
        [{ name: 'x', scopes: ['kb:read'], expires_at: 'tomorrow' }, 'expires_at'],
        [{ name: 'x', scopes: ['kb:read'], expires_at: new Date(api.clock.now().getTime() - 1000).toISOString() }, 'expires_at'],
        [{ name: 'x', scopes: ['kb:read'], user_id: 'agent' }, 'user_id'],
        [{ name: 'x', scopes: ['kb:read'], key: 'tf_mine' }, ''],
      ];
      for (const [body, path] of cases) {
        const res = await api.as('admin').post('/v1/api-keys', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      expect((await api.as('admin').post('/v1/api-keys', { name: 'x', scopes: ['kb:read'], user_id: MISSING_ID })).status).toBe(422);
      expect((await api.as('admin').request('POST', '/v1/api-keys', { raw: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await api.as('admin').request('POST', '/v1/api-keys', { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    });
  });

  describe('scopes', () => {
    it('limit a key to its areas; write implies read; managing keys needs admin', async () => {
      const reader = await create('manager', { name: 'reader', scopes: ['tickets:read'] });
      const writer = await create('manager', { name: 'writer', scopes: ['tickets:write'] });
      const asReader = api.withToken(reader.body.key);
      const asWriter = api.withToken(writer.body.key);

      const refused = await asReader.post('/v1/categories', { slug: 'by-key', name: 'By key' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('insufficient_scope');
      expect((await asReader.get('/v1/tickets')).status).toBe(200);
      expect((await asWriter.get('/v1/tickets')).status).toBe(200);
      expect((await asReader.get('/v1/categories')).body.code).toBe('insufficient_scope');
      expect((await asWriter.get('/v1/api-keys')).body.code).toBe('insufficient_scope');

      const directory = await create('manager', { name: 'directory', scopes: ['directory:write'] });
      const asDirectory = api.withToken(directory.body.key);
      expect((await asDirectory.get('/v1/categories')).status).toBe(200);
      expect((await asDirectory.post('/v1/categories', { slug: 'by-directory-key', name: 'By key' })).status).toBe(201);

      const admin = await create('manager', { name: 'admin', scopes: ['admin'] });
      const own = await api.withToken(admin.body.key).get('/v1/api-keys?limit=100');
      expect(own.status).toBe(200);
      // The admin scope opens the area, not the admin's rows: this is still the manager.
      expect(own.body.data.every((k: { user_id: string }) => k.user_id === api.world.users.manager)).toBe(true);
    });
  });

  describe('revoked and expired keys', () => {
    it('stop working at once', async () => {
      const res = await create('agent', { name: 'short-lived', scopes: ['tickets:read'], expires_at: new Date(api.clock.now().getTime() + 60_000).toISOString() });
      const client = api.withToken(res.body.key);
      expect((await client.get('/v1/tickets')).status).toBe(200);
      api.clock.advance(61);
      const expired = await client.get('/v1/tickets');
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('unauthenticated');

      const revocable = await create('agent', { name: 'revocable', scopes: ['tickets:read'] });
      expect((await api.withToken(revocable.body.key).get('/v1/tickets')).status).toBe(200);
      expect((await api.as('agent').delete(`/v1/api-keys/${revocable.body.id}`)).status).toBe(204);
      expect((await api.withToken(revocable.body.key).get('/v1/tickets')).status).toBe(401);

      // A key whose user is deactivated stops with its user.
      const account = await createAccount(api, { role: 'agent' });
      const theirs = await create({ userId: account.id }, { name: 'theirs', scopes: ['tickets:read'] });
      await api.as('admin').patch(`/v1/users/${account.id}`, { is_active: false });
      expect((await api.withToken(theirs.body.key).get('/v1/tickets')).status).toBe(401);
      expect((await api.withToken(`${theirs.body.key.slice(0, -1)}x`).get('/v1/tickets')).status).toBe(401);
    });
  });

  describe('listApiKeys and getApiKey', () => {
    it('show each role what the policies allow, and never a key or digest', async () => {
      const { agentKey, customerKey } = api.world.rows.api_keys!;
      const agentKeyId = agentKey!.params[0] as string;
      const customerKeyId = customerKey!.params[0] as string;
      expect(await listIds('admin')).toEqual(expect.arrayContaining([agentKeyId, customerKeyId]));
      const agents = await listIds('agent');
      expect(agents).toContain(agentKeyId);
      expect(agents).not.toContain(customerKeyId);
      expect(await listIds('customer')).toEqual([]);
      expect((await api.as('customer').get(`/v1/api-keys/${customerKeyId}`)).status).toBe(404);
      expect((await api.as('agent').get(`/v1/api-keys/${customerKeyId}`)).status).toBe(404);
      expect((await api.as('admin').get(`/v1/api-keys/${agentKeyId}`)).status).toBe(200);

      const listed = await api.as('admin').get('/v1/api-keys?limit=100');
      const text = listed.text;
      expect(text).not.toMatch(/key_hash|"key"/);
      for (const key of keys) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(sha256Hex(key));
      }
    });

    it('filters by user and revocation, and pages newest first', async () => {
      const mine = await create('manager', { name: 'to revoke', scopes: ['kb:read'] });
      await api.as('manager').delete(`/v1/api-keys/${mine.body.id}`);
      const revoked = await api.as('admin').get(`/v1/api-keys?is_revoked=true&user_id=${api.world.users.manager}`);
      expect(revoked.body.data.map((k: { id: string }) => k.id)).toEqual([mine.body.id]);
      const active = await listIds('admin', `&is_revoked=false&user_id=${api.world.users.manager}`);
      expect(active).not.toContain(mine.body.id);
      expect(active.length).toBeGreaterThan(0);

      const seen = (await allPages<{ id: string }>(api.as('admin'), '/v1/api-keys?limit=3')).map((k) => k.id);
      expect(seen).toEqual(await listIds('admin'));
    });

    it('answers bad input with 4xx problems', async () => {
      for (const query of ['user_id=me', 'is_revoked=maybe', 'limit=-1', 'name=x']) {
        expect((await api.as('admin').get(`/v1/api-keys?${query}`)).status, query).toBe(400);
      }
      const first = await api.as('admin').get('/v1/api-keys?limit=1');
      expect((await api.as('admin').get(`/v1/api-keys?is_revoked=true&cursor=${encodeURIComponent(first.body.next_cursor)}`)).body.code).toBe(
        'invalid_cursor',
      );
      expect((await api.as('admin').get('/v1/api-keys/xyz')).status).toBe(400);
      expect((await api.as('admin').get(`/v1/api-keys/${MISSING_ID}`)).status).toBe(404);
      expect((await api.anonymous().get('/v1/api-keys')).status).toBe(401);
    });
  });

  describe('revokeApiKey', () => {
    it('lets admins and creators revoke, idempotently, and audits it once', async () => {
      const res = await create('agent', { name: 'to revoke', scopes: ['kb:read'] });
      expect((await api.as('agent').delete(`/v1/api-keys/${res.body.id}`)).status).toBe(204);
      expect((await api.as('agent').delete(`/v1/api-keys/${res.body.id}`)).status).toBe(204);
      const revoked = await api.as('agent').get(`/v1/api-keys/${res.body.id}`);
      expect(revoked.body.revoked_at).not.toBeNull();
      const audits = (await auditOf(api, api.world.users.agent, 'api_key_revoked')).filter((a) => a.metadata.api_key_id === res.body.id);
      expect(audits).toEqual([expect.objectContaining({ actor_id: api.world.users.agent })]);

      const byAdmin = await create('manager', { name: 'admin revokes', scopes: ['kb:read'] });
      expect((await api.as('admin').delete(`/v1/api-keys/${byAdmin.body.id}`)).status).toBe(204);
    });

    it('tells 403 from 404 by what the caller may see', async () => {
      // Acting as the agent but made by an admin: the agent sees it and may not revoke it.
      const forAgent = await create('admin', { name: 'issued to agent', scopes: ['kb:read'], user_id: api.world.users.agent });
      const refused = await api.as('agent').delete(`/v1/api-keys/${forAgent.body.id}`);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
      const customerKeyId = api.world.rows.api_keys!.customerKey!.params[0] as string;
      expect((await api.as('agent').delete(`/v1/api-keys/${customerKeyId}`)).status).toBe(404);
      expect((await api.as('customer').delete(`/v1/api-keys/${customerKeyId}`)).status).toBe(404);
      expect((await api.as('admin').delete(`/v1/api-keys/${MISSING_ID}`)).status).toBe(404);
      expect((await api.as('admin').delete('/v1/api-keys/123')).status).toBe(400);
      expect((await api.withToken(forAgent.body.key).get('/v1/auth/me')).status).toBe(200);
    });
  });

  it('never writes a key to the logs', () => {
    expect(keys.length).toBeGreaterThan(10);
    expectNotLogged(api, keys);
  });
});
