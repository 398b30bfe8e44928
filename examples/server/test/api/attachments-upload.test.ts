/**
 * Uploading attachments over HTTP: what is stored and served, deduplication, every refusal, and
 * that a refused upload leaves neither a row nor bytes behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';
import { memoryStorage } from '../../src/storage.js';
import { createApiKey, createTicket, EXE, multipart, ownerRows, PNG, rawRequest, sha256, text, type FilePart } from './comments-support.js';

const BOUNDARY = 'ticketflow-upload-boundary';

/** A multipart body whose file is generated chunk by chunk only as the server pulls it. */
function lazyUpload(fileBytes: number, chunkBytes = 256) {
  const head = text(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = text(`\r\n--${BOUNDARY}--\r\n`);
  const state = { pulled: 0, cancelled: false };
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent < 0) {
        controller.enqueue(head);
        sent = 0;
      } else if (sent < fileBytes) {
        const size = Math.min(chunkBytes, fileBytes - sent);
        sent += size;
        state.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(0x61));
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state, contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

describe.each(engines)('uploading attachments over HTTP (%s)', (engine) => {
  let api: ApiHarness;
  let ids: Record<string, string>;
  beforeAll(async () => {
    api = await createApiHarness(engine);
    ids = api.world.ids;
  });
  afterAll(() => api.close());

  const ticketFiles = (ticketId: string) => `/v1/tickets/${ticketId}/attachments`;
  const commentFiles = (ticketId: string, commentId: string) => `/v1/tickets/${ticketId}/comments/${commentId}/attachments`;
  const supportTicket = () => createTicket(api, 'customer', { assignee: 'agent', department: ids.support, team: ids.alpha });
  const rowsFor = (ticketId: string) =>
    ownerRows<{ id: string; storage_key: string }>(
      api,
      'select a.id, a.storage_key from attachments a left join comments c on c.id = a.comment_id where a.ticket_id = $1 or c.ticket_id = $1',
      [ticketId],
    );

  const upload = async (user: Parameters<ApiHarness['as']>[0], path: string, files: FilePart[], fields: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const body = await multipart(files, fields);
    return api.as(user).request('POST', path, { raw: body.raw, headers: { ...body.headers, ...headers } });
  };

  describe('uploadAttachment', () => {
    it('stores the file, answers its metadata with a Location, and serves the identical bytes', async () => {
      const ticket = await supportTicket();
      const res = await upload('customer', ticketFiles(ticket), [{ bytes: PNG, name: 'error.png', type: 'image/png' }], { description: 'The error dialog' });
      expect(res.status, res.text).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/attachments/${res.body.id}`);
      expect(res.body).toMatchObject({
        ticket_id: ticket,
        comment_id: null,
        file_name: 'error.png',
        mime_type: 'image/png',
        size_bytes: PNG.byteLength,
        sha256: sha256(PNG),
        description: 'The error dialog',
        uploaded_by: api.world.users.customer,
        deleted_at: null,
        content_url: `/v1/attachments/${res.body.id}/content`,
      });
      const stored = await ownerRows<{ storage_key: string; storage_provider: string }>(
        api,
        'select storage_key, storage_provider from attachments where id = $1',
        [res.body.id],
      );
      expect(stored[0]).toEqual({ storage_key: expect.stringContaining(sha256(PNG)), storage_provider: 'memory' });

      const download = await rawRequest(api, 'agent', 'GET', res.body.content_url);
      expect(download.status).toBe(200);
      expect(download.bytes).toEqual(PNG);
      expect(sha256(download.bytes)).toBe(res.body.sha256);
      expect(download.headers.get('content-type')).toBe('image/png');
      expect(download.headers.get('content-length')).toBe(String(PNG.byteLength));
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="error.png"; filename*=UTF-8''error.png`);
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
      expect(download.headers.get('etag')).toBe(`"${sha256(PNG)}"`);
    });

    it('detects the type of an undeclared file, and keeps a non-ASCII name exactly', async () => {
      const ticket = await supportTicket();
      const name = 'Prüfbericht; final ✓.png';
      const res = await upload('customer', ticketFiles(ticket), [{ bytes: PNG, name, type: 'application/octet-stream' }]);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ file_name: name, mime_type: 'image/png', description: null });
      const download = await rawRequest(api, 'customer', 'GET', res.body.content_url);
      const disposition = download.headers.get('content-disposition')!;
      expect(disposition).toMatch(/^attachment; filename="Pr_fbericht; final _\.png"; filename\*=UTF-8''/);
      const encoded = disposition.split("filename*=UTF-8''")[1]!;
      expect(encoded).not.toMatch(/[\s";]/);
      expect(decodeURIComponent(encoded)).toBe(name);
    });

    it('keeps identical uploads as two rows over one stored object', async () => {
      const ticket = await supportTicket();
      const bytes = text(`dedup ${ticket}`);
      const first = await upload('customer', ticketFiles(ticket), [{ bytes, name: 'one.txt' }]);
      const second = await upload('agent', ticketFiles(ticket), [{ bytes, name: 'two.txt' }]);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.id).not.toBe(first.body.id);
      expect(second.body.sha256).toBe(first.body.sha256);
      const rows = await rowsFor(ticket);
      expect(rows).toHaveLength(2);
      expect(rows[0]!.storage_key).toBe(rows[1]!.storage_key);
      expect(api.storage.keys().filter((key) => key.includes(sha256(bytes)))).toEqual([rows[0]!.storage_key]);
    });

    it('refuses a file whose bytes contradict its declared type (422), storing nothing', async () => {
      const ticket = await supportTicket();
      const before = api.storage.keys();
      const res = await upload('customer', ticketFiles(ticket), [{ bytes: EXE, name: 'cat.png', type: 'image/png' }]);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('mime_type_mismatch');
      expect(await rowsFor(ticket)).toEqual([]);
      expect(api.storage.keys()).toEqual(before);
    });

    it('refuses unusable forms with the precise problem code', async () => {
      const ticket = await supportTicket();
      const before = api.storage.keys();
      const note = { bytes: text('hello') };
      const cases: [FilePart[], Record<string, string>, number, string][] = [
        [[{ bytes: new Uint8Array(0) }], {}, 422, 'empty_file'],
        [[], { description: 'no file' }, 400, 'missing_file'],
        [[note], { colour: 'red' }, 400, 'unexpected_field'],
        [[note, { bytes: text('again'), name: 'b.txt' }], {}, 400, 'unexpected_field'],
        [[{ ...note, field: 'attachment' }], {}, 400, 'unexpected_field'],
        [[note], { description: 'x'.repeat(1001) }, 400, 'description_too_long'],
        [[{ ...note, name: '../' }], {}, 400, 'invalid_file_name'],
        [[{ bytes: text('\u0000\u0001binary'), type: 'text/plain' }], {}, 422, 'mime_type_mismatch'],
      ];
      for (const [files, fields, status, code] of cases) {
        const res = await upload('customer', ticketFiles(ticket), files, fields);
        expect(res.status, code).toBe(status);
        expect(res.body.code, code).toBe(code);
      }
      const noBoundary = await api.as('customer').request('POST', ticketFiles(ticket), { raw: 'x', headers: { 'content-type': 'multipart/form-data' } });
      expect(noBoundary.body.code).toBe('malformed_multipart');
      const truncated = await api.as('customer').request('POST', ticketFiles(ticket), {
        raw: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf a fi`,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      });
      expect(truncated.status).toBe(400);
      expect(await rowsFor(ticket)).toEqual([]);
      expect(api.storage.keys()).toEqual(before);
    });

    it('refuses bodies that are not multipart/form-data (415) and bad ids (400)', async () => {
      const ticket = await supportTicket();
      const json = await api.as('customer').post(ticketFiles(ticket), { file: 'aGVsbG8=' });
      expect(json.status).toBe(415);
      expect(json.body.code).toBe('unsupported_media_type');
      const mixed = await api.as('customer').request('POST', ticketFiles(ticket), { raw: 'x', headers: { 'content-type': 'multipart/mixed; boundary=x' } });
      expect(mixed.status).toBe(415);
      const none = await api.as('customer').request('POST', ticketFiles(ticket));
      expect(none.status).toBe(415);
      const badTicket = await upload('customer', ticketFiles('nope'), [{ bytes: text('hi') }]);
      expect(badTicket.status).toBe(400);
      expect(badTicket.body.errors[0]).toMatchObject({ location: 'path', path: 'ticket_id' });
      const badComment = await upload('customer', commentFiles(ticket, 'nope'), [{ bytes: text('hi') }]);
      expect(badComment.body.errors[0]).toMatchObject({ location: 'path', path: 'comment_id' });
      expect(api.storage.keys().filter((key) => key.includes(sha256(text('hi'))))).toEqual([]);
    });

    it('answers 404 for a ticket the caller cannot see, and removes the bytes it received', async () => {
      const before = api.storage.keys();
      for (const user of ['customer', 'agent', 'manager'] as const) {
        const res = await upload(user, ticketFiles(ids.foreign!), [{ bytes: text(`secret from ${user}`) }]);
        expect(res.status, user).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
      expect((await upload('customer', ticketFiles(ids.queue!), [{ bytes: text('not yours') }])).status).toBe(404);
      expect(api.storage.keys()).toEqual(before);
      expect(await rowsFor(ids.foreign!)).toHaveLength(1); // The world's own file.
      const byAdmin = await upload('admin', ticketFiles(ids.foreign!), [{ bytes: text('from admin') }]);
      expect(byAdmin.status).toBe(201);
    });

    it('replays an Idempotency-Key: one row, the first response, and no stray bytes', async () => {
      const ticket = await supportTicket();
      const headers = { 'idempotency-key': `upload-${ticket}` };
      const file = text(`once ${ticket}`);
      const first = await upload('customer', ticketFiles(ticket), [{ bytes: file, name: 'once.txt' }], {}, headers);
      const again = await upload('customer', ticketFiles(ticket), [{ bytes: file, name: 'once.txt' }], {}, headers);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await rowsFor(ticket)).toHaveLength(1);
      expect(api.storage.keys().filter((key) => key.includes(first.body.sha256))).toHaveLength(1);

      // Uploads are matched by the digest of the file: other bytes (even of the same length) with
      // the same key are another request, refused; the bytes that came with it do not stay.
      const lookalike = text(`ONCE ${ticket}`);
      const reused = await upload('customer', ticketFiles(ticket), [{ bytes: lookalike, name: 'once.txt' }], {}, headers);
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
      expect(await rowsFor(ticket)).toHaveLength(1);
      expect(api.storage.keys().filter((key) => key.includes(sha256(lookalike)))).toEqual([]);
    });

    it('refuses API keys without tickets:write before reading the file', async () => {
      const ticket = await supportTicket();
      const before = api.storage.keys();
      const body = await multipart([{ bytes: text('scoped') }]);
      const reader = api.withToken(await createApiKey(api, 'agent', ['tickets:read']));
      const res = await reader.request('POST', ticketFiles(ticket), { raw: body.raw, headers: body.headers });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
      expect(api.storage.keys()).toEqual(before);
      expect((await api.anonymous().request('POST', ticketFiles(ticket), { raw: body.raw, headers: body.headers })).status).toBe(401);
    });
  });

  describe('uploadCommentAttachment', () => {
    it("attaches to the caller's own comment, and to any visible comment for staff", async () => {
      const ticket = await supportTicket();
      const reply = await api.as('customer').post(`/v1/tickets/${ticket}/comments`, { body: 'See the log' });
      const res = await upload('customer', commentFiles(ticket, reply.body.id), [{ bytes: text('log line'), name: 'app.log' }]);
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/v1/attachments/${res.body.id}`);
      expect(res.body).toMatchObject({ ticket_id: ticket, comment_id: reply.body.id, file_name: 'app.log', mime_type: 'text/plain' });
      const byAgent = await upload('agent', commentFiles(ticket, reply.body.id), [{ bytes: text('annotated log'), name: 'app2.log' }]);
      expect(byAgent.status).toBe(201);
      const listed = await api.as('customer').get(commentFiles(ticket, reply.body.id));
      expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([res.body.id, byAgent.body.id]);
    });

    it("refuses customers on staff comments (403) and internal notes (404), removing the bytes", async () => {
      const ticket = await supportTicket();
      const reply = await api.as('agent').post(`/v1/tickets/${ticket}/comments`, { body: 'Please send a screenshot' });
      const note = await api.as('agent').post(`/v1/tickets/${ticket}/comments`, { body: 'Internal', is_internal: true });
      const before = api.storage.keys();
      const onReply = await upload('customer', commentFiles(ticket, reply.body.id), [{ bytes: text('on a staff reply') }]);
      expect(onReply.status).toBe(403);
      expect(onReply.body.code).toBe('forbidden');
      const onNote = await upload('customer', commentFiles(ticket, note.body.id), [{ bytes: text('on a note') }]);
      expect(onNote.status).toBe(404);
      const elsewhere = await upload('agent', commentFiles(ids.mine!, reply.body.id), [{ bytes: text('wrong ticket') }]);
      expect(elsewhere.status).toBe(404);
      expect(api.storage.keys()).toEqual(before);
      expect(await rowsFor(ticket)).toEqual([]);

      const onNoteByStaff = await upload('manager', commentFiles(ticket, note.body.id), [{ bytes: text('staff only') }]);
      expect(onNoteByStaff.status).toBe(201);
      const customerView = await api.as('customer').get(ticketFiles(ticket));
      expect(customerView.body.data).toEqual([]);
      expect((await api.as('customer').get(`/v1/attachments/${onNoteByStaff.body.id}`)).status).toBe(404);
      expect((await rawRequest(api, 'customer', 'GET', onNoteByStaff.body.content_url)).status).toBe(404);
    });

    it('refuses files on a deleted comment (409)', async () => {
      const ticket = await supportTicket();
      const reply = await api.as('customer').post(`/v1/tickets/${ticket}/comments`, { body: 'Never mind' });
      await api.as('customer').delete(`/v1/tickets/${ticket}/comments/${reply.body.id}`);
      const res = await upload('customer', commentFiles(ticket, reply.body.id), [{ bytes: text('too late') }]);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('conflict');
      expect(api.storage.keys().filter((key) => key.includes(sha256(text('too late'))))).toEqual([]);
    });
  });
});

