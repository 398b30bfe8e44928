/**
 * Global search against the mock through the SDK: what each caller may find (row-level security on
 * tickets, comments and articles), ranks and snippets as PostgreSQL computes them (the values here
 * are PostgreSQL's own for these texts), filters by type, paging, and the server's validation.
 */
import { describe, expect, it } from 'vitest';
import type { Ticketflow } from '../../src/index.js';
import { failure, useMock } from './support.js';

async function all<T>(page: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of page) out.push(item);
  return out;
}

describe('global search on the mock', () => {
  const { mock, client } = useMock();

  async function helpdesk() {
    const support = mock().seed.department({ name: 'Support' });
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'customer2', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent', department_id: support.id });
    const customer = client('customer');
    const agent = client('agent');
    const ticket = await customer.tickets.create({ title: 'Zebra printer jams', description: 'The zebra printer in room 4 jams on every label.' });
    await agent.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });
    const note = await agent.comments.create(ticket.id, { body: 'Zebra firmware is old', is_internal: true });
    const reply = await agent.comments.create(ticket.id, { body: 'We will update the zebra firmware' });
    const html = await customer.comments.create(ticket.id, { body: 'Use "quotes" & <b>zebra</b> tags, it\'s fine' });
    const gone = await customer.comments.create(ticket.id, { body: 'A zebra comment I regret' });
    await customer.comments.delete(ticket.id, gone.id);
    const other = await client('customer2').tickets.create({ title: 'My zebra too' });
    const published = await agent.kb.articles.create({ title: 'Zebra printers', slug: 'zebra-printers', body: 'Reset them.', status: 'published' });
    const draft = await agent.kb.articles.create({ title: 'Zebra drafts', slug: 'zebra-drafts', body: 'Soon.' });
    return { customer, agent, ticket, note, reply, html, other, published, draft };
  }

  const found = async (tf: Ticketflow, query: Parameters<Ticketflow['search']['query']>[0]) => (await all(tf.search.query({ ...query, limit: 1 }))).map((hit) => hit.id).sort();

  it('finds only what the caller may open, and never deleted comments', async () => {
    const { customer, agent, ticket, note, reply, html, other, published, draft } = await helpdesk();
    expect(await found(customer, { q: 'zebra' })).toEqual([ticket.id, reply.id, html.id, published.id].sort());
    expect(await found(agent, { q: 'zebra' })).toEqual([ticket.id, note.id, reply.id, html.id, other.id, published.id, draft.id].sort());
    expect(await found(client('customer2'), { q: 'zebra' })).toEqual([other.id, published.id].sort());
    expect(await found(customer, { q: 'zebra', types: ['comments'] })).toEqual([reply.id, html.id].sort());
    expect(await found(agent, { q: 'zebra', types: ['tickets', 'articles'] })).toEqual([ticket.id, other.id, published.id, draft.id].sort());
  });

  it('ranks and excerpts as PostgreSQL does, with safe HTML', async () => {
    const { customer, ticket, reply, html } = await helpdesk();
    const hits = await all(customer.search.query({ q: 'zebra', types: ['tickets', 'comments'] }));
    expect(hits.map((hit) => [hit.type, hit.id, hit.ticket_id, hit.title, hit.rank, hit.snippet])).toEqual([
      ['ticket', ticket.id, ticket.id, 'Zebra printer jams', 0.66871977, 'The <mark>zebra</mark> printer in room 4 jams on every label.'],
      // Equal ranks: by type, then id, descending.
      ...[
        ['comment', reply.id, ticket.id, 'Zebra printer jams', 0.06079271, 'We will update the <mark>zebra</mark> firmware'],
        ['comment', html.id, ticket.id, 'Zebra printer jams', 0.06079271, 'Use &quot;quotes&quot; &amp;  <mark>zebra</mark>  tags, it&#39;s fine'],
      ].sort((a, b) => (a[1]! < b[1]! ? 1 : -1)),
    ]);
    const titleOnly = await customer.search.query({ q: 'jams printer', types: ['tickets'] });
    expect(titleOnly.data.map((hit) => hit.snippet)).toEqual(['The zebra <mark>printer</mark> in room 4 <mark>jams</mark> on every label.']);
    // `connecting` and `connection` are one word to PostgreSQL's English stemmer, and to the mock's.
    await customer.tickets.create({ title: 'Connection lost', description: 'It keeps connecting and dropping.' });
    expect((await customer.search.query({ q: 'connections', types: ['tickets'] })).data.map((hit) => hit.title)).toEqual(['Connection lost']);
  });

  it('refuses what the server refuses', async () => {
    const { customer } = await helpdesk();
    const errors = async (query: Parameters<Ticketflow['search']['query']>[0]) => (await failure(customer.search.query(query))).problem?.errors?.map((error) => error.message);
    expect(await errors({ q: '   ' })).toEqual(['must not be blank']);
    expect(await errors({ q: 'zebra', types: ['users' as 'tickets'] })).toEqual(['must be tickets, comments or articles']);
    // The server's limit schema words every refusal so, 51 included.
    expect(await errors({ q: 'zebra', limit: 51 })).toEqual(['must be an integer']);
    expect((await customer.search.query({ q: 'the and of' })).data).toEqual([]);
  });
});
