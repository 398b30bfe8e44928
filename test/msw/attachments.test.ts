/**
 * Attachments against the mock through the SDK: uploads as multipart/form-data with the server's
 * checks (size, emptiness, name, type sniffing, form fields), downloads with the server's headers,
 * who reaches which file (a customer never the files of an internal note), soft deletes, the
 * history and events an upload writes, and Idempotency-Key on uploads.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError, PermissionDeniedError } from '../../src/index.js';
import { failure, useMock } from './support.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

async function webCryptoSha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('attachments on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'customer2', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent', department_id: support.id });
    mock().seed.user({ key: 'agent2', role: 'agent', department_id: support.id });
    mock().seed.user({ key: 'admin', role: 'admin' });
    return { customer: client('customer'), customer2: client('customer2'), agent: client('agent'), agent2: client('agent2'), admin: client('admin') };
  }

  /** A raw request as `user`, for what the SDK never sends. */
  async function raw(user: string, path: string, init: RequestInit = {}) {
    return fetch(`${mock().baseUrl}${path}`, { ...init, headers: { ...mock().as(user).headers, ...(init.headers as Record<string, string>) } });
  }

  it('keeps the bytes in memory and answers them with the server’s headers', async () => {
    const { customer, agent } = people();
    const ticket = await customer.tickets.create({ title: 'VPN down' });
    const text = 'AUTH_FAILED (cert expired)\n';
    const file = await customer.attachments.upload(ticket.id, new Blob([text], { type: 'text/plain' }), { filename: 'vpn client «ü».log', description: 'The client log' });
    expect(file).toMatchObject({
      ticket_id: ticket.id,
      comment_id: null,
      file_name: 'vpn client «ü».log',
      mime_type: 'text/plain',
      size_bytes: text.length,
      description: 'The client log',
      uploaded_by: mock().user('customer').id,
      deleted_at: null,
      content_url: `/v1/attachments/${file.id}/content`,
    });
    expect(file.sha256).toBe(await webCryptoSha256(new TextEncoder().encode(text)));
    expect(new TextDecoder().decode(mock().db.attachments.get(file.id)!.content)).toBe(text);

    const { data: blob, response } = await agent.attachments.download(file.id).withResponse();
    expect(await blob.text()).toBe(text);
    expect(Object.fromEntries(['content-type', 'content-length', 'content-disposition', 'etag', 'x-content-type-options', 'content-security-policy', 'cache-control'].map((name) => [name, response.headers.get(name)]))).toEqual({
      'content-type': 'text/plain',
      'content-length': String(text.length),
      'content-disposition': `attachment; filename="vpn client ___.log"; filename*=UTF-8''vpn%20client%20%C2%AB%C3%BC%C2%BB.log`,
      etag: `"${file.sha256}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-cache',
    });
    const unchanged = await raw('agent', `/v1/attachments/${file.id}/content`, { headers: { 'If-None-Match': `W/"${file.sha256}"` } });
    expect([unchanged.status, unchanged.headers.get('etag'), await unchanged.text()]).toEqual([304, `"${file.sha256}"`, '']);
    expect(mock().calls('attachments.upload')[0]!.body).toEqual({ file: { file_name: 'vpn client «ü».log', type: 'text/plain', size: text.length }, description: 'The client log' });
  });

  it('refuses what the server refuses, in its words', async () => {
    const { customer } = people();
    const { id } = await customer.tickets.create({ title: 'Files' });
    const refusal = async (call: PromiseLike<unknown>) => {
      const error = await failure(call);
      return [error.status, error.code, error.problem?.detail];
    };
    expect(await refusal(customer.attachments.upload(id, new Uint8Array(0), { filename: 'empty.txt' }))).toEqual([422, 'empty_file', 'the file is empty']);
    expect(await refusal(customer.attachments.upload(id, PNG, { filename: 'a.txt', contentType: 'text/plain' }))).toEqual([
      422,
      'mime_type_mismatch',
      'the file was declared as text/plain, but the content is image/png',
    ]);
    expect(await refusal(customer.attachments.upload(id, new Uint8Array([65, 0, 66]), { filename: 'a.txt', contentType: 'text/plain' }))).toEqual([
      422,
      'mime_type_mismatch',
      'the file was declared as text/plain, but the content is binary',
    ]);
    expect(await refusal(customer.attachments.upload(id, new Blob(['x']), { filename: '..' }))).toEqual([
      400,
      'invalid_file_name',
      'the file name must be 1 to 255 characters, without directories',
    ]);
    expect(await refusal(customer.attachments.upload(id, new Blob(['x']), { filename: 'a.txt', description: 'x'.repeat(1001) }))).toEqual([
      400,
      'description_too_long',
      'the description is longer than 1000 characters',
    ]);
    await expect(customer.attachments.upload(id, new Uint8Array([1]))).rejects.toThrow('filename');

    const form = (entries: [string, string | Blob, string?][]) => {
      const body = new FormData();
      for (const [name, value, filename] of entries) {
        if (typeof value === 'string') body.append(name, value);
        else body.append(name, value, filename);
      }
      return body;
    };
    const post = async (body: BodyInit, headers: Record<string, string> = {}) => {
      const response = await raw('customer', `/v1/tickets/${id}/attachments`, { method: 'POST', body, headers });
      const problem = (await response.json()) as { code: string; detail: string };
      return [response.status, problem.code, problem.detail];
    };
    expect(await post('{}', { 'Content-Type': 'application/json' })).toEqual([415, 'unsupported_media_type', 'Send the file as multipart/form-data.']);
    expect(await post('x', { 'Content-Type': 'multipart/mixed; boundary=b' })).toEqual([415, 'unsupported_media_type', 'the request body must be multipart/form-data']);
    expect(await post('x', { 'Content-Type': 'multipart/form-data' })).toEqual([400, 'malformed_multipart', 'malformed multipart body: Multipart: Boundary not found']);
    expect(await post(form([['file', new Blob(['a']), 'a.txt'], ['other', 'x']]))).toEqual([
      400,
      'unexpected_field',
      'unexpected field "other": only "file" and "description" are accepted',
    ]);
    expect(await post(form([['file', 'text, not a file']]))).toEqual([400, 'missing_file', 'the "file" field must be a file, not text']);
    expect(await post(form([['description', 'alone']]))).toEqual([400, 'missing_file', 'the form has no file field named "file"']);
    expect(await post(form([['file', new Blob(['a']), 'a.txt'], ['file', new Blob(['b']), 'b.txt']]))).toEqual([400, 'unexpected_field', 'only one file may be uploaded']);
    expect(mock().db.attachments.size).toBe(0);
  });

  it('checks the declared type against the bytes, and names files without their directories', async () => {
    const { customer } = people();
    const { id } = await customer.tickets.create({ title: 'Types' });
    // Bytes no signature explains are taken as declared; undeclared bytes are sniffed.
    expect((await customer.attachments.upload(id, new TextEncoder().encode('not really a png'), { filename: 'x.png', contentType: 'image/png' })).mime_type).toBe('image/png');
    expect((await customer.attachments.upload(id, PNG, { filename: 'shot' })).mime_type).toBe('image/png');
    expect((await customer.attachments.upload(id, new TextEncoder().encode('%PDF-1.7\n'), { filename: 'doc' })).mime_type).toBe('application/pdf');
    expect((await customer.attachments.upload(id, new Uint8Array([7, 7]), { filename: 'blob' })).mime_type).toBe('application/octet-stream');
    expect((await customer.attachments.upload(id, PNG, { filename: 'alias.png', contentType: 'image/x-png' })).mime_type).toBe('image/png');
    const named = await customer.attachments.upload(id, new Blob(['x']), { filename: 'C:\\Users\\me\\report\u202e.txt', contentType: 'text/plain' });
    expect(named.file_name).toBe('report.txt');
  });

  it('shows a customer the files of public comments and their ticket only, as row-level security does', async () => {
    const { customer, customer2, agent } = people();
    const ticket = await customer.tickets.create({ title: 'Printer' });
    await agent.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });
    const note = await agent.comments.create(ticket.id, { body: 'Firmware is old', is_internal: true });
    const reply = await agent.comments.create(ticket.id, { body: 'Updating it' });
    const mine = await customer.comments.create(ticket.id, { body: 'Thanks' });
    const secret = await agent.attachments.uploadToComment(ticket.id, note.id, new Blob(['internal']), { filename: 'secret.txt' });
    const shared = await agent.attachments.uploadToComment(ticket.id, reply.id, new Blob(['public']), { filename: 'fix.txt' });
    const own = await customer.attachments.uploadToComment(ticket.id, mine.id, new Blob(['own']), { filename: 'own.txt' });

    const names = async (tf: typeof customer) => {
      const files = [];
      for await (const file of tf.attachments.listForTicket(ticket.id, { limit: 1 })) files.push(file.file_name);
      return files;
    };
    expect(await names(agent)).toEqual(['secret.txt', 'fix.txt', 'own.txt']);
    expect(await names(customer)).toEqual(['fix.txt', 'own.txt']);
    await expect(customer.attachments.get(secret.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(customer.attachments.download(secret.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await failure(customer.attachments.listForComment(ticket.id, note.id))).problem?.detail).toBe('No comment with this id.');
    await expect(customer2.attachments.get(shared.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await failure(customer2.attachments.listForTicket(ticket.id))).problem?.detail).toBe('No ticket with this id.');
    const staffReply = await failure(customer.attachments.uploadToComment(ticket.id, reply.id, new Blob(['x']), { filename: 'x.txt' }));
    expect([staffReply.status, staffReply.problem?.detail]).toEqual([403, 'Customers may attach files only to their own comments.']);

    // A deleted comment takes its files with it, and takes no more.
    await customer.comments.delete(ticket.id, mine.id);
    expect(await names(customer)).toEqual(['fix.txt']);
    const withDeleted = await customer.attachments.listForTicket(ticket.id, { include_deleted: true });
    expect(withDeleted.data.map((file) => file.file_name)).toEqual(['fix.txt', 'own.txt']);
    expect((await failure(customer.attachments.download(own.id))).problem?.detail).toBe('The comment this file was attached to was deleted.');
    const late = await failure(customer.attachments.uploadToComment(ticket.id, mine.id, new Blob(['x']), { filename: 'x.txt' }));
    expect([late.status, late.code, late.problem?.detail]).toEqual([409, 'conflict', 'A deleted comment cannot take attachments.']);
  });

  it('deletes softly, for the uploader or an admin, and twice is once', async () => {
    const { customer, agent, admin } = people();
    const ticket = await customer.tickets.create({ title: 'Logs' });
    await agent.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });
    const file = await customer.attachments.upload(ticket.id, new Blob(['log']), { filename: 'a.log' });
    const byAgent = await failure(agent.attachments.delete(file.id));
    expect(byAgent).toBeInstanceOf(PermissionDeniedError);
    expect(byAgent.problem?.detail).toBe('Only the uploader of a file or an admin may delete it.');
    await customer.attachments.delete(file.id);
    await customer.attachments.delete(file.id);
    expect((await customer.attachments.get(file.id)).deleted_at).not.toBeNull();
    expect((await failure(customer.attachments.download(file.id))).problem?.detail).toBe('This attachment was deleted.');
    expect((await customer.attachments.listForTicket(ticket.id)).data).toEqual([]);
    // A deleted file stays visible to staff and to its uploader only.
    expect((await agent.attachments.get(file.id)).deleted_at).not.toBeNull();
    const other = await agent.attachments.upload(ticket.id, new Blob(['x']), { filename: 'b.log' });
    await admin.attachments.delete(other.id);
    expect(mock().db.attachments.get(other.id)?.deleted_at).not.toBeNull();
    expect((await agent.attachments.get(other.id)).deleted_at).not.toBeNull();
    await expect(customer.attachments.get(other.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes the history entry and event an upload’s trigger writes, internal for an internal note', async () => {
    const { customer, agent } = people();
    const ticket = await customer.tickets.create({ title: 'Trail' });
    await agent.tickets.assign(ticket.id, { assignee_id: mock().user('agent').id });
    const note = await agent.comments.create(ticket.id, { body: 'Note', is_internal: true });
    const open = await customer.attachments.upload(ticket.id, new Blob(['a']), { filename: 'a.txt' });
    const hidden = await agent.attachments.uploadToComment(ticket.id, note.id, new Blob(['b']), { filename: 'b.txt' });
    const added = mock().db.history.where((entry) => entry.ticket_id === ticket.id && entry.action === 'attachment_added');
    expect(added.map((entry) => [entry.new_value, entry.is_internal])).toEqual([
      [{ file_name: 'a.txt', comment_id: null, attachment_id: open.id }, false],
      [{ file_name: 'b.txt', comment_id: note.id, attachment_id: hidden.id }, true],
    ]);
    const events = mock().db.events.where((event) => event.type === 'attachment.created');
    expect(events.map((event) => [event.ticket_id, event.is_internal, event.payload])).toEqual([
      [ticket.id, false, { comment_id: null, attachment_id: open.id }],
      [ticket.id, true, { comment_id: note.id, attachment_id: hidden.id }],
    ]);
    const history = [];
    for await (const entry of customer.history.list(ticket.id)) history.push(entry.action);
    expect(history.filter((action) => action === 'attachment_added')).toHaveLength(1);
  });

  it('replays an upload sent again with its Idempotency-Key, by the file’s digest, not the form’s framing', async () => {
    people();
    const { id } = await client('customer').tickets.create({ title: 'Retry' });
    const send = (content: string) => {
      const body = new FormData();
      body.append('file', new Blob([content]), 'retry.txt');
      return raw('customer', `/v1/tickets/${id}/attachments`, { method: 'POST', body, headers: { 'Idempotency-Key': 'upload-1' } });
    };
    const first = await send('same bytes');
    const again = await send('same bytes');
    expect([first.status, again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 201, 'true']);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const other = await send('other bytes');
    expect([other.status, ((await other.json()) as { code: string }).code]).toEqual([422, 'idempotency_key_reused']);
    expect(mock().db.attachments.size).toBe(1);
  });

  it('seeds files through the same rules', async () => {
    people();
    const ticket = mock().seed.ticket({ requester: 'customer', assignee: 'agent' });
    const file = mock().seed.attachment(ticket.id, { file_name: 'seeded.log', content: 'seeded\n' });
    expect(file).toMatchObject({ file_name: 'seeded.log', mime_type: 'text/plain', size_bytes: 7, uploaded_by: mock().user('customer').id });
    expect(file.sha256).toBe(await webCryptoSha256(new TextEncoder().encode('seeded\n')));
    expect(await (await client('agent').attachments.download(file.id)).text()).toBe('seeded\n');
    expect(() => mock().seed.attachment(ticket.id, { content: PNG, mime_type: 'text/plain' })).toThrow(
      'ticketflow/msw: cannot seed the attachment: the file was declared as text/plain, but the content is image/png',
    );
  });
});

describe('attachments past the size limit', () => {
  const { mock, client } = useMock({ settings: { maxUploadBytes: 16 } });

  it('refuses a file past the limit with 413, and takes one at it', async () => {
    mock().seed.user({ key: 'customer', role: 'customer' });
    const customer = client('customer');
    const { id } = await customer.tickets.create({ title: 'Big' });
    const error = await failure(customer.attachments.upload(id, new Uint8Array(17), { filename: 'big.bin' }));
    expect([error.status, error.code, error.problem?.detail]).toEqual([413, 'payload_too_large', 'the file is larger than the limit of 16 bytes']);
    expect((await customer.attachments.upload(id, new Uint8Array(16).fill(120), { filename: 'fits.txt' })).size_bytes).toBe(16);
  });
});
