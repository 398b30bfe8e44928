import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { ROLES, unique } from '../support/world.js';
import { collectPages, createApiKey, malformedBodies, MISSING_ID } from './org-kb-support.js';

interface KbCategory {
  id: string;
  parent_id: string | null;
  name: string;
  slug: string;
  sort_order: number;
}

describe.each(engines)('knowledge-base categories over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let root: string;
  let leaf: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    leaf = api.world.rows.kb_categories!.leaf!.params[0] as string;
    const { rows } = await api.db.query<{ id: string }>("select id from kb_categories where slug = 'root'");
    root = rows[0]!.id;
  });
  afterAll(() => api.close());

  const create = async (fields: Record<string, unknown>) => {
    const res = await api.as('manager').post('/v1/kb/categories', { name: unique('Cat'), slug: unique('cat'), ...fields });
    expect(res.status, res.text).toBe(201);
    return res.body as KbCategory;
  };

  it('lets every role walk the tree a level at a time, in menu order', async () => {
    const parent = await create({});
    const second = await create({ parent_id: parent.id, name: 'Billing', sort_order: 2 });
    const firstB = await create({ parent_id: parent.id, name: 'Beta', sort_order: 1 });
    const firstA = await create({ parent_id: parent.id, name: 'Alpha', sort_order: 1 });
    const last = await create({ parent_id: parent.id, name: 'Aardvark', sort_order: 10 });
    for (const role of ROLES) {
      const children = await collectPages<KbCategory>(api.as(role), `/v1/kb/categories?parent_id=${parent.id}`);
      expect(children.map((c) => c.id)).toEqual([firstA.id, firstB.id, second.id, last.id]);
      const top = await collectPages<KbCategory>(api.as(role), '/v1/kb/categories?parent_id=root');
      expect(top.every((c) => c.parent_id === null)).toBe(true);
      expect(top.map((c) => c.id)).toEqual(expect.arrayContaining([root, parent.id]));
      const all = await collectPages<KbCategory>(api.as(role), '/v1/kb/categories');
      expect(all.map((c) => c.id)).toEqual(expect.arrayContaining([root, leaf, parent.id, firstA.id]));
      const got = await api.as(role).get(`/v1/kb/categories/${leaf}`);
      expect(got.body).toMatchObject({ id: leaf, parent_id: root, name: 'Leaf', slug: 'leaf', sort_order: 0 });
    }
    expect((await api.as('customer').get(`/v1/kb/categories/${MISSING_ID}`)).status).toBe(404);
    expect((await api.as('customer').get(`/v1/kb/categories?parent_id=${MISSING_ID}`)).body.data).toEqual([]);
  });

  it('lets managers and admins create, update and delete categories, and nobody else', async () => {
    for (const role of ['customer', 'agent'] as const) {
      const res = await api.as(role).post('/v1/kb/categories', { name: 'Mine', slug: `mine-${role}` });
      expect(res.status, role).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect((await api.as(role).patch(`/v1/kb/categories/${leaf}`, { name: 'Renamed' })).status, role).toBe(403);
      expect((await api.as(role).delete(`/v1/kb/categories/${leaf}`)).status, role).toBe(403);
    }
    const created = await api.as('admin').post('/v1/kb/categories', {
      name: ' Accounts ',
      slug: unique('accounts'),
      parent_id: root,
      description: 'Sign-in help',
      sort_order: 5,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/kb/categories/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Accounts', parent_id: root, description: 'Sign-in help', sort_order: 5 });

    const moved = await api
      .as('manager')
      .patch(`/v1/kb/categories/${created.body.id}`, { parent_id: null, description: null, sort_order: -1 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parent_id: null, description: null, sort_order: -1, name: 'Accounts' });
    expect((await api.as('customer').get(`/v1/kb/categories/${created.body.id}`)).body).toEqual(moved.body);

    expect((await api.as('manager').delete(`/v1/kb/categories/${created.body.id}`)).status).toBe(204);
    expect((await api.as('manager').get(`/v1/kb/categories/${created.body.id}`)).status).toBe(404);
    expect((await api.as('admin').patch(`/v1/kb/categories/${created.body.id}`, { name: 'Gone' })).status).toBe(404);
    expect((await api.as('admin').delete(`/v1/kb/categories/${created.body.id}`)).status).toBe(404);
  });

  it('refuses to make a category its own ancestor, in the database (422)', async () => {
    const top = await create({});
    const middle = await create({ parent_id: top.id });
    const bottom = await create({ parent_id: middle.id });
    for (const parent of [top.id, middle.id, bottom.id]) {
      const res = await api.as('admin').patch(`/v1/kb/categories/${top.id}`, { parent_id: parent });
      expect(res.status, parent).toBe(422);
      expect(res.body.code).toBe('unprocessable');
      expect(res.body.detail).toMatch(/own ancestor/);
    }
    expect((await api.as('admin').get(`/v1/kb/categories/${top.id}`)).body.parent_id).toBeNull();
    const unknownParent = await api.as('admin').patch(`/v1/kb/categories/${top.id}`, { parent_id: MISSING_ID });
    expect(unknownParent.status).toBe(422);
    expect(unknownParent.body.detail).toMatch(/parent_id/);
    const unknownOnCreate = await api
      .as('admin')
      .post('/v1/kb/categories', { name: 'Orphan', slug: unique('orphan'), parent_id: MISSING_ID });
    expect(unknownOnCreate.status).toBe(422);
  });

  it('refuses to delete a category with subcategories (409) and keeps its articles, uncategorised', async () => {
    const parent = await create({});
    const child = await create({ parent_id: parent.id });
    const blocked = await api.as('admin').delete(`/v1/kb/categories/${parent.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ code: 'conflict' });
    expect(blocked.body.detail).toMatch(/subcategories/);
    expect((await api.as('admin').get(`/v1/kb/categories/${parent.id}`)).status).toBe(200);

    const article = await api
      .as('agent')
      .post('/v1/kb/articles', { title: 'Filed', slug: unique('filed'), body: 'Text', category_id: child.id });
    expect(article.status).toBe(201);
    expect((await api.as('manager').delete(`/v1/kb/categories/${child.id}`)).status).toBe(204);
    const after = await api.as('agent').get(`/v1/kb/articles/${article.body.id}`);
    expect(after.status).toBe(200);
    expect(after.body.category_id).toBeNull();
    expect((await api.as('manager').delete(`/v1/kb/categories/${parent.id}`)).status).toBe(204);
  });

  it('refuses a slug already taken (409)', async () => {
    const res = await api.as('admin').post('/v1/kb/categories', { name: 'Another leaf', slug: 'leaf' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    expect((await api.as('admin').patch(`/v1/kb/categories/${root}`, { slug: 'leaf' })).status).toBe(409);
  });

  it('answers bad input with 4xx problems naming the field', async () => {
    const admin = api.as('admin');
    const cases: { body: unknown; path: string }[] = [
      { body: { slug: 'x' }, path: 'name' },
      { body: { name: 'X' }, path: 'slug' },
      { body: { name: 'X', slug: 'Not A Slug' }, path: 'slug' },
      { body: { name: 'X', slug: 'x'.repeat(101) }, path: 'slug' },
      { body: { name: ' ', slug: 'blank' }, path: 'name' },
      { body: { name: 'X', slug: 'x', parent_id: 'root' }, path: 'parent_id' },
      { body: { name: 'X', slug: 'x', sort_order: 1.5 }, path: 'sort_order' },
      { body: { name: 'X', slug: 'x', sort_order: '1' }, path: 'sort_order' },
      { body: { name: 'X', slug: 'x', sort_order: 10_000_000 }, path: 'sort_order' },
      { body: { name: 'X', slug: 'x', icon: 'book' }, path: '' },
      { body: null, path: '' },
    ];
    for (const { body, path } of cases) {
      const res = await admin.post('/v1/kb/categories', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    for (const body of [{}, { parent_id: 7 }, { slug: '-x-' }, { id: root }]) {
      expect((await admin.patch(`/v1/kb/categories/${leaf}`, body)).status, JSON.stringify(body)).toBe(400);
    }
    for (const [method, path] of [
      ['POST', '/v1/kb/categories'],
      ['PATCH', `/v1/kb/categories/${leaf}`],
    ] as const) {
      const { malformed, wrongType, noBody } = await malformedBodies(admin, method, path);
      expect(malformed.body.code).toBe('malformed_request');
      expect(wrongType.status).toBe(415);
      expect(noBody.status).toBe(400);
    }
    expect((await admin.get('/v1/kb/categories/leaf')).body.errors[0]).toMatchObject({ location: 'path', path: 'kb_category_id' });
    expect((await admin.patch('/v1/kb/categories/leaf', { name: 'X' })).status).toBe(400);
    expect((await admin.delete('/v1/kb/categories/leaf')).status).toBe(400);
    for (const query of ['parent_id=top', 'parent_id=', 'limit=0', 'sort=name']) {
      const res = await admin.get(`/v1/kb/categories?${query}`);
      expect(res.status, query).toBe(400);
    }
    const first = await admin.get('/v1/kb/categories?limit=1');
    expect((await admin.get(`/v1/kb/categories?parent_id=root&cursor=${first.body.next_cursor}`)).body.code).toBe('invalid_cursor');
    expect((await admin.get('/v1/kb/categories?cursor=%7B%7D')).body.code).toBe('invalid_cursor');
    expect((await admin.get(`/v1/kb/categories/${leaf}`)).body).toMatchObject({ name: 'Leaf', parent_id: root });
  });

  it('holds API keys to the kb scopes', async () => {
    const reader = await createApiKey(api, 'manager', ['kb:read']);
    expect((await api.withToken(reader).get('/v1/kb/categories')).status).toBe(200);
    expect((await api.withToken(reader).post('/v1/kb/categories', { name: 'K', slug: unique('k') })).body.code).toBe('insufficient_scope');
    const writer = await createApiKey(api, 'manager', ['kb:write']);
    expect((await api.withToken(writer).post('/v1/kb/categories', { name: 'K', slug: unique('k') })).status).toBe(201);
    const directory = await createApiKey(api, 'manager', ['directory:write']);
    expect((await api.withToken(directory).get('/v1/kb/categories')).body.code).toBe('insufficient_scope');
  });
});
