import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/auth/api-keys.js';
import { HEADLINE_OPTIONS, SEARCH_SQL } from '../../src/api/insights/search.js';
import type { Queryable } from '../../src/db/database.js';
import { createApiHarness, type ApiHarness, type Client } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';

interface Result {
  type: 'ticket' | 'comment' | 'article';
  id: string;
  ticket_id: string | null;
  title: string;
  snippet: string;
  rank: number;
}

const ROLE: Record<UserKey, string> = {
  admin: 'admin', manager: 'manager', agent: 'agent', agent2: 'agent', customer: 'customer', customer2: 'customer', spare: 'customer',
};

describe.each(engines)('global search over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  /** Rows seeded for this suite, by name. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await createApiHarness(engine);
    const { users } = api.world;
    const { mine, foreign } = api.world.ids;
    // Written as the owner with the acting user bound, as the API would write them, so authors,
    // requesters and triggers are what they would be.
    await api.db.transaction(async (tx) => {
      const actAs = (user: UserKey) =>
        tx.query("select set_config('app.user_id', $1, true), set_config('app.role', $2, true)", [users[user], ROLE[user]]);
      const one = async (sql: string, params: unknown[]) => (await tx.query<{ id: string }>(sql, params)).rows[0]!.id;
      const comment = (ticketId: string, body: string, internal = false) =>
        one('insert into comments (ticket_id, body, is_internal) values ($1, $2, $3) returning id', [ticketId, body, internal]);

      await actAs('customer');
      ids.ownTicket = await one(
        "insert into tickets (title, description) values ('Quixotrelay outage', 'The quixotrelay keeps rebooting every hour') returning id", []);
      ids.publicComment = await comment(mine!, 'Is the quixotrelay fixed yet?');
      ids.deletedComment = await comment(mine!, 'Snarfwidget was a typo');
      await tx.query('update comments set deleted_at = now() where id = $1', [ids.deletedComment]);
      ids.htmlComment = await comment(mine!, `<script>alert('xss')</script> Htmlescapia & "quotes" <b>bold</b>`);
      await actAs('agent');
      ids.internalComment = await comment(mine!, 'Root cause: zorblaxian firmware in the quixotrelay', true);
      ids.draft = await one(
        "insert into kb_articles (title, slug, body) values ('Quixotrelay internals', 'quixotrelay-internals', 'Draftonly notes about the quixotrelay') returning id", []);
      ids.article = await one(
        "insert into kb_articles (title, slug, body, status) values ('Resetting a quixotrelay', 'resetting-a-quixotrelay', 'Hold the button for ten seconds', 'published') returning id", []);
      for (let i = 0; i < 7; i += 1) {
        await comment(mine!, `Paginatrix update ${i}: ${'paginatrix '.repeat(i + 1)}`, true);
      }
      await actAs('customer2');
      await tx.query("update tickets set description = 'The plonkulator smokes' where id = $1", [foreign]);
      ids.foreign = foreign!;
    });
  });
  afterAll(() => api.close());

  const search = async (client: Client, query: string) => {
    const res = await client.get<{ data: Result[]; next_cursor: string | null }>(`/v1/search?${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const idsFound = async (user: UserKey, q: string) => (await search(api.as(user), `q=${encodeURIComponent(q)}`)).data.map((r) => r.id);

  it('never shows a customer an internal note, which staff find', async () => {
    expect(await idsFound('customer', 'zorblaxian')).toEqual([]);
    for (const staff of ['agent', 'manager', 'admin'] as const) {
      const { data } = await search(api.as(staff), 'q=zorblaxian');
      expect(data, staff).toHaveLength(1);
      expect(data[0]).toMatchObject({ type: 'comment', id: ids.internalComment, ticket_id: api.world.ids.mine });
      expect(data[0]!.snippet).toContain('<mark>zorblaxian</mark>');
    }
  });

  it('never shows another customer\'s ticket, nor a ticket outside an agent\'s reach', async () => {
    const expected: Record<UserKey, boolean> = {
      customer: false, customer2: true, spare: false, agent: false, agent2: true, manager: false, admin: true,
    };
    for (const [user, finds] of Object.entries(expected) as [UserKey, boolean][]) {
      expect(await idsFound(user, 'plonkulator'), user).toEqual(finds ? [ids.foreign] : []);
    }
  });

  it('finds tickets, comments and articles a customer may read, ranked, and nothing else', async () => {
    const { data } = await search(api.as('customer'), 'q=quixotrelay');
    expect(data.map((r) => r.id).sort()).toEqual([ids.ownTicket, ids.publicComment, ids.article].sort());
    const ranks = data.map((r) => r.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    // A title match weighs more than a match in a comment body.
    expect(data[0]).toMatchObject({ type: 'ticket', id: ids.ownTicket, ticket_id: ids.ownTicket, title: 'Quixotrelay outage' });
    expect(data.find((r) => r.type === 'article')).toMatchObject({ ticket_id: null, title: 'Resetting a quixotrelay' });
    const comment = data.find((r) => r.type === 'comment')!;
    expect(comment.title).toBe((await api.db.query<{ title: string }>('select title from tickets where id = $1', [api.world.ids.mine])).rows[0]!.title);
    expect(comment.snippet).toBe('Is the <mark>quixotrelay</mark> fixed yet?');

    const asAgent = await idsFound('agent', 'quixotrelay');
    expect(asAgent).toEqual(expect.arrayContaining([ids.internalComment, ids.draft, ids.publicComment, ids.article]));
  });

  it('searches only the types asked for', async () => {
    const only = async (types: string) => (await search(api.as('agent'), `q=quixotrelay&types=${types}`)).data.map((r) => r.type);
    expect(new Set(await only('articles'))).toEqual(new Set(['article']));
    expect(new Set(await only('tickets,comments'))).toEqual(new Set(['ticket', 'comment']));
    expect(new Set(await only('comments&types=articles'))).toEqual(new Set(['comment', 'article']));
  });

  it('leaves deleted comments out, even for admins', async () => {
    expect(await idsFound('admin', 'snarfwidget')).toEqual([]);
    expect(await idsFound('customer', 'snarfwidget')).toEqual([]);
  });

  it('returns snippets that are safe HTML', async () => {
    const { data } = await search(api.as('customer'), 'q=htmlescapia');
    expect(data).toHaveLength(1);
    const { snippet } = data[0]!;
    expect(snippet).toContain('<mark>Htmlescapia</mark>');
    expect(snippet).toContain('&amp;');
    expect(snippet.replaceAll('<mark>', '').replaceAll('</mark>', '')).not.toMatch(/[<>]/);
  });

  it('pages through ranked results with a cursor, without gaps or repeats', async () => {
    const all = (await search(api.as('agent'), 'q=paginatrix&limit=50')).data;
    expect(all).toHaveLength(7);
    const paged: Result[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Result[]; next_cursor: string | null } = await search(
        api.as('agent'), `q=paginatrix&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(3);
      paged.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    // Repeating the word ranks a comment higher: the order is by relevance.
    expect(paged[0]!.snippet).toContain('update 6');
  });

  it('treats any text as words, never as syntax errors', async () => {
    for (const q of ['the', '"unbalanced -or OR :* & | ! (', "'; drop table tickets; --", '\\x00 %_']) {
      const res = await api.as('customer').get(`/v1/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    expect((await search(api.as('admin'), 'q=the')).data).toEqual([]);
  });

  it('answers bad input with 400 problems', async () => {
    const agent = api.as('agent');
    const cases: [string, string][] = [
      ['', 'q'],
      ['q=%20%20', 'q'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['q=x&types=users', 'types'],
      ['q=x&types=', 'types'],
      ['q=x&types=tickets,,comments', 'types'],
      ['q=x&limit=51', 'limit'],
      ['q=x&limit=0', 'limit'],
      ['q=x&sort=rank', ''],
    ];
    for (const [query, path] of cases) {
      const res = await agent.get(`/v1/search?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors.map((e: { path: string }) => e.path.split('.')[0]), query).toContain(path);
    }
    expect((await agent.get('/v1/search?q=x&cursor=zzz')).body.code).toBe('invalid_cursor');
    const first = await search(agent, 'q=paginatrix&limit=1');
    const reused = await agent.get(`/v1/search?q=quixotrelay&limit=1&cursor=${first.next_cursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('invalid_cursor');
  });

  it('needs tickets:read for API keys, and credentials', async () => {
    const key = async (scopes: string[]) => {
      const { key, prefix, hash } = generateApiKey();
      await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
        `search ${scopes.join(' ')}`, prefix, hash, api.world.users.customer, scopes]);
      return key;
    };
    const kbOnly = await api.withToken(await key(['kb:read'])).get('/v1/search?q=quixotrelay');
    expect(kbOnly.status).toBe(403);
    expect(kbOnly.body.code).toBe('insufficient_scope');
    const reader = await api.withToken(await key(['tickets:read'])).get('/v1/search?q=zorblaxian');
    expect(reader.status).toBe(200);
    expect(reader.body.data).toEqual([]);
    expect((await api.anonymous().get('/v1/search?q=x')).status).toBe(401);
  });

  it('runs each source as an index scan, under row-level security', async () => {
    const plan = await api.db.transaction(async (tx: Queryable) => {
      // The tables are tiny: without this the planner rightly prefers sequential scans.
      await tx.exec('set local enable_seqscan = off');
      await tx.exec('set local role ticketflow_app');
      await tx.query('select app.bind_actor($1)', [api.world.users.agent]);
      const { rows } = await tx.query<Record<string, string>>(`explain ${SEARCH_SQL}`, [
        'quixotrelay', true, true, true, null, null, null, 21, HEADLINE_OPTIONS]);
      return rows.map((row) => Object.values(row)[0]).join('\n');
    });
    for (const index of ['tickets_search_idx', 'comments_search_idx', 'kb_articles_search_idx']) expect(plan).toContain(index);
  });
});
