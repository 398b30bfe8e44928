/**
 * Reading and deleting attachments over HTTP: lists, metadata, downloads and soft deletes, as each
 * role; customers never reach the files of internal notes or of other customers' tickets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../src/api/attachments/content-disposition.js';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import type { UserKey } from '../support/world.js';
import { createApiKey, createTicket, MISSING_ID, multipart, ownerRows, rawRequest, sha256, text } from './comments-support.js';

interface Attachment {
  id: string;
  ticket_id: string;
  comment_id: string | null;
  deleted_at: string | null;
  content_url: string;
  sha256: string;
}

describe('attachmentDisposition', () => {
  it('offers a safe ASCII name and the exact name in UTF-8', () => {
    expect(attachmentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
    expect(attachmentDisposition('a "quoted" \\ 100%.txt')).toBe(
      `attachment; filename="a _quoted_ _ 100_.txt"; filename*=UTF-8''a%20%22quoted%22%20%5C%20100%25.txt`,
    );
    expect(attachmentDisposition("it's (1)*.txt")).toBe(`attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`);
    const header = attachmentDisposition('日本語.txt');
    expect(header).toBe(`attachment; filename="___.txt"; filename*=UTF-8''${encodeURIComponent('日本語.txt')}`);
  });
});

describe.each(engines)('attachments over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let ids: Record<string, string>;
  let files: { mineFile: string; internalFile: string; foreignFile: string };
  beforeAll(async () => {
    api = await createApiHarness(engine);
    ids = api.world.ids;
    const rowId = (key: keyof typeof files) => api.world.rows.attachments![key]!.params[0] as string;
    files = { mineFile: rowId('mineFile'), internalFile: rowId('internalFile'), foreignFile: rowId('foreignFile') };
  });
  afterAll(() => api.close());

  const ticketFiles = (ticketId: string) => `/v1/tickets/${ticketId}/attachments`;
  const commentFiles = (ticketId: string, commentId: string) => `/v1/tickets/${ticketId}/comments/${commentId}/attachments`;
  const supportTicket = () => createTicket(api, 'customer', { assignee: 'agent', department: ids.support, team: ids.alpha });
  const listIds = async (user: UserKey, path: string) => {
    const res = await api.as(user).get(path);
    expect(res.status, res.text).toBe(200);
    return (res.body.data as Attachment[]).map((file) => file.id);
  };
  const upload = async (user: UserKey, path: string, bytes: Uint8Array, name = 'note.txt') => {
    const body = await multipart([{ bytes, name }]);
    const res = await api.as(user).request('POST', path, { raw: body.raw, headers: body.headers });
    expect(res.status, res.text).toBe(201);
    return res.body as Attachment;
  };

  describe('listTicketAttachments', () => {
    it("shows the ticket's and its comments' files, without internal notes' files for customers", async () => {
      expect(await listIds('customer', ticketFiles(ids.mine!))).toEqual([files.mineFile]);
      for (const staff of ['agent', 'manager', 'admin'] as const) {
        expect(new Set(await listIds(staff, ticketFiles(ids.mine!))), staff).toEqual(new Set([files.mineFile, files.internalFile]));
      }
      const internal = (await api.as('agent').get(ticketFiles(ids.mine!))).body.data.find((file: Attachment) => file.id === files.internalFile);
      expect(internal).toMatchObject({ ticket_id: ids.mine, comment_id: ids.internalMine });
    });

    it('answers 404 for a ticket the caller cannot see', async () => {
      for (const user of ['customer', 'agent', 'manager'] as const) {
        expect((await api.as(user).get(ticketFiles(ids.foreign!))).status, user).toBe(404);
      }
      expect(await listIds('admin', ticketFiles(ids.foreign!))).toEqual([files.foreignFile]);
      expect((await api.as('admin').get(ticketFiles(MISSING_ID))).status).toBe(404);
    });

    it('pages oldest first, and leaves out deleted files and the files of deleted comments unless asked', async () => {
      const ticket = await supportTicket();
      const reply = await api.as('customer').post(`/v1/tickets/${ticket}/comments`, { body: 'Logs attached' });
      const uploaded: Attachment[] = [];
      for (let i = 0; i < 3; i++) uploaded.push(await upload('customer', ticketFiles(ticket), text(`file ${i} of ${ticket}`)));
      uploaded.push(await upload('customer', commentFiles(ticket, reply.body.id), text(`comment file of ${ticket}`)));

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
        const page = await api.as('agent').get(`${ticketFiles(ticket)}${query}`);
        expect(page.body.data.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.data.map((file: Attachment) => file.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(uploaded.map((file) => file.id));

      expect((await api.as('customer').delete(`/v1/attachments/${uploaded[0]!.id}`)).status).toBe(204);
      expect((await api.as('customer').delete(`/v1/tickets/${ticket}/comments/${reply.body.id}`)).status).toBe(204);
      const standing = [uploaded[1]!.id, uploaded[2]!.id];
      expect(await listIds('customer', ticketFiles(ticket))).toEqual(standing);
      expect(await listIds('agent', ticketFiles(ticket))).toEqual(standing);
      expect(await listIds('agent', `${ticketFiles(ticket)}?include_deleted=true`)).toEqual(uploaded.map((file) => file.id));
      // The customer deleted both themselves, so they may still see them as deleted.
      expect(await listIds('customer', `${ticketFiles(ticket)}?include_deleted=true`)).toEqual(uploaded.map((file) => file.id));
      // A deleted comment takes its file with it: the metadata stays for staff, the content is not served.
      const ofDeletedComment = uploaded[3]!;
      expect((await api.as('agent').get(`/v1/attachments/${ofDeletedComment.id}`)).body.deleted_at).toBeNull();
      const content = await api.as('agent').get(ofDeletedComment.content_url);
      expect(content.status).toBe(404);
      expect(content.body.detail).toMatch(/comment .* was deleted/);

      const first = await api.as('agent').get(`${ticketFiles(ticket)}?limit=1`);
      const reused = await api.as('agent').get(`${ticketFiles(ticket)}?limit=1&include_deleted=true&cursor=${first.body.next_cursor}`);
      expect(reused.body.code).toBe('invalid_cursor');
    });
  });

  describe('listCommentAttachments', () => {
    it("lists one comment's files; an internal note is 404 to customers", async () => {
      expect((await api.as('customer').get(commentFiles(ids.mine!, ids.internalMine!))).status).toBe(404);
      expect(await listIds('agent', commentFiles(ids.mine!, ids.internalMine!))).toEqual([files.internalFile]);
      const publicMine = api.world.rows.comments!.publicMine!.params[0] as string;
      expect(await listIds('customer', commentFiles(ids.mine!, publicMine))).toEqual([]);
      expect((await api.as('agent').get(commentFiles(ids.foreign!, ids.internalMine!))).status).toBe(404);
      expect((await api.as('admin').get(commentFiles(ids.mine!, MISSING_ID))).status).toBe(404);
    });
  });

  describe('getAttachment', () => {
    it('returns the metadata of files the caller can see, and 404 for the rest', async () => {
      const mine = await api.as('customer').get(`/v1/attachments/${files.mineFile}`);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: files.mineFile, ticket_id: ids.mine, comment_id: null, file_name: 'a.log', size_bytes: 3 });
      const expectations: [UserKey, string, number][] = [
        ['customer', files.internalFile, 404],
        ['customer', files.foreignFile, 404],
        ['customer2', files.mineFile, 404],
        ['agent', files.internalFile, 200],
        ['agent', files.foreignFile, 404],
        ['manager', files.foreignFile, 404],
        ['agent2', files.foreignFile, 200],
        ['admin', files.foreignFile, 200],
        ['admin', MISSING_ID, 404],
      ];
      for (const [user, id, status] of expectations) {
        expect((await api.as(user).get(`/v1/attachments/${id}`)).status, `${user} ${id}`).toBe(status);
      }
    });
  });

  describe('downloadAttachment', () => {
    it('streams the bytes with safe headers, and answers 304 to a matching If-None-Match', async () => {
      const ticket = await supportTicket();
      const bytes = text(`<html><script>alert(1)</script></html> ${ticket}`);
      const file = await upload('customer', ticketFiles(ticket), bytes, 'page.html');
      const res = await api.as('agent').get(file.content_url);
      expect(res.status).toBe(200);
      expect(res.text).toBe(new TextDecoder().decode(bytes));
      expect(res.headers.get('content-type')).toBe('text/plain');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(res.headers.get('etag')).toBe(`"${sha256(bytes)}"`);

      const cached = await api.as('customer').get(file.content_url, { headers: { 'if-none-match': `"${sha256(bytes)}"` } });
      expect(cached.status).toBe(304);
      expect(cached.text).toBe('');
      expect(cached.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
      const stale = await api.as('customer').get(file.content_url, { headers: { 'if-none-match': '"0000", W/"1111"' } });
      expect(stale.status).toBe(200);
      // A cached copy is no way around permissions.
      const outsider = await api.as('customer2').get(file.content_url, { headers: { 'if-none-match': `"${sha256(bytes)}"` } });
      expect(outsider.status).toBe(404);
    });

    it("answers 404 to customers for an internal note's file and for other customers' files", async () => {
      const ticket = await supportTicket();
      const note = await api.as('agent').post(`/v1/tickets/${ticket}/comments`, { body: 'Internal', is_internal: true });
      const file = await upload('agent', commentFiles(ticket, note.body.id), text(`staff eyes only ${ticket}`));
      expect((await rawRequest(api, 'customer', 'GET', file.content_url)).status).toBe(404);
      expect((await rawRequest(api, 'manager', 'GET', file.content_url)).status).toBe(200);
      const own = await upload('customer', ticketFiles(ticket), text(`customer file ${ticket}`));
      expect((await rawRequest(api, 'customer2', 'GET', own.content_url)).status).toBe(404);
      expect((await rawRequest(api, 'agent2', 'GET', own.content_url)).status).toBe(404);
    });

    it('answers 404 when the bytes are missing from storage, and logs it', async () => {
      // The world's rows were written without bytes.
      const res = await api.as('customer').get(`/v1/attachments/${files.mineFile}/content`);
      expect(res.status).toBe(404);
      expect(api.logger.entries.some((entry) => entry.message === 'attachment content missing from storage' && entry.fields.attachment_id === files.mineFile)).toBe(true);
    });
  });

  describe('deleteAttachment', () => {
    it('soft-deletes for the uploader: metadata stays, content is no longer served, bytes stay for other rows', async () => {
      const ticket = await supportTicket();
      const bytes = text(`shared bytes ${ticket}`);
      const doomed = await upload('customer', ticketFiles(ticket), bytes, 'one.txt');
      const twin = await upload('agent', ticketFiles(ticket), bytes, 'two.txt');
      expect((await api.as('customer').delete(`/v1/attachments/${doomed.id}`)).status).toBe(204);

      const meta = await api.as('agent').get(`/v1/attachments/${doomed.id}`);
      expect(meta.status).toBe(200);
      expect(meta.body.deleted_at).not.toBeNull();
      const gone = await api.as('agent').get(doomed.content_url);
      expect(gone.status).toBe(404);
      expect(gone.body.detail).toMatch(/deleted/);
      const other = await rawRequest(api, 'customer', 'GET', twin.content_url);
      expect(other.bytes).toEqual(bytes);
      expect(api.storage.keys().filter((key) => key.includes(sha256(bytes)))).toHaveLength(1);
      expect((await api.as('customer').delete(`/v1/attachments/${doomed.id}`)).status).toBe(204);
      const row = await ownerRows<{ deleted_at: Date }>(api, 'select deleted_at from attachments where id = $1', [doomed.id]);
      expect(row[0]!.deleted_at.toISOString()).toBe(meta.body.deleted_at);
    });

    it("refuses anyone but the uploader or an admin (403), and hides others' files (404)", async () => {
      const ticket = await supportTicket();
      const file = await upload('customer', ticketFiles(ticket), text(`keep ${ticket}`));
      for (const user of ['agent', 'manager'] as const) {
        const res = await api.as(user).delete(`/v1/attachments/${file.id}`);
        expect(res.status, user).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
      expect((await api.as('customer2').delete(`/v1/attachments/${file.id}`)).status).toBe(404);
      expect((await api.as('customer').delete(`/v1/attachments/${files.internalFile}`)).status).toBe(404);
      expect((await api.as('agent').delete(`/v1/attachments/${MISSING_ID}`)).status).toBe(404);
      expect((await api.as('customer').get(`/v1/attachments/${file.id}`)).body.deleted_at).toBeNull();
      expect((await api.as('admin').delete(`/v1/attachments/${file.id}`)).status).toBe(204);
      // The uploader still sees their file, as deleted; its content is no longer served.
      expect((await api.as('customer').get(`/v1/attachments/${file.id}`)).body.deleted_at).not.toBeNull();
      expect((await api.as('customer').get(file.content_url)).status).toBe(404);
    });
  });

  describe('bad input and credentials', () => {
    it('answers bad ids and parameters with 400', async () => {
      const agent = api.as('agent');
      for (const path of ['/v1/attachments/nope', '/v1/attachments/nope/content', `${ticketFiles('nope')}`, commentFiles(ids.mine!, 'nope')]) {
        const res = await agent.get(path);
        expect(res.status, path).toBe(400);
        expect(res.body.errors[0].location).toBe('path');
      }
      expect((await agent.delete('/v1/attachments/12345')).status).toBe(400);
      for (const query of ['?include_deleted=yes', '?limit=0', '?order=desc', '?cursor=garbage']) {
        const res = await agent.get(`${ticketFiles(ids.mine!)}${query}`);
        expect(res.status, query).toBe(400);
      }
    });

    it('refuses anonymous callers and API keys without the tickets scope', async () => {
      expect((await api.anonymous().get(`/v1/attachments/${files.mineFile}`)).status).toBe(401);
      const kb = api.withToken(await createApiKey(api, 'customer', ['kb:read']));
      expect((await kb.get(`/v1/attachments/${files.mineFile}`)).body.code).toBe('insufficient_scope');
      const reader = api.withToken(await createApiKey(api, 'customer', ['tickets:read']));
      expect((await reader.get(`/v1/attachments/${files.mineFile}`)).status).toBe(200);
      expect((await reader.get(ticketFiles(ids.mine!))).status).toBe(200);
      expect((await reader.delete(`/v1/attachments/${files.mineFile}`)).body.code).toBe('insufficient_scope');
    });
  });
});
