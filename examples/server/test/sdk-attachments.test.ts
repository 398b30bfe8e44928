/**
 * `tf.attachments` against this server in-process: uploads from every kind of source, progress in
 * both directions, downloads as a Blob and as a stream, lists, and deletion.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, type TransferProgress } from '../../../src/index.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { sdkClients } from './support/sdk.js';
import { engines } from './support/test-database.js';

describe.each(engines)('SDK attachments (%s)', (engine) => {
  let api: ApiHarness;
  const { as } = sdkClients(() => api);

  beforeAll(async () => {
    api = await createApiHarness(engine);
  });
  afterAll(() => api.close());

  const text = (size: number, fill = 'x') => `${'log line\n'.repeat(Math.ceil(size / 9))}`.slice(0, size - 1) + fill;

  it('uploads from a Blob, bytes, a web stream and a Node stream, and downloads each back', async () => {
    const customer = await as('customer');
    const ticket = await customer.tickets.create({ title: 'Crash on start', description: 'Logs attached' });
    const contents = [text(1000, 'a'), text(2000, 'b'), text(3000, 'c'), text(4000, 'd')];
    const encoder = new TextEncoder();
    const sources = [
      new Blob([contents[0]!], { type: 'text/plain' }),
      encoder.encode(contents[1]),
      new Blob([contents[2]!]).stream(),
      Readable.from([Buffer.from(contents[3]!.slice(0, 1000)), Buffer.from(contents[3]!.slice(1000))]),
    ];
    const uploaded = [];
    for (const [i, source] of sources.entries()) {
      uploaded.push(await customer.attachments.upload(ticket.id, source, { filename: `log-${i}.txt`, contentType: 'text/plain' }));
    }
    expect(uploaded.map((file) => [file.file_name, file.size_bytes])).toEqual(contents.map((content, i) => [`log-${i}.txt`, content.length]));
    for (const [i, file] of uploaded.entries()) expect(await (await customer.attachments.download(file.id)).text()).toBe(contents[i]);

    const listed = [];
    for await (const file of customer.attachments.listForTicket(ticket.id, { limit: 2 })) listed.push(file.id);
    expect(listed.sort()).toEqual(uploaded.map((file) => file.id).sort());
  });

  it('reports progress both ways, and streams a download', async () => {
    const customer = await as('customer');
    const ticket = await customer.tickets.create({ title: 'Big log', description: 'See file' });
    const content = text(200_000);
    const up: TransferProgress[] = [];
    const file = await customer.attachments.upload(ticket.id, new Blob([content]), { filename: 'big.log', contentType: 'text/plain' }, { onProgress: (p) => up.push(p) });
    expect(up.length).toBeGreaterThan(0);
    expect(up.at(-1)!.transferredBytes).toBeGreaterThanOrEqual(content.length);

    const down: TransferProgress[] = [];
    const blob = await customer.attachments.download(file.id, { onProgress: (p) => down.push(p) });
    expect(blob.size).toBe(content.length);
    expect(down.at(-1)).toMatchObject({ transferredBytes: content.length, percent: 1 });

    const chunks: Uint8Array[] = [];
    for await (const chunk of await customer.attachments.downloadStream(file.id)) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe(content);
  });

  it('attaches to a comment, reads details, deletes, and refuses a nameless upload', async () => {
    const agent = await as('agent');
    const ticket = api.world.ids.mine!;
    const comment = await agent.comments.create(ticket, { body: 'Screenshot of the error' });
    const file = await agent.attachments.uploadToComment(ticket, comment.id, new TextEncoder().encode('not really a png, just text'), {
      filename: 'notes.txt',
      description: 'What I saw',
    });
    expect(file).toMatchObject({ comment_id: comment.id, file_name: 'notes.txt', description: 'What I saw' });
    expect((await agent.attachments.listForComment(ticket, comment.id)).data.map((f) => f.id)).toEqual([file.id]);
    expect(await agent.attachments.get(file.id)).toMatchObject({ id: file.id, size_bytes: 27 });
    await agent.attachments.delete(file.id);
    // Deleting is soft: the uploader still sees the file as deleted, the requester no longer sees it.
    expect((await agent.attachments.get(file.id)).deleted_at).not.toBeNull();
    await expect((await as('customer')).attachments.get(file.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(agent.attachments.upload(ticket, new Uint8Array([1, 2, 3]))).rejects.toThrow('filename');
  });
});
