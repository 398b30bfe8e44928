import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';
import { createApiKey, createTicket, MISSING_ID, ownerRows } from './comments-support.js';

interface Comment {
  id: string;
  ticket_id: string;
  author_id: string | null;
  body: string | null;
  is_internal: boolean;
  edited: boolean;
  edit_count: number;
  deleted_at: string | null;
}

describe.each(engines)('comments over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let ids: Record<string, string>;
  let comments: { publicMine: string; internalMine: string; publicForeign: string };
  beforeAll(async () => {
    api = await createApiHarness(engine);
    ids = api.world.ids;
    const rowId = (key: keyof typeof comments) => api.world.rows.comments![key]!.params[0] as string;
    comments = { publicMine: rowId('publicMine'), internalMine: rowId('internalMine'), publicForeign: rowId('publicForeign') };
  });
  afterAll(() => api.close());

  const commentsOf = (ticketId: string) => `/v1/tickets/${ticketId}/comments`;
  const listIds = async (user: UserKey, ticketId: string, query = '') => {
    const res = await api.as(user).get(`${commentsOf(ticketId)}${query}`);
    expect(res.status, res.text).toBe(200);
    return (res.body.data as Comment[]).map((comment) => comment.id);
  };

  /** A ticket of the customer's, assigned to the agent in the support department, as `mine` is. */
  const supportTicket = () => createTicket(api, 'customer', { assignee: 'agent', department: ids.support, team: ids.alpha });

  describe('listComments', () => {
    it('shows customers the public comments and staff the internal notes too (row-level security)', async () => {
      expect(await listIds('customer', ids.mine!)).toEqual([comments.publicMine]);
      for (const staff of ['agent', 'manager', 'admin'] as const) {
        // The world wrote both in one transaction: one timestamp, so the id decides their order.
        expect(await listIds(staff, ids.mine!)).toEqual([comments.publicMine, comments.internalMine].sort());
      }
    });

    it('answers 404 for a ticket the caller cannot see, as if it did not exist', async () => {
      for (const user of ['customer', 'agent', 'manager'] as const) {
        const res = await api.as(user).get(commentsOf(ids.foreign!));
        expect(res.status, user).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
      expect(await listIds('admin', ids.foreign!)).toEqual([comments.publicForeign]);
      expect((await api.as('admin').get(commentsOf(MISSING_ID))).status).toBe(404);
    });

    it('filters by visibility; a customer asking for internal notes gets none', async () => {
      expect(await listIds('agent', ids.mine!, '?visibility=internal')).toEqual([comments.internalMine]);
      expect(await listIds('agent', ids.mine!, '?visibility=public')).toEqual([comments.publicMine]);
      expect(await listIds('agent', ids.mine!, '?visibility=all')).toHaveLength(2);
      expect(await listIds('customer', ids.mine!, '?visibility=internal')).toEqual([]);
    });

    it('pages oldest first with a cursor bound to the filters', async () => {
      const ticket = await supportTicket();
      const posted: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await api.as(i % 2 ? 'agent' : 'customer').post(commentsOf(ticket), { body: `Message ${i}` });
        expect(res.status).toBe(201);
        posted.push(res.body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const page = await api.as('agent').get(`${commentsOf(ticket)}${query}`);
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((comment: Comment) => comment.id));
        cursor = page.body.next_cursor;
        pages += 1;
      } while (cursor);
      expect(seen).toEqual(posted);
      expect(pages).toBe(3);

      const first = await api.as('agent').get(`${commentsOf(ticket)}?limit=1`);
      const otherFilter = await api.as('agent').get(`${commentsOf(ticket)}?limit=1&visibility=public&cursor=${first.body.next_cursor}`);
      expect(otherFilter.status).toBe(400);
      expect(otherFilter.body.code).toBe('invalid_cursor');
      const otherTicket = await api.as('agent').get(`${commentsOf(ids.mine!)}?limit=1&cursor=${first.body.next_cursor}`);
      expect(otherTicket.body.code).toBe('invalid_cursor');
    });
  });

  describe('createComment', () => {
    it('lets the requester reply, with a Location, as the author', async () => {
      const res = await api.as('customer').post(commentsOf(ids.mine!), { body: 'Still broken after the restart.' });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`${commentsOf(ids.mine!)}/${res.body.id}`);
      expect(res.body).toMatchObject({
        ticket_id: ids.mine,
        author_id: api.world.users.customer,
        body: 'Still broken after the restart.',
        is_internal: false,
        edited: false,
        edit_count: 0,
        deleted_at: null,
      });
      expect(await listIds('agent', ids.mine!)).toContain(res.body.id);
    });

    it('refuses internal notes from customers in the database (403) and writes nothing', async () => {
      const ticket = await supportTicket();
      const res = await api.as('customer').post(commentsOf(ticket), { body: 'Psst', is_internal: true });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect(await ownerRows(api, 'select 1 from comments where ticket_id = $1', [ticket])).toHaveLength(0);
    });

    it('lets staff post internal notes that customers never see', async () => {
      const ticket = await supportTicket();
      const note = await api.as('agent').post(commentsOf(ticket), { body: 'Checked the logs', is_internal: true });
      expect(note.status).toBe(201);
      expect(note.body.is_internal).toBe(true);
      expect(await listIds('customer', ticket)).toEqual([]);
      expect((await api.as('customer').get(`${commentsOf(ticket)}/${note.body.id}`)).status).toBe(404);
      expect(await listIds('manager', ticket)).toEqual([note.body.id]);
    });

    it('refuses comments on tickets the caller cannot see (404), and lets agents reply on the open queue', async () => {
      for (const user of ['customer', 'agent', 'manager'] as const) {
        expect((await api.as(user).post(commentsOf(ids.foreign!), { body: 'Hi' })).status, user).toBe(404);
      }
      expect((await api.as('customer').post(commentsOf(ids.queue!), { body: 'Hi' })).status).toBe(404);
      expect((await api.as('agent').post(commentsOf(ids.queue!), { body: 'Looking into it' })).status).toBe(201);
      expect((await api.as('admin').post(commentsOf(ids.foreign!), { body: 'Admin here' })).status).toBe(201);
    });

    it('records the first public staff reply as the first response, and only that', async () => {
      const ticket = await supportTicket();
      const firstResponse = async () =>
        (await ownerRows<{ at: Date | null }>(api, 'select first_responded_at as at from tickets where id = $1', [ticket]))[0]!.at;
      await api.as('customer').post(commentsOf(ticket), { body: 'Hello?' });
      await api.as('agent').post(commentsOf(ticket), { body: 'Internal only', is_internal: true });
      expect(await firstResponse()).toBeNull();
      const reply = await api.as('agent').post(commentsOf(ticket), { body: 'On it.' });
      const recorded = await firstResponse();
      expect(recorded?.toISOString()).toBe(reply.body.created_at);
      await api.as('manager').post(commentsOf(ticket), { body: 'Me too.' });
      expect((await firstResponse())?.toISOString()).toBe(recorded?.toISOString());
    });

    it('replays a request with the same Idempotency-Key, and refuses the key for another body', async () => {
      const ticket = await supportTicket();
      const headers = { 'idempotency-key': `comment-${ticket}` };
      const first = await api.as('customer').post(commentsOf(ticket), { body: 'Once' }, { headers });
      const again = await api.as('customer').post(commentsOf(ticket), { body: 'Once' }, { headers });
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await listIds('customer', ticket)).toEqual([first.body.id]);
      const other = await api.as('customer').post(commentsOf(ticket), { body: 'Twice' }, { headers });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
    });
  });

  describe('getComment', () => {
    it('returns a comment the caller can see, and 404 for internal notes to customers', async () => {
      const res = await api.as('customer').get(`${commentsOf(ids.mine!)}/${comments.publicMine}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: comments.publicMine, body: 'Any news?', author_id: api.world.users.customer });
      expect((await api.as('customer').get(`${commentsOf(ids.mine!)}/${comments.internalMine}`)).status).toBe(404);
      const note = await api.as('agent').get(`${commentsOf(ids.mine!)}/${comments.internalMine}`);
      expect(note.body).toMatchObject({ is_internal: true, body: 'Internal note' });
    });

    it('answers 404 for a comment under another ticket, on an invisible ticket, or unknown', async () => {
      expect((await api.as('admin').get(`${commentsOf(ids.foreign!)}/${comments.publicMine}`)).status).toBe(404);
      expect((await api.as('agent').get(`${commentsOf(ids.foreign!)}/${comments.publicForeign}`)).status).toBe(404);
      expect((await api.as('customer').get(`${commentsOf(ids.foreign!)}/${comments.publicForeign}`)).status).toBe(404);
      expect((await api.as('admin').get(`${commentsOf(ids.mine!)}/${MISSING_ID}`)).status).toBe(404);
    });
  });

  describe('updateComment', () => {
    it('lets the author edit the body, marking it edited; an unchanged body is not an edit', async () => {
      const ticket = await supportTicket();
      const posted = await api.as('customer').post(commentsOf(ticket), { body: 'Typo hre' });
      const path = `${commentsOf(ticket)}/${posted.body.id}`;
      const edited = await api.as('customer').patch(path, { body: 'Typo here' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ body: 'Typo here', edited: true, edit_count: 1, created_at: posted.body.created_at });
      const same = await api.as('customer').patch(path, { body: 'Typo here' });
      expect(same.body.edit_count).toBe(1);
      expect((await api.as('customer').patch(path, { body: 'Typo here!' })).body.edit_count).toBe(2);
      expect((await api.as('agent').get(path)).body.body).toBe('Typo here!');
    });

    it('refuses edits by anyone but the author or an admin (403), and hides internal notes from customers (404)', async () => {
      const base = commentsOf(ids.mine!);
      for (const user of ['agent', 'manager'] as const) {
        const res = await api.as(user).patch(`${base}/${comments.publicMine}`, { body: 'Rewritten' });
        expect(res.status, user).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      expect((await api.as('manager').patch(`${base}/${comments.internalMine}`, { body: 'Rewritten' })).status).toBe(403);
      expect((await api.as('customer').patch(`${base}/${comments.internalMine}`, { body: 'Rewritten' })).status).toBe(404);
      expect((await api.as('customer2').patch(`${base}/${comments.publicMine}`, { body: 'Rewritten' })).status).toBe(404);
      const note = await api.as('agent').post(commentsOf(ids.mine!), { body: 'Internal', is_internal: true });
      const own = await api.as('agent').patch(`${base}/${note.body.id}`, { body: 'Internal (checked)' });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ is_internal: true, edited: true });
      const theirs = await api.as('customer2').post(commentsOf(ids.foreign!), { body: 'Hello again?' });
      const byAdmin = await api.as('admin').patch(`${commentsOf(ids.foreign!)}/${theirs.body.id}`, { body: 'Hello again? (edited)' });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.author_id).toBe(api.world.users.customer2);
      const unchanged = await ownerRows<{ body: string }>(api, 'select body from comments where id = $1', [comments.publicMine]);
      expect(unchanged[0]!.body).toBe('Any news?');
    });
  });

  describe('deleteComment', () => {
    it('soft-deletes for the author: a tombstone for them and staff, gone for everyone else', async () => {
      const ticket = await supportTicket();
      const kept = await api.as('customer').post(commentsOf(ticket), { body: 'Keep me' });
      const doomed = await api.as('customer').post(commentsOf(ticket), { body: 'Oops, my password is hunter2' });
      const path = `${commentsOf(ticket)}/${doomed.body.id}`;
      expect((await api.as('customer').delete(path)).status).toBe(204);

      expect(await listIds('customer', ticket)).toEqual([kept.body.id]);
      expect(await listIds('agent', ticket)).toEqual([kept.body.id]);
      const withDeleted = await api.as('agent').get(`${commentsOf(ticket)}?include_deleted=true`);
      expect(withDeleted.body.data.map((c: Comment) => c.id)).toEqual([kept.body.id, doomed.body.id]);
      const tombstone = withDeleted.body.data[1] as Comment;
      expect(tombstone.body).toBeNull();
      expect(tombstone.deleted_at).not.toBeNull();
      expect(withDeleted.text).not.toContain('hunter2');
      const own = await api.as('customer').get(path);
      expect(own.status).toBe(200);
      expect(own.body.body).toBeNull();

      const edit = await api.as('customer').patch(path, { body: 'Back' });
      expect(edit.status).toBe(409);
      expect(edit.body.code).toBe('conflict');
      expect((await api.as('customer').delete(path)).status).toBe(204);
      const rows = await ownerRows<{ deleted_at: Date | null }>(api, 'select deleted_at from comments where id = $1', [doomed.body.id]);
      expect(rows[0]!.deleted_at?.toISOString()).toBe(own.body.deleted_at);
    });

    it("hides staff's deleted comments from customers entirely", async () => {
      const ticket = await supportTicket();
      const reply = await api.as('agent').post(commentsOf(ticket), { body: 'Wrong ticket, sorry' });
      expect((await api.as('agent').delete(`${commentsOf(ticket)}/${reply.body.id}`)).status).toBe(204);
      expect((await api.as('customer').get(`${commentsOf(ticket)}/${reply.body.id}`)).status).toBe(404);
      expect(await listIds('customer', ticket, '?include_deleted=true')).toEqual([]);
      expect(await listIds('manager', ticket, '?include_deleted=true')).toEqual([reply.body.id]);
    });

    it('refuses deletes by anyone but the author or an admin', async () => {
      const ticket = await supportTicket();
      const fromCustomer = await api.as('customer').post(commentsOf(ticket), { body: 'Mine' });
      const fromAgent = await api.as('agent').post(commentsOf(ticket), { body: 'Note', is_internal: true });
      expect((await api.as('agent').delete(`${commentsOf(ticket)}/${fromCustomer.body.id}`)).status).toBe(403);
      expect((await api.as('manager').delete(`${commentsOf(ticket)}/${fromAgent.body.id}`)).status).toBe(403);
      expect((await api.as('customer').delete(`${commentsOf(ticket)}/${fromAgent.body.id}`)).status).toBe(404);
      expect((await api.as('customer2').delete(`${commentsOf(ticket)}/${fromCustomer.body.id}`)).status).toBe(404);
      expect((await api.as('admin').delete(`${commentsOf(ticket)}/${fromCustomer.body.id}`)).status).toBe(204);
      expect((await api.as('admin').delete(`${commentsOf(ticket)}/${MISSING_ID}`)).status).toBe(404);
      expect(await listIds('agent', ticket)).toEqual([fromAgent.body.id]);
    });
  });

  describe('bad input', () => {
    it('answers invalid bodies with 400 problems naming the field', async () => {
      const customer = api.as('customer');
      const cases = [
        { body: {}, path: 'body' },
        { body: { body: '' }, path: 'body' },
        { body: { body: '   \n' }, path: 'body' },
        { body: { body: 42 }, path: 'body' },
        { body: { body: 'x'.repeat(100_001) }, path: 'body' },
        { body: { body: 'Hi', is_internal: 'yes' }, path: 'is_internal' },
        { body: { body: 'Hi', author_id: api.world.users.agent }, path: '' },
        { body: ['Hi'], path: '' },
        { body: null, path: '' },
      ];
      for (const { body, path } of cases) {
        const res = await customer.request('POST', commentsOf(ids.mine!), { raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        expect(res.status, JSON.stringify(body).slice(0, 50)).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      }
      const patchCases = [{}, { body: '' }, { body: 'Hi', is_internal: true }, { is_internal: true }];
      for (const body of patchCases) {
        const res = await customer.patch(`${commentsOf(ids.mine!)}/${comments.publicMine}`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
    });

    it('answers malformed JSON, other content types and bad ids with 4xx, never 500', async () => {
      const customer = api.as('customer');
      const malformed = await customer.request('POST', commentsOf(ids.mine!), { raw: '{"body":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('malformed_request');
      const form = await customer.request('POST', commentsOf(ids.mine!), { raw: 'body=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.status).toBe(415);
      const patchText = await customer.request('PATCH', `${commentsOf(ids.mine!)}/${comments.publicMine}`, { raw: 'hi', headers: { 'content-type': 'text/plain' } });
      expect(patchText.status).toBe(415);
      const badTicket = await customer.get(commentsOf('not-a-uuid'));
      expect(badTicket.status).toBe(400);
      expect(badTicket.body.errors[0]).toMatchObject({ location: 'path', path: 'ticket_id' });
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await customer.request(method, `${commentsOf(ids.mine!)}/42`, method === 'PATCH' ? { json: { body: 'x' } } : {});
        expect(res.status, method).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ location: 'path', path: 'comment_id' });
      }
    });

    it('refuses unknown or invalid query parameters and foreign cursors', async () => {
      const agent = api.as('agent');
      for (const query of ['?visibility=secret', '?include_deleted=maybe', '?limit=0', '?limit=101', '?limit=x', '?sort=desc']) {
        const res = await agent.get(`${commentsOf(ids.mine!)}${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      const garbage = await agent.get(`${commentsOf(ids.mine!)}?cursor=not-a-cursor`);
      expect(garbage.body.code).toBe('invalid_cursor');
    });
  });

  describe('credentials and scopes', () => {
    it('refuses anonymous callers and API keys without the tickets scope', async () => {
      expect((await api.anonymous().get(commentsOf(ids.mine!))).status).toBe(401);
      const reader = api.withToken(await createApiKey(api, 'agent', ['tickets:read']));
      expect((await reader.get(commentsOf(ids.mine!))).status).toBe(200);
      const write = await reader.post(commentsOf(ids.mine!), { body: 'Hi' });
      expect(write.status).toBe(403);
      expect(write.body.code).toBe('insufficient_scope');
      const unrelated = api.withToken(await createApiKey(api, 'agent', ['kb:read']));
      expect((await unrelated.get(`${commentsOf(ids.mine!)}/${comments.publicMine}`)).body.code).toBe('insufficient_scope');
      const writer = api.withToken(await createApiKey(api, 'agent', ['tickets:write']));
      expect((await writer.post(commentsOf(ids.mine!), { body: 'Via the API' })).status).toBe(201);
    });
  });
});
