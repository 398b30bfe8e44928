import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { ROLES, unique, type UserKey } from '../support/world.js';
import { collectPages, createApiKey, malformedBodies, MISSING_ID } from './org-kb-support.js';

interface Version {
  article_id: string;
  version: number;
  title: string;
  summary: string | null;
  body: string;
  changed_by: string | null;
}

interface Feedback {
  id: string;
  article_id: string;
  user_id: string;
  helpful: boolean;
  comment: string | null;
}

describe.each(engines)('knowledge-base versions and feedback over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let published: string;
  let draft: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    published = api.world.rows.kb_articles!.published!.params[0] as string;
    draft = api.world.ids.draft!;
  });
  afterAll(() => api.close());

  const write = async (fields: Record<string, unknown> = {}, author: UserKey = 'agent') => {
    const res = await api
      .as(author)
      .post('/v1/kb/articles', { title: 'First title', slug: unique('article'), body: 'First body', ...fields });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; version: number };
  };

  const votes = async (articleId: string) => {
    const res = await api.as('admin').get(`/v1/kb/articles/${articleId}`);
    return { helpful: res.body.helpful_votes as number, unhelpful: res.body.unhelpful_votes as number };
  };

  describe('versions', () => {
    it('keeps every content version, newest first, with who made it', async () => {
      const article = await write({ summary: 'One' });
      await api.as('agent').patch(`/v1/kb/articles/${article.id}`, { body: 'Second body' });
      await api.as('agent').patch(`/v1/kb/articles/${article.id}`, { tags: ['not-content'] });
      await api.as('manager').patch(`/v1/kb/articles/${article.id}`, { title: 'Third title', summary: null });

      for (const role of ['agent', 'agent2', 'manager', 'admin'] as const) {
        const versions = await collectPages<Version>(api.as(role), `/v1/kb/articles/${article.id}/versions`, 2);
        expect(versions.map((v) => [v.version, v.title, v.summary, v.body, v.changed_by])).toEqual([
          [3, 'Third title', null, 'Second body', api.world.users.manager],
          [2, 'First title', 'One', 'Second body', api.world.users.agent],
          [1, 'First title', 'One', 'First body', api.world.users.agent],
        ]);
      }
      const one = await api.as('agent2').get(`/v1/kb/articles/${article.id}/versions/2`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ article_id: article.id, version: 2, body: 'Second body' });
      const current = await api.as('agent2').get(`/v1/kb/articles/${article.id}`);
      expect(current.body.version).toBe(3);
    });

    it('hides versions from customers: 403 for a published article, 404 for one they cannot see', async () => {
      const list = await api.as('customer').get(`/v1/kb/articles/${published}/versions`);
      expect(list.status).toBe(403);
      expect(list.body.code).toBe('forbidden');
      expect((await api.as('customer').get(`/v1/kb/articles/${published}/versions/1`)).status).toBe(403);
      expect((await api.as('customer').get(`/v1/kb/articles/${published}/versions/2`)).status).toBe(404);
      expect((await api.as('customer').get(`/v1/kb/articles/${draft}/versions`)).status).toBe(404);
      expect((await api.as('customer').get(`/v1/kb/articles/${draft}/versions/1`)).status).toBe(404);
      expect((await api.as('agent').get(`/v1/kb/articles/${draft}/versions`)).body.data).toHaveLength(1);
    });

    it('404s versions an article never had and articles that do not exist', async () => {
      const missingVersion = await api.as('agent').get(`/v1/kb/articles/${published}/versions/99`);
      expect(missingVersion.status).toBe(404);
      expect(missingVersion.body.detail).toMatch(/no version 99/);
      expect((await api.as('agent').get(`/v1/kb/articles/${MISSING_ID}/versions`)).status).toBe(404);
      expect((await api.as('agent').get(`/v1/kb/articles/${MISSING_ID}/versions/1`)).status).toBe(404);
    });

    it('answers bad version numbers, ids and cursors with 400', async () => {
      for (const version of ['0', '-1', 'one', '1.5', '99999999999']) {
        const res = await api.as('agent').get(`/v1/kb/articles/${published}/versions/${version}`);
        expect(res.status, version).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ location: 'path', path: 'version' });
      }
      expect((await api.as('agent').get('/v1/kb/articles/x/versions')).body.errors[0]).toMatchObject({ path: 'article_id' });
      expect((await api.as('agent').get(`/v1/kb/articles/${published}/versions?limit=0`)).status).toBe(400);
      expect((await api.as('agent').get(`/v1/kb/articles/${published}/versions?version=1`)).status).toBe(400);
      const article = await write();
      await api.as('agent').patch(`/v1/kb/articles/${article.id}`, { body: 'v2' });
      const page = await api.as('agent').get(`/v1/kb/articles/${article.id}/versions?limit=1`);
      expect(page.body.next_cursor).not.toBeNull();
      const elsewhere = await api.as('agent').get(`/v1/kb/articles/${published}/versions?cursor=${page.body.next_cursor}`);
      expect(elsewhere.body.code).toBe('invalid_cursor');
    });
  });

  describe('feedback', () => {
    it('records one verdict per reader: 201 the first time, 200 when replaced, counters following', async () => {
      const article = await write({ status: 'published' });
      const path = `/v1/kb/articles/${article.id}/feedback`;
      const first = await api.as('customer').post(path, { helpful: true, comment: 'Saved my day' });
      expect(first.status).toBe(201);
      expect(first.headers.get('location')).toBe(path);
      expect(first.body).toMatchObject({
        article_id: article.id,
        user_id: api.world.users.customer,
        helpful: true,
        comment: 'Saved my day',
      });
      expect(await votes(article.id)).toEqual({ helpful: 1, unhelpful: 0 });

      expect((await api.as('customer2').post(path, { helpful: false })).status).toBe(201);
      expect((await api.as('agent2').post(path, { helpful: true })).status).toBe(201);
      expect(await votes(article.id)).toEqual({ helpful: 2, unhelpful: 1 });

      const changed = await api.as('customer').post(path, { helpful: false });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id: first.body.id, helpful: false, comment: null });
      expect(await votes(article.id)).toEqual({ helpful: 1, unhelpful: 2 });
      // Votes are not edits: the article's updated_at stays where its last edit put it.
      expect((await api.as('admin').get(`/v1/kb/articles/${article.id}`)).body.updated_at).toBe(
        (await api.as('admin').get(`/v1/kb/articles/${article.id}/versions/1`)).body.created_at,
      );
    });

    it('shows staff every verdict and everyone else only their own', async () => {
      const article = await write({ status: 'published' });
      const path = `/v1/kb/articles/${article.id}/feedback`;
      for (const [role, helpful] of [
        ['customer', true],
        ['customer2', false],
        ['agent', true],
      ] as const) {
        await api.as(role).post(path, { helpful, comment: `From ${role}` });
      }
      for (const role of ['agent', 'agent2', 'manager', 'admin'] as const) {
        const all = await collectPages<Feedback>(api.as(role), path, 2);
        expect(all.map((f) => f.comment)).toEqual(['From agent', 'From customer2', 'From customer']);
        const unhelpful = await collectPages<Feedback>(api.as(role), `${path}?helpful=false`);
        expect(unhelpful.map((f) => f.user_id)).toEqual([api.world.users.customer2]);
      }
      const own = await collectPages<Feedback>(api.as('customer'), path);
      expect(own.map((f) => f.user_id)).toEqual([api.world.users.customer]);
      expect(await collectPages<Feedback>(api.as('spare'), path)).toEqual([]);
    });

    it('takes feedback on published articles only', async () => {
      const hidden = await write();
      expect((await api.as('customer').post(`/v1/kb/articles/${hidden.id}/feedback`, { helpful: true })).status).toBe(404);
      expect((await api.as('customer').get(`/v1/kb/articles/${hidden.id}/feedback`)).status).toBe(404);
      const staff = await api.as('manager').post(`/v1/kb/articles/${hidden.id}/feedback`, { helpful: true });
      expect(staff.status).toBe(409);
      expect(staff.body.code).toBe('conflict');
      expect(staff.body.detail).toMatch(/draft/);
      expect((await api.as('admin').post(`/v1/kb/articles/${MISSING_ID}/feedback`, { helpful: true })).status).toBe(404);
      expect(await votes(hidden.id)).toEqual({ helpful: 0, unhelpful: 0 });
    });

    it('lets every role rate the published articles it reads', async () => {
      const article = await write({ status: 'published' });
      for (const role of ROLES) {
        expect((await api.as(role).post(`/v1/kb/articles/${article.id}/feedback`, { helpful: role !== 'admin' })).status, role).toBe(201);
      }
      expect(await votes(article.id)).toEqual({ helpful: 3, unhelpful: 1 });
    });

    it('answers bad feedback with 400 problems naming the field', async () => {
      const path = `/v1/kb/articles/${published}/feedback`;
      const cases: { body: unknown; path: string }[] = [
        { body: {}, path: 'helpful' },
        { body: { helpful: 'yes' }, path: 'helpful' },
        { body: { helpful: null }, path: 'helpful' },
        { body: { helpful: true, comment: 5 }, path: 'comment' },
        { body: { helpful: true, comment: 'x'.repeat(10_001) }, path: 'comment' },
        { body: { helpful: true, rating: 5 }, path: '' },
        { body: [true], path: '' },
      ];
      for (const { body, path: field } of cases) {
        const res = await api.as('customer').post(path, body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      }
      const { malformed, wrongType, noBody } = await malformedBodies(api.as('customer'), 'POST', path);
      expect(malformed.body.code).toBe('malformed_request');
      expect(wrongType.status).toBe(415);
      expect(noBody.status).toBe(400);
      expect((await api.as('customer').post('/v1/kb/articles/x/feedback', { helpful: true })).body.errors[0]).toMatchObject({
        path: 'article_id',
      });
      for (const query of ['helpful=1', 'limit=x', 'user_id=me']) {
        expect((await api.as('agent').get(`${path}?${query}`)).status, query).toBe(400);
      }
      expect((await api.as('agent').get(`${path}?cursor=zzz`)).body.code).toBe('invalid_cursor');
      // The world's votes on this article are untouched by all of the above.
      expect(await votes(published)).toEqual({ helpful: 1, unhelpful: 1 });
    });

    it('replays feedback sent again with the same Idempotency-Key, and refuses the key with another body', async () => {
      const article = await write({ status: 'published' });
      const path = `/v1/kb/articles/${article.id}/feedback`;
      const key = unique('idem');
      const first = await api.as('customer').post(path, { helpful: true }, { headers: { 'idempotency-key': key } });
      const replay = await api.as('customer').post(path, { helpful: true }, { headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const reused = await api.as('customer').post(path, { helpful: false }, { headers: { 'idempotency-key': key } });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
      expect(await votes(article.id)).toEqual({ helpful: 1, unhelpful: 0 });
    });

    it('holds API keys to the kb scopes', async () => {
      const reader = await createApiKey(api, 'customer', ['kb:read']);
      expect((await api.withToken(reader).get(`/v1/kb/articles/${published}/feedback`)).status).toBe(200);
      expect((await api.withToken(reader).post(`/v1/kb/articles/${published}/feedback`, { helpful: true })).body.code).toBe(
        'insufficient_scope',
      );
      const writer = await createApiKey(api, 'customer', ['kb:write']);
      expect((await api.withToken(writer).post(`/v1/kb/articles/${published}/feedback`, { helpful: true })).status).toBe(200);
    });
  });
});
