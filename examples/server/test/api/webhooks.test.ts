import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { webhookDelivery } from '../../src/webhooks/delivery-worker.js';
import { webhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { createApiHarness, type ApiHarness, type ApiResponse, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { dispatchThrough, startReceiver, type Receiver } from '../support/webhooks.js';
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

interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempt_count: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
  attempts: { attempt: number; attempted_at: string; duration_ms: number; status_code: number | null; response_body: string | null; error: string | null }[];
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

  describe('listWebhookDeliveries and redeliverWebhookDelivery', () => {
    let receiver: Receiver;
    beforeAll(async () => {
      receiver = await startReceiver();
    });
    afterAll(() => receiver.close());

    /** Deliveries written as the workers would, with the given statuses, one second apart (oldest first). */
    const seedDeliveries = async (hookId: string, statuses: Delivery['status'][]) => {
      const ids: string[] = [];
      for (const [index, status] of statuses.entries()) {
        const { rows } = await api.db.query<{ id: string }>(
          `insert into webhook_deliveries (webhook_id, event_id, event_type, body, status, next_attempt_at, delivered_at, created_at)
           values ($1, $2::int, 'ticket.updated', '{}', $3,
                   case when $3 = 'pending' then now() end, case when $3 = 'delivered' then now() end,
                   timestamptz '2030-01-01 00:00:00Z' + make_interval(secs => $2::int))
           returning id`,
          [hookId, index + 1, status],
        );
        ids.push(rows[0]!.id);
      }
      return ids;
    };

    it('logs every attempt of a failing delivery, and redelivers it', async () => {
      // Only this webhook is active: nothing may be sent to the others' made-up addresses.
      await api.db.query('update webhooks set is_active = false');
      const hook = await create({ url: `${receiver.url}/hook`, event_types: ['comment.*'] });
      const dispatcher = webhookDispatcher({ db: api.db, clock: api.clock });
      // Two attempts per queuing, 60 s apart (jitter factor 0.8 + 0.4 × 0.5 = 1).
      const worker = webhookDelivery({
        db: api.db, clock: api.clock, logger: api.logger, retry: { maxAttempts: 2, baseDelaySeconds: 60, random: () => 0.5 },
      });
      receiver.respond = (_request, response) => {
        response.statusCode = 503;
        response.end('busy');
      };

      const ticket = await api.as('customer').post('/v1/tickets', { title: 'Webhook me' });
      const comment = await api.as('customer').post(`/v1/tickets/${ticket.body.id}/comments`, { body: 'Any news?' });
      expect(comment.status).toBe(201);
      const { rows } = await api.db.query<{ id: string }>(
        "select id::text as id from events where type = 'comment.created' and payload ->> 'comment_id' = $1", [comment.body.id]);
      const eventId = rows[0]!.id;
      await dispatchThrough(api.db, dispatcher, eventId);

      const start = api.clock.now().getTime();
      const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();
      expect(await worker.runOnce()).toBe(1);
      api.clock.advance(60);
      expect(await worker.runOnce()).toBe(1);

      const log = await api.as('admin').get<{ data: Delivery[]; next_cursor: string | null }>(`/v1/webhooks/${hook.id}/deliveries`);
      expect(log.status).toBe(200);
      expect(log.body.next_cursor).toBeNull();
      expect(log.body.data).toHaveLength(1);
      const failed = log.body.data[0]!;
      expect(failed).toMatchObject({
        webhook_id: hook.id, event_id: eventId, event_type: 'comment.created', status: 'failed', attempt_count: 2,
        next_attempt_at: null, last_attempt_at: at(60), delivered_at: null,
      });
      expect(failed.attempts.map(({ duration_ms: _, ...attempt }) => attempt)).toEqual([
        { attempt: 1, attempted_at: at(0), status_code: 503, response_body: 'busy', error: 'the receiver answered 503' },
        { attempt: 2, attempted_at: at(60), status_code: 503, response_body: 'busy', error: 'the receiver answered 503' },
      ]);

      api.clock.advance(600);
      const redelivered = await api.as('admin').post<Delivery>(`/v1/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`);
      expect(redelivered.status).toBe(202);
      expect(redelivered.body).toMatchObject({ id: failed.id, status: 'pending', next_attempt_at: at(660), attempt_count: 2 });
      expect(redelivered.body.attempts).toHaveLength(2);
      // Already queued: a second redelivery is refused.
      const again = await api.as('admin').post(`/v1/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');

      receiver.respond = (_request, response) => response.end('thanks');
      expect(await worker.runOnce()).toBe(1);
      const delivered = (await api.as('admin').get<{ data: Delivery[] }>(`/v1/webhooks/${hook.id}/deliveries`)).body.data[0]!;
      expect(delivered).toMatchObject({ status: 'delivered', attempt_count: 3, delivered_at: at(660), next_attempt_at: null });
      expect(delivered.attempts.map((attempt) => [attempt.attempt, attempt.status_code, attempt.response_body])).toEqual([
        [1, 503, 'busy'], [2, 503, 'busy'], [3, 200, 'thanks'],
      ]);
      // The three requests carried the same body, each signed at its own time.
      expect(new Set(receiver.requests.map((request) => request.body)).size).toBe(1);
      expect(receiver.requests).toHaveLength(3);
      // A delivered one may be sent again too.
      expect((await api.as('admin').post(`/v1/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`)).status).toBe(202);
      await api.db.query('update webhooks set is_active = false where id = $1', [hook.id]);
    });

    it('pages newest first and filters by status', async () => {
      const hook = await create({ is_active: false });
      // d1 … d5, created in that order.
      const [d1, d2, d3, d4, d5] = await seedDeliveries(hook.id, ['pending', 'delivered', 'failed', 'delivered', 'failed']);
      const admin = api.as('admin');
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: ApiResponse<{ data: Delivery[]; next_cursor: string | null }> = await admin.get(
          `/v1/webhooks/${hook.id}/deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((d) => d.id));
        cursor = res.body.next_cursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([d5, d4, d3, d2, d1]);

      const failed = await admin.get<{ data: Delivery[] }>(`/v1/webhooks/${hook.id}/deliveries?status=failed`);
      expect(failed.body.data.map((d) => d.id)).toEqual([d5, d3]);
      const open = await admin.get<{ data: Delivery[]; next_cursor: string }>(`/v1/webhooks/${hook.id}/deliveries?status=failed&status=pending&limit=2`);
      expect(open.body.data.map((d) => d.id)).toEqual([d5, d3]);
      const rest = await admin.get<{ data: Delivery[] }>(
        `/v1/webhooks/${hook.id}/deliveries?status=pending&status=failed&limit=2&cursor=${encodeURIComponent(open.body.next_cursor)}`);
      expect(rest.body.data.map((d) => d.id)).toEqual([d1]);
      const otherFilter = await admin.get(`/v1/webhooks/${hook.id}/deliveries?status=delivered&cursor=${encodeURIComponent(open.body.next_cursor)}`);
      expect(otherFilter.body.code).toBe('invalid_cursor');
      // Another webhook's log is its own.
      const other = await create({ is_active: false });
      expect((await admin.get(`/v1/webhooks/${other.id}/deliveries`)).body.data).toEqual([]);
    });

    it('answers bad input with 4xx problems', async () => {
      const hook = await create({ is_active: false });
      const [pending] = await seedDeliveries(hook.id, ['pending']);
      const other = await create({ is_active: false });
      const admin = api.as('admin');
      const base = `/v1/webhooks/${hook.id}/deliveries`;
      for (const query of ['status=lost', 'limit=0', 'limit=101', 'cursor=bogus', 'event_type=ticket.created']) {
        const res = await admin.get(`${base}?${query}`);
        expect(res.status, query).toBe(400);
      }
      expect((await admin.get('/v1/webhooks/nope/deliveries')).status).toBe(400);
      expect((await admin.get(`/v1/webhooks/${MISSING}/deliveries`)).status).toBe(404);
      expect((await admin.post(`${base}/nope/redeliver`)).status).toBe(400);
      expect((await admin.post(`${base}/${MISSING}/redeliver`)).status).toBe(404);
      // A delivery is found only under its own webhook.
      expect((await admin.post(`/v1/webhooks/${other.id}/deliveries/${pending}/redeliver`)).status).toBe(404);
      expect((await admin.post(`${base}/${pending}/redeliver`)).status).toBe(409);
    });

    it('is for admins only, in the API and in the database', async () => {
      const hook = await create({ is_active: false });
      const [failed] = await seedDeliveries(hook.id, ['failed']);
      await api.db.query(
        "insert into webhook_delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, status_code) values ($1, 1, now(), 12, 500)", [failed]);
      for (const user of ['customer', 'agent', 'manager'] as const) {
        const list = await api.as(user).get(`/v1/webhooks/${hook.id}/deliveries`);
        const redeliver = await api.as(user).post(`/v1/webhooks/${hook.id}/deliveries/${failed}/redeliver`);
        expect([list.status, redeliver.status], user).toEqual([403, 403]);
        expect(await asRequestRole(user, 'select id from webhook_deliveries where id = $1', [failed])).toEqual([]);
        expect(await asRequestRole(user, 'select delivery_id from webhook_delivery_attempts where delivery_id = $1', [failed])).toEqual([]);
        expect(await asRequestRole(user, "update webhook_deliveries set status = 'failed' where id = $1 returning id", [failed])).toEqual([]);
      }
      expect(await asRequestRole('admin', 'select id from webhook_deliveries where id = $1', [failed])).toEqual([{ id: failed }]);
      expect(await asRequestRole('admin', 'select attempt from webhook_delivery_attempts where delivery_id = $1', [failed])).toEqual([{ attempt: 1 }]);
      // The log is the workers' to write: not even an admin may forge, rewrite or delete it.
      expect(await asRequestRole('admin', "update webhook_deliveries set body = '{}' where id = $1", [failed])).toBe('42501');
      expect(await asRequestRole('admin', 'update webhook_delivery_attempts set status_code = 200 where delivery_id = $1', [failed])).toBe('42501');
      expect(await asRequestRole('admin', 'delete from webhook_deliveries where id = $1', [failed])).toBe('42501');
      expect(await asRequestRole('admin', "insert into webhook_deliveries (webhook_id, event_id, event_type, body) values ($1, 99, 'ticket.created', '{}')", [hook.id]))
        .toBe('42501');
      expect(await asRequestRole('admin', "insert into webhook_delivery_attempts (delivery_id, attempt, attempted_at, duration_ms) values ($1, 2, now(), 1)", [failed]))
        .toBe('42501');
      // Through the API key with the admin scope, as with the other webhook operations.
      const { key, prefix, hash } = generateApiKey();
      await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
        'deliveries', prefix, hash, api.world.users.admin, ['admin']]);
      expect((await api.withToken(key).get(`/v1/webhooks/${hook.id}/deliveries`)).status).toBe(200);
      expect((await api.anonymous().get(`/v1/webhooks/${hook.id}/deliveries`)).status).toBe(401);
    });

    it('deletes the log with its webhook', async () => {
      const hook = await create({ is_active: false });
      const [delivery] = await seedDeliveries(hook.id, ['failed']);
      await api.db.query(
        "insert into webhook_delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, status_code) values ($1, 1, now(), 12, 500)", [delivery]);
      expect((await api.as('admin').delete(`/v1/webhooks/${hook.id}`)).status).toBe(204);
      const left = await api.db.query<{ n: number }>(
        'select (select count(*) from webhook_deliveries where id = $1)::int + (select count(*) from webhook_delivery_attempts where delivery_id = $1)::int as n',
        [delivery]);
      expect(left.rows[0]!.n).toBe(0);
    });
  });
});
