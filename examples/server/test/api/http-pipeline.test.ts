/**
 * What every request goes through, whatever the resource: request ids, problems for unknown routes
 * and server errors, body limits, rate limits, idempotency keys, CORS, logs and health probes.
 * Categories serve as the resource because they are the simplest one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../src/app.js';
import { signAccessToken } from '../../src/auth/access-tokens.js';
import { systemClock } from '../../src/clock.js';
import { memoryLogger } from '../../src/logger.js';
import { memoryStorage } from '../../src/storage.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { createEmptyDatabase, engines } from '../support/test-database.js';

const newCategory = (slug: string) => ({ slug, name: `Category ${slug}` });

describe.each(engines)('the HTTP pipeline (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine, {
      app: { limits: { maxJsonBytes: 2048 }, corsOrigins: ['https://app.example.com'] },
    });
  });
  afterAll(() => api.close());

  describe('request ids', () => {
    it('makes one when the caller sends none, and puts it in problems too', async () => {
      const ok = await api.as('agent').get('/v1/categories');
      expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const problem = await api.anonymous().get('/v1/categories');
      expect(problem.body.request_id).toBe(problem.headers.get('x-request-id'));
    });

    it("keeps the caller's id when it is safe, and replaces one that is not", async () => {
      const kept = await api.as('agent').get('/v1/categories', { headers: { 'x-request-id': 'trace-123/abc' } });
      expect(kept.headers.get('x-request-id')).toBe('trace-123/abc');
      for (const unsafe of ['has space', 'x'.repeat(129)]) {
        const replaced = await api.as('agent').get('/v1/categories', { headers: { 'x-request-id': unsafe } });
        expect(replaced.headers.get('x-request-id')).not.toBe(unsafe);
      }
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await api.app.request('/v2/nothing');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('answers a bug with a bare 500 problem and logs the stack on the server only', async () => {
    // A database that fails in a way no mapping knows: the kind of failure only a bug produces.
    const broken = { ...api.db, transaction: () => Promise.reject(new Error('database password is hunter2')) };
    const logger = memoryLogger();
    const app = createApp({ db: broken, storage: memoryStorage(), logger, auth: api.auth });
    const token = await signAccessToken(api.auth, systemClock, { userId: api.world.users.agent, sessionId: randomUUID() });
    const response = await app.request('/v1/categories', { headers: { authorization: `Bearer ${token}` } });
    await app.close();
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/at .*\.ts/);
    expect(JSON.parse(text)).toMatchObject({ status: 500, request_id: response.headers.get('x-request-id') });
    const logged = logger.entries.find((entry) => entry.message === 'unhandled error');
    expect(String(logged?.fields.error)).toContain('hunter2');
  });

  it('refuses a JSON body over the limit with 413 before parsing it', async () => {
    const response = await api.as('admin').post('/v1/categories', { ...newCategory('big'), description: 'x'.repeat(4096) });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload_too_large');
  });

  it('bounds JSON bodies over a socket too, whether their length is declared or they come chunked', async () => {
    // In-process requests carry no Content-Length; a real socket does, and is checked by it alone.
    const { serve } = await import('@hono/node-server');
    let server: ReturnType<typeof serve> | undefined;
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    const authorization = `Bearer ${await api.tokenFor('admin')}`;
    const post = (body: string, chunked: boolean) =>
      fetch(`http://127.0.0.1:${port}/v1/categories`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        ...(chunked
          ? { body: new Blob([body]).stream(), duplex: 'half' as const }
          : { body }),
      });
    try {
      for (const chunked of [false, true]) {
        const big = await post(JSON.stringify({ ...newCategory(`big-${chunked}`), description: 'x'.repeat(4096) }), chunked);
        expect(big.status, `chunked: ${chunked}`).toBe(413);
        expect(((await big.json()) as { code: string }).code).toBe('payload_too_large');
        const small = await post(JSON.stringify(newCategory(`socket-${chunked}`)), chunked);
        expect(small.status, `chunked: ${chunked}`).toBe(201);
        expect(((await small.json()) as { slug: string }).slug).toBe(`socket-${chunked}`);
      }
      const listed = await fetch(`http://127.0.0.1:${port}/v1/categories`, { headers: { authorization } });
      expect(listed.status).toBe(200);
    } finally {
      await new Promise((resolve) => server?.close(resolve));
    }
  });

  it('refuses a JSON body that is not UTF-8 rather than storing U+FFFD, with or without an Idempotency-Key', async () => {
    const utf8 = (text: string) => [...new TextEncoder().encode(text)];
    const body = new Uint8Array([...utf8('{"slug":"not-utf8","name":"Caf'), 0xe9, ...utf8('"}')]);
    for (const extra of [{}, { 'idempotency-key': 'not-utf8' }]) {
      const res = await api.as('admin').request('POST', '/v1/categories', { raw: body, headers: { 'content-type': 'application/json', ...extra } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('malformed_request');
    }
    const { rows } = await api.db.query("select count(*)::int as n from categories where slug = 'not-utf8'");
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('refuses a query string that is not percent-encoded UTF-8 rather than reading it literally', async () => {
    for (const query of ['q=%FF', 'q=%zz', 'q=100%', 'q=%C0%80']) {
      const res = await api.as('agent').get(`/v1/categories?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('malformed_request');
    }
    expect((await api.as('agent').get('/v1/categories?q=%25FF')).status).toBe(200);
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for the same key and body, without acting twice', async () => {
      const headers = { 'idempotency-key': 'create-ops' };
      const first = await api.as('admin').post('/v1/categories', newCategory('ops'), { headers });
      const again = await api.as('admin').post('/v1/categories', newCategory('ops'), { headers });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const { rows } = await api.db.query("select count(*)::int as n from categories where slug = 'ops'");
      expect(rows[0]).toEqual({ n: 1 });
      // Stored sealed: responses can carry secrets shown once.
      const stored = await api.db.query<{ response_body: unknown }>("select response_body from idempotency_keys where key = 'create-ops'");
      expect(typeof stored.rows[0]?.response_body).toBe('string');
      expect(JSON.stringify(stored.rows[0]?.response_body)).not.toContain(first.body.id);
    });

    it('refuses the same key with a different body, and keeps keys apart per caller', async () => {
      const headers = { 'idempotency-key': 'shared-key' };
      expect((await api.as('admin').post('/v1/categories', newCategory('one'), { headers })).status).toBe(201);
      const reused = await api.as('admin').post('/v1/categories', newCategory('two'), { headers });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
      const otherCaller = await api.as('manager').post('/v1/categories', newCategory('three'), { headers });
      expect(otherCaller.status).toBe(201);
      expect(otherCaller.headers.get('idempotent-replayed')).toBeNull();
    });

    it('stores nothing for a failed request, so the same key can be retried', async () => {
      const headers = { 'idempotency-key': 'retry-after-fix' };
      const failed = await api.as('admin').post('/v1/categories', { slug: 'Bad Slug', name: 'x' }, { headers });
      expect(failed.status).toBe(400);
      const fixed = await api.as('admin').post('/v1/categories', newCategory('fixed'), { headers });
      expect(fixed.status).toBe(201);
    });

    it('refuses a key that is too long', async () => {
      const response = await api.as('admin').post('/v1/categories', newCategory('long-key'), { headers: { 'idempotency-key': 'k'.repeat(256) } });
      expect(response.status).toBe(400);
      expect(response.body.errors[0]).toMatchObject({ location: 'header', path: 'Idempotency-Key' });
    });
  });

  describe('CORS', () => {
    it('answers a preflight from an allowed origin', async () => {
      const response = await api.app.request('/v1/categories', {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, idempotency-key' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    });

    it('does not allow other origins', async () => {
      const response = await api.as('agent').get('/v1/categories', { headers: { origin: 'https://evil.example.com' } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('logs one line per request with its id, and never a credential', async () => {
    const response = await api.as('agent').get('/v1/categories?q=net', { headers: { 'x-request-id': 'log-check' } });
    const line = api.logger.entries.find((entry) => entry.fields.request_id === 'log-check');
    expect(line).toMatchObject({ message: 'request', fields: { method: 'GET', path: '/v1/categories', status: response.status, user_id: api.world.users.agent } });
    const everything = JSON.stringify(api.logger.entries);
    expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(everything).not.toContain('q=net');
  });

  it('reports liveness and readiness', async () => {
    expect((await api.anonymous().get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.anonymous().get('/readyz')).body).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('serves the bundled contract and its reference page', async () => {
    const document = await api.app.request('/openapi.json');
    expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
    expect((await api.app.request('/docs')).headers.get('content-type')).toContain('text/html');
  });
});

describe.each(engines)('rate limits (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine, { app: { limits: { rateLimit: 3, rateLimitWindowSeconds: 60 } } });
  });
  afterAll(() => api.close());

  it('limits each caller separately, says when to retry, and resets with the window', async () => {
    const agent = api.as('agent');
    const seen = [];
    for (let i = 0; i < 4; i += 1) seen.push(await agent.get('/v1/categories'));
    expect(seen.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(seen.map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    const refused = seen[3]!;
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    expect((await api.as('customer').get('/v1/categories')).status).toBe(200);
    api.clock.advance(61);
    expect((await agent.get('/v1/categories')).status).toBe(200);
  });
});

describe.each(engines)('readiness without migrations (%s)', (engine) => {
  it('is 503 until the schema is migrated', async () => {
    const empty = await createEmptyDatabase(engine);
    const app = createApp({ db: empty.db, storage: memoryStorage() });
    try {
      const response = await app.request('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', migrations: 'pending' } });
    } finally {
      await app.close();
      await empty.drop();
    }
  });
});
