import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { unique, type UserKey } from '../support/world.js';
import { collectPages, createApiKey, malformedBodies, MISSING_ID } from './org-kb-support.js';

interface Article {
  id: string;
  slug: string;
  title: string;
  status: 'draft' | 'published' | 'archived';
  version: number;
  tags: string[];
  category_id: string | null;
  author_id: string | null;
  view_count: number;
  helpful_votes: number;
  updated_at: string;
  published_at: string | null;
  archived_at: string | null;
  body?: string;
}

const STAFF = ['agent', 'agent2', 'manager', 'admin'] as const;

describe.each(engines)('knowledge-base articles over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let published: string;
  let draft: string;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    published = api.world.rows.kb_articles!.published!.params[0] as string;
    draft = api.world.ids.draft!;
  });
  afterAll(() => api.close());

  /** A new article written by `author` (an agent by default). */
  const write = async (fields: Record<string, unknown> = {}, author: UserKey = 'agent') => {
    const res = await api
      .as(author)
      .post('/v1/kb/articles', { title: unique('Article'), slug: unique('article'), body: 'Some text', ...fields });
    expect(res.status, res.text).toBe(201);
    return res.body as Article;
  };

  describe('reading', () => {
    it('shows customers published articles only, and staff every article', async () => {
      const archived = await write({ status: 'published' });
      await api.as('agent').post(`/v1/kb/articles/${archived.id}/archive`);
      for (const role of ['customer', 'customer2'] as const) {
        const seen = await collectPages<Article>(api.as(role), '/v1/kb/articles', 3);
        expect(seen.length).toBeGreaterThanOrEqual(2);
        expect(seen.every((a) => a.status === 'published')).toBe(true);
        expect(seen.map((a) => a.id)).toContain(published);
        expect((await api.as(role).get(`/v1/kb/articles/${published}`)).status).toBe(200);
        for (const hidden of [draft, archived.id]) {
          const res = await api.as(role).get(`/v1/kb/articles/${hidden}`);
          expect(res.status, role).toBe(404);
          expect(res.body.code).toBe('not_found');
        }
        expect((await api.as(role).get('/v1/kb/articles?status=draft')).body.data).toEqual([]);
      }
      for (const role of STAFF) {
        const seen = await collectPages<Article>(api.as(role), '/v1/kb/articles', 5);
        expect(seen.map((a) => a.id)).toEqual(expect.arrayContaining([published, draft, archived.id]));
        expect('body' in seen[0]!).toBe(false);
        const got = await api.as(role).get(`/v1/kb/articles/${draft}`);
        expect(got.body).toMatchObject({ id: draft, status: 'draft', author_id: api.world.users.agent2, body: 'Body' });
      }
      expect((await api.as('admin').get(`/v1/kb/articles/${MISSING_ID}`)).status).toBe(404);
    });

    it('counts reads of published articles (by anyone, customers too) but not of drafts, without touching updated_at', async () => {
      const article = await write({ status: 'published' });
      const first = await api.as('customer').get(`/v1/kb/articles/${article.id}`);
      expect(first.status).toBe(200);
      expect(first.body.view_count).toBe(1);
      expect(first.headers.get('etag')).toBe('"1"');
      const second = await api.as('agent2').get(`/v1/kb/articles/${article.id}`);
      expect(second.body.view_count).toBe(2);
      expect(second.body.updated_at).toBe(article.updated_at);

      const hidden = await write();
      await api.as('agent').get(`/v1/kb/articles/${hidden.id}`);
      await api.as('customer').get(`/v1/kb/articles/${hidden.id}`);
      expect((await api.as('agent').get(`/v1/kb/articles/${hidden.id}`)).body.view_count).toBe(0);
    });

    it('filters by status, category, tag and full text', async () => {
      const category = (await api.as('admin').post('/v1/kb/categories', { name: 'Filters', slug: unique('filters') })).body.id as string;
      const marker = unique('zq').replace('-', '');
      const a = await write({
        category_id: category,
        tags: ['vpn', 'network'],
        status: 'published',
        body: `How to connect the ${marker} tunnel`,
      });
      const b = await write({ category_id: category, tags: ['vpn'] });
      const c = await write({ tags: ['network'], title: `Printer ${marker} jams` });
      const ids = (list: Article[]) => list.map((x) => x.id).sort();
      const list = (query: string, role: UserKey = 'manager') => collectPages<Article>(api.as(role), `/v1/kb/articles?${query}`);

      expect(ids(await list(`category_id=${category}`))).toEqual([a.id, b.id].sort());
      expect(ids(await list(`category_id=${category}&status=draft`))).toEqual([b.id]);
      expect(ids(await list(`category_id=${category}&status=draft&status=published`))).toEqual([a.id, b.id].sort());
      expect(ids(await list(`category_id=${category}`, 'customer'))).toEqual([a.id]);
      expect(ids(await list(`tag=vpn&tag=network`))).toEqual([a.id]);
      expect(ids(await list(`q=${marker}`))).toEqual([a.id, c.id].sort());
      expect(ids(await list(`q=${marker}`, 'customer'))).toEqual([a.id]);
      expect(ids(await list(`q=${encodeURIComponent(`${marker} -printer`)}`))).toEqual([a.id]);
      expect(await list(`category_id=${MISSING_ID}`)).toEqual([]);
    });

    it('sorts by updated_at, published_at or helpful votes, stably across pages', async () => {
      const first = await write({ status: 'published' });
      const second = await write({ status: 'published' });
      await api.as('agent').patch(`/v1/kb/articles/${first.id}`, { body: 'Edited later' });
      await api.db.query('update kb_articles set helpful_votes = 50 where id = $1', [second.id]);

      const newestEdit = await api.as('agent').get('/v1/kb/articles?limit=1');
      expect(newestEdit.body.data[0].id).toBe(first.id);
      const oldestEdit = await collectPages<Article>(api.as('agent'), '/v1/kb/articles?sort=updated_at');
      expect(oldestEdit.at(-1)!.id).toBe(first.id);

      const byPublished = await collectPages<Article>(api.as('agent'), '/v1/kb/articles?sort=-published_at', 2);
      expect(byPublished[0]!.id).toBe(second.id);
      const firstUnpublished = byPublished.findIndex((x) => x.published_at === null);
      expect(firstUnpublished).toBeGreaterThan(0);
      expect(byPublished.slice(firstUnpublished).every((x) => x.published_at === null)).toBe(true);
      const keys = byPublished.slice(0, firstUnpublished).map((x) => Date.parse(x.published_at!));
      expect(keys).toEqual([...keys].sort((x, y) => y - x));
      const ascending = await collectPages<Article>(api.as('agent'), '/v1/kb/articles?sort=published_at', 3);
      expect(ascending.map((x) => x.id)).toEqual(expect.arrayContaining(byPublished.map((x) => x.id)));
      expect(ascending.length).toBe(byPublished.length);

      const helpful = await collectPages<Article>(api.as('customer'), '/v1/kb/articles?sort=-helpful', 1);
      expect(helpful[0]!.id).toBe(second.id);
      const votes = helpful.map((x) => x.helpful_votes);
      expect(votes).toEqual([...votes].sort((x, y) => y - x));
      const leastHelpful = await collectPages<Article>(api.as('customer'), '/v1/kb/articles?sort=helpful', 1);
      expect(leastHelpful.at(-1)!.id).toBe(second.id);
      expect(new Set(leastHelpful.map((x) => x.id)).size).toBe(leastHelpful.length);
    });
  });

  describe('writing', () => {
    it('lets staff write drafts, authored by them, and refuses customers', async () => {
      for (const role of STAFF) {
        const res = await api.as(role).post('/v1/kb/articles', {
          title: ' Reset your password ',
          slug: unique(`reset-${role}`),
          summary: 'Forgot it?',
          body: 'Open the sign-in page.',
          tags: ['password', 'login'],
        });
        expect(res.status, role).toBe(201);
        expect(res.headers.get('location')).toBe(`/v1/kb/articles/${res.body.id}`);
        expect(res.headers.get('etag')).toBe('"1"');
        expect(res.body).toMatchObject({
          title: 'Reset your password',
          status: 'draft',
          source: 'manual',
          source_ticket_id: null,
          author_id: api.world.users[role],
          version: 1,
          view_count: 0,
          helpful_votes: 0,
          unhelpful_votes: 0,
          tags: ['password', 'login'],
          published_at: null,
        });
      }
      const refused = await api.as('customer').post('/v1/kb/articles', { title: 'Mine', slug: unique('mine'), body: 'Text' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    });

    it('publishes at once when asked, and links articles drafted from a visible ticket', async () => {
      const now = await write({ status: 'published' });
      expect(now.status).toBe('published');
      expect(now.published_at).not.toBeNull();
      expect((await api.as('customer').get(`/v1/kb/articles/${now.id}`)).status).toBe(200);

      const fromTicket = await write({ source_ticket_id: api.world.ids.mine });
      expect(fromTicket).toMatchObject({ source: 'generated_from_ticket', source_ticket_id: api.world.ids.mine });
      // agent cannot see the other department's ticket: it may not be named as a source.
      const hidden = await api
        .as('agent')
        .post('/v1/kb/articles', { title: 'X', slug: unique('x'), body: 'Y', source_ticket_id: api.world.ids.foreign });
      expect(hidden.status).toBe(422);
      expect(hidden.body.errors[0]).toMatchObject({ path: 'source_ticket_id' });
      const ghost = await api
        .as('agent')
        .post('/v1/kb/articles', { title: 'X', slug: unique('x'), body: 'Y', source_ticket_id: MISSING_ID });
      expect(ghost.status).toBe(422);
      const noCategory = await api
        .as('agent')
        .post('/v1/kb/articles', { title: 'X', slug: unique('x'), body: 'Y', category_id: MISSING_ID });
      expect(noCategory.status).toBe(422);
      expect(noCategory.body.detail).toMatch(/category_id/);
      const taken = await api.as('agent').post('/v1/kb/articles', { title: 'X', slug: 'published', body: 'Y' });
      expect(taken.status).toBe(409);
    });

    it('lets agents edit their own articles and managers and admins any', async () => {
      const own = await write();
      const edited = await api.as('agent').patch(`/v1/kb/articles/${own.id}`, { title: 'Renamed', tags: ['x'] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ title: 'Renamed', tags: ['x'], version: 2 });
      expect(edited.headers.get('etag')).toBe('"2"');

      const refused = await api.as('agent').patch(`/v1/kb/articles/${draft}`, { title: 'Not mine' });
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/only the articles they wrote/);
      for (const role of ['manager', 'admin'] as const) {
        const res = await api.as(role).patch(`/v1/kb/articles/${own.id}`, { summary: `By ${role}` });
        expect(res.status, role).toBe(200);
      }
      expect((await api.as('customer').patch(`/v1/kb/articles/${published}`, { title: 'Hacked' })).status).toBe(403);
      expect((await api.as('customer').patch(`/v1/kb/articles/${draft}`, { title: 'Hacked' })).status).toBe(404);
      expect((await api.as('admin').patch(`/v1/kb/articles/${MISSING_ID}`, { title: 'Ghost' })).status).toBe(404);
      expect((await api.as('admin').get(`/v1/kb/articles/${draft}`)).body.title).toBe('Draft');
    });

    it('makes a new version on content changes only, and clears fields given as null', async () => {
      const article = await write({ summary: 'Short', category_id: null });
      const category = (await api.as('admin').post('/v1/kb/categories', { name: 'V', slug: unique('v') })).body.id as string;
      const meta = await api
        .as('agent')
        .patch(`/v1/kb/articles/${article.id}`, { tags: ['a'], category_id: category, slug: unique('moved') });
      expect(meta.body.version).toBe(1);
      const content = await api.as('agent').patch(`/v1/kb/articles/${article.id}`, { summary: null });
      expect(content.body).toMatchObject({ summary: null, version: 2, category_id: category, tags: ['a'] });
      const same = await api.as('agent').patch(`/v1/kb/articles/${article.id}`, { body: 'Some text' });
      expect(same.body.version).toBe(2);
      const uncategorised = await api.as('agent').patch(`/v1/kb/articles/${article.id}`, { category_id: null });
      expect(uncategorised.body.category_id).toBeNull();
    });

    it('refuses a write based on a stale ETag (412), and accepts the current one', async () => {
      const article = await write();
      const path = `/v1/kb/articles/${article.id}`;
      const first = await api.as('agent').patch(path, { body: 'First edit' }, { headers: { 'if-match': '"1"' } });
      expect(first.status).toBe(200);
      const stale = await api.as('manager').patch(path, { body: 'Based on version 1' }, { headers: { 'if-match': '"1"' } });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('precondition_failed');
      expect(stale.body.detail).toMatch(/version 2, not 1/);
      expect((await api.as('manager').get(path)).body.body).toBe('First edit');
      const fresh = await api
        .as('manager')
        .patch(path, { body: 'Based on version 2' }, { headers: { 'if-match': first.headers.get('etag')! } });
      expect(fresh.status).toBe(200);
      expect(fresh.body.version).toBe(3);
      const any = await api.as('manager').patch(path, { tags: ['any'] }, { headers: { 'if-match': '*' } });
      expect(any.status).toBe(200);
      for (const header of ['3', '"three"', 'W/3']) {
        const res = await api.as('manager').patch(path, { tags: [] }, { headers: { 'if-match': header } });
        expect(res.status, header).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ location: 'header', path: 'If-Match' });
      }
      // Well-formed tags that do not match the current version: a weak tag never matches (RFC 9110).
      for (const header of ['W/"3"', '"0"', '"1", "2"']) {
        const res = await api.as('manager').patch(path, { tags: [] }, { headers: { 'if-match': header } });
        expect(res.status, header).toBe(412);
      }
      const listed = await api.as('manager').patch(path, { tags: ['listed'] }, { headers: { 'if-match': '"1", "3"' } });
      expect(listed.status).toBe(200);
      // A stale ETag on an article the caller may not see is still a 404, not a 412.
      expect((await api.as('customer').patch(`/v1/kb/articles/${draft}`, { title: 'X' }, { headers: { 'if-match': '"9"' } })).status).toBe(
        404,
      );
    });

    it('lets managers and admins delete articles, and nobody else', async () => {
      const article = await write({ status: 'published' });
      expect((await api.as('agent').delete(`/v1/kb/articles/${article.id}`)).status).toBe(403);
      expect((await api.as('customer').delete(`/v1/kb/articles/${article.id}`)).status).toBe(403);
      expect((await api.as('customer').delete(`/v1/kb/articles/${draft}`)).status).toBe(404);
      await api.as('customer').post(`/v1/kb/articles/${article.id}/feedback`, { helpful: true });
      expect((await api.as('manager').delete(`/v1/kb/articles/${article.id}`)).status).toBe(204);
      expect((await api.as('manager').get(`/v1/kb/articles/${article.id}`)).status).toBe(404);
      const leftovers = await api.db.query(
        'select 1 from kb_article_versions where article_id = $1 union all select 1 from kb_article_feedback where article_id = $1',
        [article.id],
      );
      expect(leftovers.rows).toHaveLength(0);
      expect((await api.as('admin').delete(`/v1/kb/articles/${article.id}`)).status).toBe(404);
    });
  });

  describe('workflow', () => {
    it('publishes a draft, archives it and publishes it again', async () => {
      const article = await write();
      const publishedNow = await api.as('agent').post(`/v1/kb/articles/${article.id}/publish`);
      expect(publishedNow.status).toBe(200);
      expect(publishedNow.headers.get('etag')).toBe('"1"');
      expect(publishedNow.body).toMatchObject({ status: 'published', archived_at: null, version: 1 });
      expect(publishedNow.body.published_at).not.toBeNull();
      expect((await api.as('customer').get(`/v1/kb/articles/${article.id}`)).status).toBe(200);

      const again = await api.as('agent').post(`/v1/kb/articles/${article.id}/publish`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('invalid_transition');

      const archived = await api.as('manager').post(`/v1/kb/articles/${article.id}/archive`);
      expect(archived.body).toMatchObject({ status: 'archived', published_at: publishedNow.body.published_at });
      expect(archived.body.archived_at).not.toBeNull();
      expect((await api.as('customer').get(`/v1/kb/articles/${article.id}`)).status).toBe(404);
      expect((await api.as('manager').post(`/v1/kb/articles/${article.id}/archive`)).status).toBe(409);

      const republished = await api.as('agent').post(`/v1/kb/articles/${article.id}/publish`);
      expect(republished.body).toMatchObject({ status: 'published', archived_at: null });
      expect(Date.parse(republished.body.published_at)).toBeGreaterThanOrEqual(Date.parse(publishedNow.body.published_at));
      const draftArchived = await api.as('agent').post(`/v1/kb/articles/${(await write()).id}/archive`);
      expect(draftArchived.body.status).toBe('archived');
    });

    it("refuses other people's status changes: 403 when visible, 404 when not", async () => {
      const theirs = await write({}, 'agent2');
      expect((await api.as('agent').post(`/v1/kb/articles/${theirs.id}/publish`)).status).toBe(403);
      expect((await api.as('customer').post(`/v1/kb/articles/${theirs.id}/publish`)).status).toBe(404);
      expect((await api.as('customer').post(`/v1/kb/articles/${published}/archive`)).status).toBe(403);
      expect((await api.as('agent2').post(`/v1/kb/articles/${published}/archive`)).status).toBe(403);
      expect((await api.as('admin').post(`/v1/kb/articles/${MISSING_ID}/publish`)).status).toBe(404);
      expect((await api.as('admin').get(`/v1/kb/articles/${theirs.id}`)).body.status).toBe('draft');
      expect((await api.as('admin').get(`/v1/kb/articles/${published}`)).body.status).toBe('published');
    });

    it('replays a publish sent again with the same Idempotency-Key', async () => {
      const article = await write();
      const key = unique('idem');
      const first = await api.as('agent').post(`/v1/kb/articles/${article.id}/publish`, undefined, { headers: { 'idempotency-key': key } });
      const replay = await api
        .as('agent')
        .post(`/v1/kb/articles/${article.id}/publish`, undefined, { headers: { 'idempotency-key': key } });
      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
    });
  });

  describe('bad input', () => {
    it('answers bad article bodies with 400 problems naming the field', async () => {
      const agent = api.as('agent');
      const base = { title: 'T', slug: 'ok-slug', body: 'B' };
      const cases: { body: unknown; path: string }[] = [
        { body: { slug: 'x', body: 'B' }, path: 'title' },
        { body: { title: 'T', body: 'B' }, path: 'slug' },
        { body: { title: 'T', slug: 'x' }, path: 'body' },
        { body: { ...base, body: '   ' }, path: 'body' },
        { body: { ...base, body: 'x'.repeat(200_001) }, path: 'body' },
        { body: { ...base, title: 'x'.repeat(256) }, path: 'title' },
        { body: { ...base, slug: 'Has Spaces' }, path: 'slug' },
        { body: { ...base, summary: 'x'.repeat(1001) }, path: 'summary' },
        { body: { ...base, status: 'archived' }, path: 'status' },
        { body: { ...base, tags: 'one' }, path: 'tags' },
        { body: { ...base, tags: ['a', 'a'] }, path: 'tags' },
        { body: { ...base, tags: [''] }, path: 'tags.0' },
        { body: { ...base, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, path: 'tags' },
        { body: { ...base, category_id: 'faq' }, path: 'category_id' },
        { body: { ...base, author_id: api.world.users.admin }, path: '' },
        { body: { ...base, view_count: 1000 }, path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await agent.post('/v1/kb/articles', body);
        expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      const article = await write();
      for (const body of [{}, { status: 'published' }, { version: 7 }, { title: '' }, { tags: null }, { body: null }]) {
        const res = await agent.patch(`/v1/kb/articles/${article.id}`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      for (const [method, path] of [
        ['POST', '/v1/kb/articles'],
        ['PATCH', `/v1/kb/articles/${article.id}`],
      ] as const) {
        const { malformed, wrongType, noBody } = await malformedBodies(agent, method, path);
        expect(malformed.body.code).toBe('malformed_request');
        expect(wrongType.status).toBe(415);
        expect(noBody.status).toBe(400);
      }
      expect((await agent.get(`/v1/kb/articles/${article.id}`)).body.version).toBe(1);
    });

    it('answers bad ids and query parameters with 400 problems', async () => {
      const agent = api.as('agent');
      for (const [method, path] of [
        ['GET', '/v1/kb/articles/published'],
        ['PATCH', '/v1/kb/articles/published'],
        ['DELETE', '/v1/kb/articles/published'],
        ['POST', '/v1/kb/articles/published/publish'],
        ['POST', '/v1/kb/articles/published/archive'],
      ] as const) {
        const res = await agent.request(method, path, method === 'PATCH' ? { json: { title: 'X' } } : {});
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ location: 'path', path: 'article_id' });
      }
      for (const query of [
        'status=live',
        'sort=title',
        'sort=-views',
        'category_id=x',
        'q=',
        `q=${'x'.repeat(201)}`,
        'limit=500',
        'author=me',
      ]) {
        const res = await agent.get(`/v1/kb/articles?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      const first = await agent.get('/v1/kb/articles?limit=1');
      const otherSort = await agent.get(`/v1/kb/articles?limit=1&sort=-helpful&cursor=${first.body.next_cursor}`);
      expect(otherSort.body.code).toBe('invalid_cursor');
      expect((await agent.get('/v1/kb/articles?cursor=bm9wZQ')).body.code).toBe('invalid_cursor');
      // A key PostgreSQL reads as a time zone offset out of range: the caller's fault, not a 500.
      const payload = JSON.parse(Buffer.from(first.body.next_cursor, 'base64url').toString('utf8'));
      const displaced = Buffer.from(JSON.stringify({ ...payload, k: ['-1060', payload.k[1]] })).toString('base64url');
      expect((await agent.get(`/v1/kb/articles?limit=1&cursor=${displaced}`)).status).toBe(400);
      // Full-text syntax never breaks the query: web-search parsing accepts anything.
      for (const q of ['"unclosed', '!!! & |', "o'reilly", '-']) {
        expect((await agent.get(`/v1/kb/articles?q=${encodeURIComponent(q)}`)).status, q).toBe(200);
      }
    });

    it('holds API keys to the kb scopes', async () => {
      const reader = await createApiKey(api, 'agent', ['kb:read']);
      expect((await api.withToken(reader).get(`/v1/kb/articles/${published}`)).status).toBe(200);
      const refused = await api.withToken(reader).post('/v1/kb/articles', { title: 'K', slug: unique('k'), body: 'B' });
      expect(refused.body.code).toBe('insufficient_scope');
      expect((await api.withToken(reader).post(`/v1/kb/articles/${published}/archive`)).body.code).toBe('insufficient_scope');
      const writer = await createApiKey(api, 'agent', ['kb:write']);
      const created = await api.withToken(writer).post('/v1/kb/articles', { title: 'K', slug: unique('k'), body: 'B' });
      expect(created.body.author_id).toBe(api.world.users.agent);
      expect((await api.withToken(await createApiKey(api, 'agent', ['tickets:read'])).get('/v1/kb/articles')).status).toBe(403);
      expect((await api.anonymous().get('/v1/kb/articles')).status).toBe(401);
    });
  });
});