describe.each(engines)('upload limits and storage races (%s)', (engine) => {
  it('cuts off a file over the limit (413), leaving no row and no object', async () => {
    const api = await createApiHarness(engine, { app: { limits: { maxUploadBytes: 1024 } } });
    try {
      const ticket = await createTicket(api, 'customer');
      const lazy = lazyUpload(1024 * 1024);
      const res = await rawRequest(api, 'customer', 'POST', `/v1/tickets/${ticket}/attachments`, {
        body: lazy.body,
        headers: { 'content-type': lazy.contentType },
        duplex: 'half',
      });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
      // Refused while streaming: far less than the megabyte offered was read.
      expect(lazy.state.pulled).toBeLessThan(64 * 1024);
      expect(await ownerRows(api, 'select 1 from attachments where ticket_id = $1', [ticket])).toEqual([]);
      expect(api.storage.keys()).toEqual([]);

      const small = await multipart([{ bytes: new Uint8Array(1024).fill(0x62), name: 'fits.txt' }]);
      const fits = await api.as('customer').request('POST', `/v1/tickets/${ticket}/attachments`, { raw: small.raw, headers: small.headers });
      expect(fits.status).toBe(201);
    } finally {
      await api.close();
    }
  });

  it('answers 503 without a row when the stored bytes vanish before the row is written', async () => {
    // A storage whose objects disappear right after they are filed: what a concurrent cleanup of
    // identical bytes would do in the instant before this upload's row holds them.
    const inner = memoryStorage();
    const vanishing = { ...inner, move: async (from: string, to: string) => { await inner.move(from, to); await inner.delete(to); } };
    const api = await createApiHarness(engine, { app: { storage: vanishing } });
    try {
      const ticket = await createTicket(api, 'customer');
      const body = await multipart([{ bytes: text('here and gone') }]);
      const res = await api.as('customer').request('POST', `/v1/tickets/${ticket}/attachments`, { raw: body.raw, headers: body.headers });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('unavailable');
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await ownerRows(api, 'select 1 from attachments where ticket_id = $1', [ticket])).toEqual([]);
    } finally {
      await api.close();
    }
  });
});
