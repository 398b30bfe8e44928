import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';

describe.each(engines)('categories over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  it('lets every role read categories, paged by name with a cursor', async () => {
    for (const name of ['Zeta', 'Alpha', 'Mid']) {
      const created = await api.as('admin').post('/v1/categories', { slug: name.toLowerCase(), name });
      expect(created.status).toBe(201);
    }
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await api.as('customer').get(`/v1/categories${query}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      names.push(...page.body.data.map((c: { name: string }) => c.name));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names).toEqual(expect.arrayContaining(['Alpha', 'Mid', 'Zeta', 'Network']));
  });

  it('refuses a cursor used with other filters', async () => {
    const first = await api.as('agent').get('/v1/categories?limit=1');
    const reused = await api.as('agent').get(`/v1/categories?limit=1&q=a&cursor=${first.body.next_cursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('invalid_cursor');
    const garbage = await api.as('agent').get('/v1/categories?cursor=not-a-cursor');
    expect(garbage.body.code).toBe('invalid_cursor');
  });

  it('creates, updates and deletes as admin, with a Location header', async () => {
    const created = await api.as('admin').post('/v1/categories', { slug: 'billing', name: 'Billing', description: 'Invoices' });
    expect(created.headers.get('location')).toBe(`/v1/categories/${created.body.id}`);
    const updated = await api.as('admin').patch(`/v1/categories/${created.body.id}`, { description: null, is_active: false });
    expect(updated.body).toMatchObject({ description: null, is_active: false, name: 'Billing' });
    const fetched = await api.as('customer').get(`/v1/categories/${created.body.id}`);
    expect(fetched.body).toEqual(updated.body);
    expect((await api.as('admin').delete(`/v1/categories/${created.body.id}`)).status).toBe(204);
    expect((await api.as('admin').get(`/v1/categories/${created.body.id}`)).status).toBe(404);
  });

  it('refuses writes by customers and agents in the database (403), and unknown ids (404)', async () => {
    const network = api.world.ids.network!;
    for (const role of ['customer', 'agent'] as const) {
      const created = await api.as(role).post('/v1/categories', { slug: `x-${role}`, name: 'X' });
      expect(created.status).toBe(403);
      expect(created.body.code).toBe('forbidden');
      expect((await api.as(role).patch(`/v1/categories/${network}`, { name: 'Nope' })).status).toBe(403);
      expect((await api.as(role).delete(`/v1/categories/${network}`)).status).toBe(403);
    }
    const byManager = await api.as('manager').post('/v1/categories', { slug: 'by-manager', name: 'By manager' });
    expect(byManager.status).toBe(201);
    const missing = await api.as('admin').patch('/v1/categories/7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f', { name: 'X' });
    expect(missing.status).toBe(404);
  });

  it('answers bad input with 4xx problems naming the field', async () => {
    const admin = api.as('admin');
    const cases = [
      { body: { name: 'No slug' }, path: 'slug' },
      { body: { slug: 'Bad Slug', name: 'x' }, path: 'slug' },
      { body: { slug: 'ok', name: 'x', color: 'red' }, path: '' },
      { body: { slug: 'ok', name: 42 }, path: 'name' },
      { body: [], path: '' },
    ];
    for (const { body, path } of cases) {
      const res = await admin.post('/v1/categories', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    }
    const malformed = await admin.request('POST', '/v1/categories', { raw: '{"slug":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_request');
    const wrongType = await admin.request('POST', '/v1/categories', { raw: 'slug=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);
    const badId = await admin.get('/v1/categories/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0]).toMatchObject({ location: 'path', path: 'category_id' });
    const badLimit = await admin.get('/v1/categories?limit=1000');
    expect(badLimit.body.errors[0]).toMatchObject({ location: 'query', path: 'limit' });
    const unknownParam = await admin.get('/v1/categories?colour=red');
    expect(unknownParam.status).toBe(400);
    const emptyPatch = await admin.patch(`/v1/categories/${api.world.ids.network}`, {});
    expect(emptyPatch.status).toBe(400);
    const duplicate = await admin.post('/v1/categories', { slug: 'network', name: 'Again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('conflict');
  });

  it('refuses requests without valid credentials', async () => {
    const res = await api.anonymous().get('/v1/categories');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const forged = await api.withToken('eyJhbGciOiJIUzI1NiJ9.e30.x').get('/v1/categories');
    expect(forged.body.code).toBe('unauthenticated');
  });
});
