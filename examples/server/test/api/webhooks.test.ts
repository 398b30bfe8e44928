import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { createApiHarness, type ApiHarness, type ApiResponse, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

const MISSING = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

interface Webhook {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  is_active: boolean;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  secret?: string;
}

describe.each(engines)('webhooks over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await api.as('admin').post<Webhook>('/v1/webhooks', { url: 'https://hooks.example.com/in', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  /** Runs `sql` as the request role with `user` bound, as the API would; returns the rows or the error code. */
  const asRequestRole = (user: UserKey, sql: string, params: unknown[] = []) =>
    api.db
      .transaction(async (tx) => {
        await tx.exec('set local role ticketflow_app');
        await tx.query('select app.bind_actor($1)', [api.world.users[user]]);
        return (await tx.query(sql, params)).rows;
      })
      .catch((error: { code?: string }) => error.code);

  describe('createWebhook', () => {
    it('creates a subscription and shows its secret once', async () => {
      const res = await api.as('admin').post<Webhook>('/v1/webhooks', {
        url: 'https://hooks.example.com/ticketflow?source=helpdesk',
        description: 'On-call mirror',
        event_types: ['ticket.created', 'comment.*'],
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/webhooks/${res.body.id}`);
      expect(res.body).toMatchObject({
        url: 'https://hooks.example.com/ticketflow?source=helpdesk',
        description: 'On-call mirror',
        event_types: ['ticket.created', 'comment.*'],
        is_active: true,
        created_by: api.world.users.admin,
      });
      const secret = res.body.secret!;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // What deliveries will be signed with is exactly what the caller was given.
      const stored = await api.db.query<{ secret: string }>('select secret from webhooks where id = $1', [res.body.id]);
      expect(stored.rows[0]!.secret).toBe(secret);

      const fetched = await api.as('admin').get<Webhook>(`/v1/webhooks/${res.body.id}`);
      expect(fetched.body).not.toHaveProperty('secret');
      const withoutSecret = { ...res.body };
      delete withoutSecret.secret;
      expect(fetched.body).toEqual(withoutSecret);
      const listed = await api.as('admin').get('/v1/webhooks?limit=100');
      expect(listed.text).not.toContain(secret);
      const patched = await api.as('admin').patch(`/v1/webhooks/${res.body.id}`, { is_active: false });
      expect(patched.text).not.toContain(secret);
    });

    it('gives every webhook its own secret, with defaults for the rest', async () => {
      const a = await create();
      const b = await create();
      expect(a.secret).not.toBe(b.secret);
      expect(a).toMatchObject({ description: null, event_types: [], is_active: true });
      const inactive = await create({ is_active: false, event_types: ['chat.*', 'kb_article.updated', 'notification.created'] });
      expect(inactive.is_active).toBe(false);
    });

    it('keeps the secret out of reach of the request role, even for an admin with SQL', async () => {
      const hook = await create();
      expect(await asRequestRole('admin', 'select secret from webhooks where id = $1', [hook.id])).toBe('42501');
      expect(await asRequestRole('admin', 'select * from webhooks where id = $1', [hook.id])).toBe('42501');
      expect(await asRequestRole('admin', 'select id, url from webhooks where id = $1', [hook.id])).toEqual([{ id: hook.id, url: hook.url }]);
      expect(await asRequestRole('agent', 'select id from webhooks')).toEqual([]);
    });

    it('replays a retried creation, secret included, to the same caller only', async () => {
      const headers = { 'idempotency-key': `hook-${Date.now()}` };
      const body = { url: 'https://hooks.example.com/retry' };
      const first = await api.as('admin').post<Webhook>('/v1/webhooks', body, { headers });
      const again = await api.as('admin').post<Webhook>('/v1/webhooks', body, { headers });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const count = await api.db.query<{ n: number }>("select count(*)::int as n from webhooks where url = 'https://hooks.example.com/retry'");
      expect(count.rows[0]!.n).toBe(1);
    });

    it('refuses URLs that are not plain http(s), and unknown event types', async () => {
      const admin = api.as('admin');
      const cases: [Record<string, unknown>, string][] = [
        [{}, 'url'],
        [{ url: 'ftp://files.example.com/in' }, 'url'],
        [{ url: 'javascript:alert(1)' }, 'url'],
        [{ url: 'hooks.example.com/in' }, 'url'],
        [{ url: 'https://user:secret@hooks.example.com/in' }, 'url'],
        [{ url: 'https://hooks.example.com/a b' }, 'url'],
        [{ url: ' https://hooks.example.com/in' }, 'url'],
        [{ url: 'HTTPS://hooks.example.com/in' }, 'url'],
        [{ url: `https://hooks.example.com/${'x'.repeat(2000)}` }, 'url'],
        [{ url: 42 }, 'url'],
        [{ url: 'https://hooks.example.com/in', event_types: ['ticket.exploded'] }, 'event_types'],
        [{ url: 'https://hooks.example.com/in', event_types: ['*'] }, 'event_types'],
        [{ url: 'https://hooks.example.com/in', event_types: ['ticket.created', 'ticket.created'] }, 'event_types'],
        [{ url: 'https://hooks.example.com/in', event_types: 'ticket.created' }, 'event_types'],
        [{ url: 'https://hooks.example.com/in', event_types: Array.from({ length: 51 }, () => 'ticket.created') }, 'event_types'],
        [{ url: 'https://hooks.example.com/in', description: 'x'.repeat(501) }, 'description'],
        [{ url: 'https://hooks.example.com/in', is_active: 'yes' }, 'is_active'],
        [{ url: 'https://hooks.example.com/in', secret: 'x'.repeat(40) }, ''],
      ];
      for (const [body, path] of cases) {
        const res = await admin.post('/v1/webhooks', body);
        expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors.map((e: { path: string }) => e.path.split('.')[0])).toContain(path);
      }
      expect((await admin.request('POST', '/v1/webhooks', { raw: '{"url":', headers: { 'content-type': 'application/json' } })).body.code)
        .toBe('malformed_request');
      expect((await admin.request('POST', '/v1/webhooks', { raw: 'url=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status)
        .toBe(415);
    });
  });

  describe('listWebhooks and getWebhook', () => {
    it('lists newest first across pages, and filters by is_active', async () => {
      const made = [await create({ description: 'first' }), await create({ description: 'second', is_active: false }), await create({ description: 'third' })];
      const seen: Webhook[] = [];
      let cursor: string | null = null;
      do {
        const res: ApiResponse<{ data: Webhook[]; next_cursor: string | null }> = await api.as('admin').get(`/v1/webhooks?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.data);
        cursor = res.body.next_cursor;
      } while (cursor);
      const all = await api.db.query<{ id: string }>('select id from webhooks order by created_at desc, id desc');
      expect(seen.map((w) => w.id)).toEqual(all.rows.map((r) => r.id));
      expect(seen.slice(0, 3).map((w) => w.description)).toEqual(['third', 'second', 'first']);
      const inactive = await api.as('admin').get('/v1/webhooks?is_active=false&limit=100');
      expect(inactive.body.data.every((w: Webhook) => !w.is_active)).toBe(true);
      expect(inactive.body.data.map((w: Webhook) => w.id)).toContain(made[1]!.id);
      expect(inactive.body.data.map((w: Webhook) => w.id)).not.toContain(made[0]!.id);
    });

    it('refuses bad parameters, ids and cursors', async () => {
      const admin = api.as('admin');
      expect((await admin.get('/v1/webhooks?is_active=maybe')).status).toBe(400);
      expect((await admin.get('/v1/webhooks?limit=-1')).status).toBe(400);
      expect((await admin.get('/v1/webhooks?url=x')).status).toBe(400);
      expect((await admin.get('/v1/webhooks?cursor=bogus')).body.code).toBe('invalid_cursor');
      const first = await admin.get('/v1/webhooks?limit=1');
      expect((await admin.get(`/v1/webhooks?limit=1&is_active=true&cursor=${first.body.next_cursor}`)).body.code).toBe('invalid_cursor');
      const badId = await admin.get('/v1/webhooks/not-a-uuid');
      expect(badId.status).toBe(400);
      expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'webhook_id' });
      expect((await admin.get(`/v1/webhooks/${MISSING}`)).status).toBe(404);
    });
  });

  describe('updateWebhook and deleteWebhook', () => {
    it('changes what is given, keeps the rest and the secret', async () => {
      const hook = await create({ description: 'before', event_types: ['ticket.*'] });
      const moved = await api.as('admin').patch<Webhook>(`/v1/webhooks/${hook.id}`, { url: 'http://hooks.internal.example:8080/v2' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ url: 'http://hooks.internal.example:8080/v2', description: 'before', event_types: ['ticket.*'], is_active: true });
      const cleared = await api.as('admin').patch<Webhook>(`/v1/webhooks/${hook.id}`, { description: null, event_types: [], is_active: false });
      expect(cleared.body).toMatchObject({ url: 'http://hooks.internal.example:8080/v2', description: null, event_types: [], is_active: false });
      expect(Date.parse(cleared.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(hook.updated_at));
      const stored = await api.db.query<{ secret: string }>('select secret from webhooks where id = $1', [hook.id]);
      expect(stored.rows[0]!.secret).toBe(hook.secret);
    });

    it('deletes, after which the webhook is gone', async () => {
      const hook = await create();
      const res = await api.as('admin').delete(`/v1/webhooks/${hook.id}`);
      expect(res.status).toBe(204);
      expect((await api.as('admin').get(`/v1/webhooks/${hook.id}`)).status).toBe(404);
      expect((await api.as('admin').delete(`/v1/webhooks/${hook.id}`)).status).toBe(404);
      expect((await api.as('admin').patch(`/v1/webhooks/${hook.id}`, { is_active: true })).status).toBe(404);
    });

    it('answers bad input with 4xx problems', async () => {
      const hook = await create();
      const admin = api.as('admin');
      for (const body of [{}, { url: 'mailto:ops@example.com' }, { event_types: ['comment.*', 'comment.*'] }, { secret: 'mine' }, { is_active: null }, []]) {
        const res = await admin.patch(`/v1/webhooks/${hook.id}`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      expect((await admin.request('PATCH', `/v1/webhooks/${hook.id}`, { raw: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await admin.request('PATCH', `/v1/webhooks/${hook.id}`, { raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await admin.patch('/v1/webhooks/123', { is_active: true })).status).toBe(400);
      expect((await admin.patch(`/v1/webhooks/${MISSING}`, { is_active: true })).status).toBe(404);
      expect((await admin.delete('/v1/webhooks/123')).status).toBe(400);
    });
  });

  describe('access', () => {
    it('refuses every operation to customers, agents and managers', async () => {
      const hook = await create();
      for (const user of ['customer', 'agent', 'manager'] as const) {
        const client = api.as(user);
        const attempts = [
          client.get('/v1/webhooks'),
          client.post('/v1/webhooks', { url: 'https://evil.example.com/' }),
          client.get(`/v1/webhooks/${hook.id}`),
          client.patch(`/v1/webhooks/${hook.id}`, { url: 'https://evil.example.com/' }),
          client.delete(`/v1/webhooks/${hook.id}`),
        ];
        for (const res of await Promise.all(attempts)) {
          expect(res.status, user).toBe(403);
          expect(res.body.code).toBe('forbidden');
        }
      }
      const unchanged = await api.as('admin').get<Webhook>(`/v1/webhooks/${hook.id}`);
      expect(unchanged.body.url).toBe(hook.url);
    });

    it('needs the admin scope and an admin behind an API key, and credentials', async () => {
      const key = async (user: UserKey, scopes: string[]): Promise<Client> => {
        const { key, prefix, hash } = generateApiKey();
        await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
          `hooks ${user}`, prefix, hash, api.world.users[user], scopes]);
        return api.withToken(key);
      };
      const adminKey = await key('admin', ['admin']);
      expect((await adminKey.get('/v1/webhooks')).status).toBe(200);
      expect((await adminKey.post('/v1/webhooks', { url: 'https://hooks.example.com/by-key' })).status).toBe(201);
      const narrow = await (await key('admin', ['tickets:write'])).post('/v1/webhooks', { url: 'https://hooks.example.com/x' });
      expect(narrow.status).toBe(403);
      expect(narrow.body.code).toBe('insufficient_scope');
      expect((await (await key('agent', ['admin'])).get('/v1/webhooks')).body.code).toBe('forbidden');
      expect((await api.anonymous().get('/v1/webhooks')).status).toBe(401);
    });
  });
});
