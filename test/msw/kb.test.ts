/**
 * The knowledge base against the mock through the SDK: the category tree and its refusals, the
 * article workflow with versions, ETags and editor rights, readers' verdicts and the counters they
 * keep, and search — each with the server's codes and wording.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, PermissionDeniedError, type Ticketflow } from '../../src/index.js';
import { failure, useMock } from './support.js';

async function all<T>(page: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of page) out.push(item);
  return out;
}

const refusal = async (call: PromiseLike<unknown>) => {
  const error = await failure(call);
  return [error.status, error.code, error.problem?.detail];
};

describe('the knowledge base on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    for (const [key, role] of [['customer', 'customer'], ['customer2', 'customer'], ['agent', 'agent'], ['agent2', 'agent'], ['manager', 'manager']] as const) {
      mock().seed.user({ key, role, department_id: role === 'customer' ? null : support.id });
    }
    return { customer: client('customer'), customer2: client('customer2'), agent: client('agent'), agent2: client('agent2'), manager: client('manager') };
  }

  it('keeps the category tree in menu order, and refuses cycles, non-empty deletes and non-managers', async () => {
    const { customer, agent, manager } = people();
    const root = await manager.kb.categories.create({ name: '  Accounts  ', slug: 'accounts', sort_order: 2 });
    expect(root).toMatchObject({ name: 'Accounts', slug: 'accounts', parent_id: null, sort_order: 2, description: null });
    const b = await manager.kb.categories.create({ name: 'Passwords', slug: 'passwords', parent_id: root.id, sort_order: 1 });
    const a = await manager.kb.categories.create({ name: 'Logins', slug: 'logins', parent_id: root.id, sort_order: 1 });
    const first = await manager.kb.categories.create({ name: 'Billing', slug: 'billing', sort_order: 1 });

    expect((await all(customer.kb.categories.list({ limit: 1 }))).map((category) => category.name)).toEqual(['Billing', 'Logins', 'Passwords', 'Accounts']);
    expect((await all(customer.kb.categories.list({ parent_id: 'root' }))).map((category) => category.id)).toEqual([first.id, root.id]);
    expect((await all(customer.kb.categories.list({ parent_id: root.id }))).map((category) => category.id)).toEqual([a.id, b.id]);

    expect(await refusal(manager.kb.categories.update(root.id, { parent_id: b.id }))).toEqual([422, 'unprocessable', 'a knowledge-base category cannot be its own ancestor']);
    expect(await refusal(manager.kb.categories.update(root.id, { parent_id: root.id }))).toEqual([422, 'unprocessable', 'a knowledge-base category cannot be its own ancestor']);
    expect(await refusal(manager.kb.categories.create({ name: 'Again', slug: 'accounts' }))).toEqual([409, 'conflict', 'A record with these values already exists.']);
    expect(await refusal(manager.kb.categories.create({ name: 'Orphan', slug: 'orphan', parent_id: '00000000-0000-4000-8000-000000000001' }))).toEqual([
      422,
      'unprocessable',
      'parent_id does not refer to an existing record.',
    ]);
    const badSlug = await failure(manager.kb.categories.create({ name: 'X', slug: 'Not A Slug' }));
    expect(badSlug.problem?.errors).toEqual([{ location: 'body', path: 'slug', message: 'must be lower-case words joined by hyphens' }]);
    expect(await refusal(agent.kb.categories.create({ name: 'Mine', slug: 'mine' }))).toEqual([403, 'forbidden', 'You may not make this change.']);
    expect(await refusal(agent.kb.categories.update(a.id, { name: 'Mine' }))).toEqual([403, 'forbidden', 'Only managers and admins may change knowledge-base categories.']);
    expect(await refusal(manager.kb.categories.delete(root.id))).toEqual([409, 'conflict', 'The category still has subcategories: move or delete them first.']);

    const article = await agent.kb.articles.create({ title: 'Reset a login', slug: 'reset-login', body: 'Steps.', category_id: a.id });
    await manager.kb.categories.delete(a.id);
    // ON DELETE SET NULL: the article stays, without its category.
    expect((await agent.kb.articles.get(article.id)).category_id).toBeNull();
    expect(await refusal(customer.kb.categories.get(a.id))).toEqual([404, 'not_found', 'No knowledge-base category with this id.']);
  });

  it('takes an article from draft through published and archived, keeping a version per content change', async () => {
    const { customer, agent, agent2, manager } = people();
    const draft = await agent.kb.articles.create({ title: 'Reconnect the VPN', slug: 'reconnect-vpn', body: 'Press Connect.', tags: [' vpn ', 'network'] });
    expect(draft).toMatchObject({ status: 'draft', version: 1, tags: ['vpn', 'network'], source: 'manual', author_id: mock().user('agent').id, published_at: null });
    await expect(customer.kb.articles.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await refusal(customer.kb.articles.create({ title: 'Mine', slug: 'mine', body: 'x' }))).toEqual([403, 'forbidden', 'Only staff may write articles.']);

    const { data: read, response } = await agent.kb.articles.get(draft.id).withResponse();
    expect([read.body, response.headers.get('etag')]).toEqual(['Press Connect.', '"1"']);
    const edited = await agent.kb.articles.update(draft.id, { body: 'Open the client, press Connect.' }, { ifMatch: '"1"' });
    expect(edited.version).toBe(2);
    expect(await refusal(agent.kb.articles.update(draft.id, { title: 'Stale' }, { ifMatch: '"1"' }))).toEqual([
      412,
      'precondition_failed',
      'The article was changed by someone else: it is at version 2, not 1.',
    ]);
    // Tags and slugs are edits, not content: the version stays.
    expect((await agent.kb.articles.update(draft.id, { tags: ['vpn'] })).version).toBe(2);
    expect(await refusal(agent2.kb.articles.update(draft.id, { title: 'Not mine' }))).toEqual([
      403,
      'forbidden',
      'Agents may change only the articles they wrote; managers and admins may change any.',
    ]);

    const published = await agent.kb.articles.publish(draft.id);
    expect(published.status).toBe('published');
    expect(published.published_at).not.toBeNull();
    expect(await refusal(agent.kb.articles.publish(draft.id))).toEqual([409, 'invalid_transition', 'The article is already published.']);
    const seen = await customer.kb.articles.get(draft.id);
    const seenAgain = await customer.kb.articles.get(draft.id);
    // Reads count, but are not edits.
    expect([seen.view_count, seenAgain.view_count, seenAgain.updated_at]).toEqual([1, 2, published.updated_at]);

    const archived = await agent.kb.articles.archive(draft.id);
    expect(archived.archived_at).not.toBeNull();
    await expect(customer.kb.articles.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await agent.kb.articles.publish(draft.id)).archived_at).toBeNull();

    await agent.kb.articles.update(draft.id, { title: 'Reconnect the VPN client' });
    const versions = await all(agent.kb.versions.list(draft.id, { limit: 1 }));
    expect(versions.map((version) => [version.version, version.title, version.body, version.changed_by])).toEqual([
      [3, 'Reconnect the VPN client', 'Open the client, press Connect.', mock().user('agent').id],
      [2, 'Reconnect the VPN', 'Open the client, press Connect.', mock().user('agent').id],
      [1, 'Reconnect the VPN', 'Press Connect.', mock().user('agent').id],
    ]);
    expect(await refusal(agent.kb.versions.get(draft.id, 4))).toEqual([404, 'not_found', 'The article has no version 4; it is at version 3.']);
    expect(await refusal(customer.kb.versions.list(draft.id))).toEqual([403, 'forbidden', "Only staff may read an article's versions."]);
    expect(await refusal(customer.kb.versions.get(draft.id, 1))).toEqual([403, 'forbidden', "Only staff may read an article's versions."]);

    expect(await refusal(agent.kb.articles.delete(draft.id))).toEqual([403, 'forbidden', 'Only managers and admins may delete articles.']);
    await manager.kb.articles.delete(draft.id);
    expect(mock().db.kbArticleVersions.where((version) => version.article_id === draft.id)).toEqual([]);
    expect(mock().db.events.where((event) => event.type.startsWith('kb_article.')).map((event) => [event.type, event.is_internal, event.payload.status, event.payload.version])).toEqual([
      ['kb_article.created', true, 'draft', 1],
      ['kb_article.updated', true, 'draft', 2],
      ['kb_article.updated', false, 'published', 2],
      ['kb_article.updated', true, 'archived', 2],
      ['kb_article.updated', false, 'published', 2],
      ['kb_article.updated', false, 'published', 3],
    ]);
  });

  it('validates articles with the server’s messages', async () => {
    const { agent } = people();
    const errors = async (call: PromiseLike<unknown>) => (await failure(call)).problem?.errors?.map((error) => [error.path, error.message]);
    expect(await errors(agent.kb.articles.create({ title: '   ', slug: 'a', body: '   ' }))).toEqual([
      ['title', 'Too small: expected string to have >=1 characters'],
      ['body', 'must not be blank'],
    ]);
    expect(await errors(agent.kb.articles.create({ title: 't', slug: 'a', body: 'b', tags: ['vpn', ' vpn'] }))).toEqual([['tags', 'must not repeat a tag']]);
    expect(await errors(agent.kb.articles.update('00000000-0000-4000-8000-000000000001', {}))).toEqual([['', 'must change at least one field']]);
    await agent.kb.articles.create({ title: 't', slug: 'taken', body: 'b' });
    expect(await refusal(agent.kb.articles.create({ title: 't', slug: 'taken', body: 'b' }))).toEqual([409, 'conflict', 'A record with these values already exists.']);
  });

  it('takes one verdict per reader on published articles, keeps the counters, and shows readers their own', async () => {
    const { customer, customer2, agent } = people();
    const article = await agent.kb.articles.create({ title: 'Clear the cache', slug: 'cache', body: 'Press Ctrl+F5.', status: 'published' });
    const first = await customer.kb.feedback.submit(article.id, { helpful: false, comment: 'Did nothing' }).withResponse();
    const second = await customer.kb.feedback.submit(article.id, { helpful: true }).withResponse();
    expect([first.response.status, second.response.status, second.data.id === first.data.id, second.data.comment]).toEqual([201, 200, true, null]);
    await customer2.kb.feedback.submit(article.id, { helpful: false });
    const counted = await agent.kb.articles.get(article.id);
    expect([counted.helpful_votes, counted.unhelpful_votes, counted.version, counted.updated_at]).toEqual([1, 1, 1, article.updated_at]);
    expect((await all(agent.kb.feedback.list(article.id, { limit: 1 }))).length).toBe(2);
    expect((await all(agent.kb.feedback.list(article.id, { helpful: true }))).map((verdict) => verdict.user_id)).toEqual([mock().user('customer').id]);
    expect((await all(customer.kb.feedback.list(article.id))).map((verdict) => verdict.id)).toEqual([first.data.id]);

    const draft = await agent.kb.articles.create({ title: 'Soon', slug: 'soon', body: 'Soon.' });
    const early = await failure(agent.kb.feedback.submit(draft.id, { helpful: true }));
    expect(early).toBeInstanceOf(ConflictError);
    expect(early.problem?.detail).toBe('Only published articles take feedback; this one is draft.');
    await expect(customer.kb.feedback.submit(draft.id, { helpful: true })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('searches as PostgreSQL does: stems, ranks title over summary over body, marks the words, hides drafts from customers', async () => {
    const { customer, agent } = people();
    const inTitle = await agent.kb.articles.create({ title: 'Connecting printers', slug: 'title', body: 'Details here.', status: 'published' });
    const inSummary = await agent.kb.articles.create({ title: 'Other', slug: 'summary', summary: 'About printer connections', body: 'More details.', status: 'published' });
    const inBody = await agent.kb.articles.create({ title: 'Something', slug: 'body', body: 'When the printer & its connection fail, restart <b>now</b>.', status: 'published' });
    const hidden = await agent.kb.articles.create({ title: 'Printer connection (draft)', slug: 'draft', body: 'Draft.' });

    const hits = await all(customer.kb.search({ q: 'connected printer', limit: 1 }));
    expect(hits.map((hit) => hit.article.id)).toEqual([inTitle.id, inSummary.id, inBody.id]);
    // ts_rank's own values (checked against PostgreSQL for these texts).
    expect(hits.map((hit) => hit.rank)).toEqual([0.9910321831703186, 0.3964128792285919, 0.19700171053409576]);
    expect(hits[2]!.snippet).toBe('When the <mark>printer</mark> &amp; its <mark>connection</mark> fail, restart');
    expect(hits[1]!.article).not.toHaveProperty('body');

    expect((await agent.kb.search({ q: 'printer', status: ['draft'] })).data.map((hit) => hit.article.id)).toEqual([hidden.id]);
    expect((await customer.kb.search({ q: '"printer connection"' })).data.map((hit) => hit.article.id)).toEqual([inSummary.id]);
    expect((await customer.kb.search({ q: 'restart or details' })).data).toHaveLength(3);
    expect((await customer.kb.search({ q: 'printer -restart' })).data.map((hit) => hit.article.id).sort()).toEqual([inTitle.id, inSummary.id].sort());
    expect((await customer.kb.search({ q: 'the of and' })).data).toEqual([]);
    expect((await agent.kb.articles.list({ q: 'connections', status: ['published'] })).data.map((article) => article.id).sort()).toEqual(
      [inTitle.id, inSummary.id, inBody.id].sort(),
    );

    // A cursor belongs to its query (the SDK pages by itself, so the cursor goes by hand here).
    const page = await customer.kb.search({ q: 'printer', limit: 1 });
    const reused = await fetch(`${mock().baseUrl}/v1/kb/search?q=other&limit=1&cursor=${page.next_cursor!}`, { headers: mock().as('customer').headers });
    expect([reused.status, ((await reused.json()) as { detail: string }).detail]).toEqual([400, 'This cursor belongs to a list with other filters or another sort.']);
    expect((await failure(customer.kb.search({ q: '   ' }))).problem?.errors?.[0]).toEqual({ location: 'query', path: 'q', message: 'Too small: expected string to have >=1 characters' });
  });

  it('lists articles with the server’s filters and sorts', async () => {
    const { customer, agent } = people();
    const category = mock().seed.kbCategory({ name: 'Network' });
    const a = await agent.kb.articles.create({ title: 'A', slug: 'a', body: 'a', status: 'published', category_id: category.id, tags: ['vpn', 'wifi'] });
    mock().clock.advance(1000);
    const b = await agent.kb.articles.create({ title: 'B', slug: 'b', body: 'b', status: 'published', category_id: category.id, tags: ['vpn'] });
    mock().clock.advance(1000);
    const c = await agent.kb.articles.create({ title: 'C', slug: 'c', body: 'c', category_id: category.id });
    await customer.kb.feedback.submit(a.id, { helpful: true });
    const ids = async (tf: Ticketflow, query: Parameters<Ticketflow['kb']['articles']['list']>[0]) => (await all(tf.kb.articles.list({ ...query, limit: 1 }))).map((article) => article.id);
    expect(await ids(agent, { category_id: category.id })).toEqual([c.id, b.id, a.id]);
    expect(await ids(customer, { category_id: category.id })).toEqual([b.id, a.id]);
    expect(await ids(agent, { tag: ['vpn', 'wifi'] })).toEqual([a.id]);
    expect(await ids(agent, { sort: '-helpful', status: ['published'] })).toEqual([a.id, b.id]);
    // Never published sorts first going up (as -infinity).
    expect(await ids(agent, { sort: 'published_at' })).toEqual([c.id, a.id, b.id]);
    await expect(customer.kb.articles.list({ status: ['draft'] }).then((page) => page.data)).resolves.toEqual([]);
    await expect(customer.kb.articles.delete(a.id)).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('seeds categories, articles and verdicts through the same rules, and has the demo’s', () => {
    people();
    const article = mock().seed.article({ title: 'Seeded', status: 'archived', author: 'agent' });
    expect(article).toMatchObject({ status: 'archived', version: 1, author_id: mock().user('agent').id });
    expect(article.published_at).not.toBeNull();
    const live = mock().seed.article({ status: 'published' });
    mock().seed.articleFeedback(live.id, { by: 'customer', helpful: false });
    expect(mock().db.kbArticles.get(live.id)?.unhelpful_votes).toBe(1);
    expect(() => mock().seed.articleFeedback(article.id, { by: 'customer' })).toThrow('only published articles take feedback; this one is archived');
    expect(() => mock().seed.article({ author: 'customer' })).toThrow('its author must be a member of staff');
  });
});

describe('the demo knowledge base', () => {
  const { mock, client } = useMock({ scenario: 'demo' });

  it('holds the server’s demo categories and articles, one of them revised', async () => {
    const articles = await all(client('customer').kb.articles.list({ sort: 'published_at' }));
    expect(articles.map((article) => [article.slug, article.version])).toEqual([
      ['how-to-open-a-ticket', 1],
      ['vpn-authentication-failed', 2],
    ]);
    expect(mock().db.kbCategories.all().map((category) => category.slug)).toEqual(['getting-started', 'troubleshooting', 'networking']);
    expect((await client('agent').kb.search({ q: 'certificate' })).data[0]?.snippet).toContain('<mark>certificate</mark>');
  });
});
