import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { unique } from '../support/world.js';
import { collectPages, createApiKey } from './org-kb-support.js';

interface Hit {
  article: { id: string; title: string; status: string };
  rank: number;
  snippet: string;
}

describe.each(engines)('knowledge-base search over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  /** A word no other article contains, so each test searches its own articles only. */
  const word = () => unique('kw').replace('-', '');

  const write = async (fields: Record<string, unknown>, publish = true) => {
    const res = await api.as('agent').post('/v1/kb/articles', {
      slug: unique('s'),
      title: 'Untitled',
      body: 'Nothing to see here.',
      ...(publish ? { status: 'published' } : {}),
      ...fields,
    });
    expect(res.status, res.text).toBe(201);
    return res.body.id as string;
  };

  const search = (query: string, role: Parameters<ApiHarness['as']>[0] = 'customer') =>
    collectPages<Hit>(api.as(role), `/v1/kb/search?${query}`, 2);

  it('ranks a title match above a summary match above a body match', async () => {
    const term = word();
    const inBody = await write({ title: 'Printer troubles', body: `Press the ${term} button twice.` });
    const inTitle = await write({ title: `The ${term} button`, body: 'It is on the left.' });
    const inSummary = await write({ title: 'Buttons', summary: `About ${term}`, body: 'Several kinds.' });
    const hits = await search(`q=${term}`);
    expect(hits.map((h) => h.article.id)).toEqual([inTitle, inSummary, inBody]);
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);
    expect(hits[1]!.rank).toBeGreaterThan(hits[2]!.rank);
    expect(hits[2]!.rank).toBeGreaterThan(0);
  });

  it('marks the matches in an HTML-safe snippet', async () => {
    const term = word();
    await write({ title: 'Markup', body: `Use <script>alert("x")</script> & the ${term} setting to fix it.` });
    const [hit] = await search(`q=${term}`);
    expect(hit!.snippet).toContain(`<mark>${term}</mark>`);
    expect(hit!.snippet).toContain('&lt;/script&gt;');
    expect(hit!.snippet).toContain('&quot;x&quot;');
    expect(hit!.snippet).toContain('&amp;');
    expect(hit!.snippet.replaceAll(`<mark>${term}</mark>`, '')).not.toMatch(/[<>"]/);
  });

  it('searches only what the caller may read: customers never find drafts or archived articles', async () => {
    const term = word();
    const live = await write({ title: `Live ${term}` });
    const draft = await write({ title: `Draft ${term}` }, false);
    const archived = await write({ title: `Old ${term}` });
    await api.as('agent').post(`/v1/kb/articles/${archived}/archive`);
    for (const role of ['customer', 'customer2'] as const) {
      expect((await search(`q=${term}`, role)).map((h) => h.article.id)).toEqual([live]);
      expect(await search(`q=${term}&status=draft`, role)).toEqual([]);
    }
    for (const role of ['agent', 'agent2', 'manager', 'admin'] as const) {
      const ids = (await search(`q=${term}`, role)).map((h) => h.article.id);
      expect(ids.sort()).toEqual([live, draft, archived].sort());
      const drafts = await search(`q=${term}&status=draft&status=archived`, role);
      expect(drafts.map((h) => h.article.id).sort()).toEqual([draft, archived].sort());
    }
  });

  it('pages through ranked results with a cursor, without repeats or gaps', async () => {
    const term = word();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await write({ title: i % 2 ? `${term} ${term}` : 'Same', body: `Mentions ${term} once.` }));
    const hits = await search(`q=${term}`);
    expect(hits.map((h) => h.article.id).sort()).toEqual([...ids].sort());
    const ranks = hits.map((h) => h.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    const page = await api.as('customer').get(`/v1/kb/search?q=${term}&limit=2`);
    const other = await api.as('customer').get(`/v1/kb/search?q=${term}x&limit=2&cursor=${page.body.next_cursor}`);
    expect(other.body.code).toBe('invalid_cursor');
  });

  it('filters by category and understands web-search syntax', async () => {
    const term = word();
    const category = (await api.as('admin').post('/v1/kb/categories', { name: 'S', slug: unique('s') })).body.id as string;
    const vpn = await write({ title: `${term} over VPN`, category_id: category });
    const wifi = await write({ title: `${term} over wifi` });
    expect((await search(`q=${term}&category_id=${category}`)).map((h) => h.article.id)).toEqual([vpn]);
    expect((await search(`q=${encodeURIComponent(`${term} -vpn`)}`)).map((h) => h.article.id)).toEqual([wifi]);
    expect((await search(`q=${encodeURIComponent(`"over wifi" ${term}`)}`)).map((h) => h.article.id)).toEqual([wifi]);
    // Stop words alone match nothing rather than everything.
    expect(await search('q=the')).toEqual([]);
  });

  it('answers bad queries with 400 problems', async () => {
    for (const query of [
      '',
      'q=',
      'q=%20%20',
      `q=${'x'.repeat(201)}`,
      'q=x&status=live',
      'q=x&category_id=1',
      'q=x&limit=0',
      'q=x&sort=rank',
    ]) {
      const res = await api.as('customer').get(`/v1/kb/search?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await api.as('customer').get('/v1/kb/search?q=x&cursor=abc')).body.code).toBe('invalid_cursor');
    for (const q of ['"', '& | !', '(((', "it's"]) {
      expect((await api.as('customer').get(`/v1/kb/search?q=${encodeURIComponent(q)}`)).status, q).toBe(200);
    }
  });

  it('needs kb:read for API keys and a caller', async () => {
    const key = await createApiKey(api, 'customer', ['kb:read']);
    expect((await api.withToken(key).get('/v1/kb/search?q=password')).status).toBe(200);
    const wrong = await createApiKey(api, 'customer', ['tickets:read']);
    expect((await api.withToken(wrong).get('/v1/kb/search?q=password')).body.code).toBe('insufficient_scope');
    expect((await api.anonymous().get('/v1/kb/search?q=password')).status).toBe(401);
  });
});
