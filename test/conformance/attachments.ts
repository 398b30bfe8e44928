/**
 * `tf.attachments`: uploads from every kind of source, progress both ways, downloads as a Blob and
 * as a stream, lists, and deletion.
 */
import { describe, expect } from 'vitest';
import { NotFoundError, type TransferProgress } from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, readAll, supportTicket } from './helpers.js';

const text = (size: number, fill = 'x') => `${'log line\n'.repeat(Math.ceil(size / 9))}`.slice(0, size - 1) + fill;

/** Bytes in two chunks that arrive one after the other, as a Node stream or a socket hands them over. */
async function* chunked(content: string): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(content);
  yield bytes.subarray(0, 1000);
  await new Promise((resolve) => setTimeout(resolve, 0));
  yield bytes.subarray(1000);
}

export function attachments(tf: Conformance): void {
  describe('attachments', () => {
    tf.test('uploads from a Blob, bytes, a web stream and an async iterable, and downloads each back', async () => {
      const customer = tf.as('customer');
      const ticket = await customer.tickets.create({ title: 'Crash on start', description: 'Logs attached' });
      const contents = [text(1000, 'a'), text(2000, 'b'), text(3000, 'c'), text(4000, 'd')];
      const sources = [
        new Blob([contents[0]!], { type: 'text/plain' }),
        new TextEncoder().encode(contents[1]),
        new Blob([contents[2]!]).stream(),
        chunked(contents[3]!),
      ];
      const uploaded = [];
      for (const [i, source] of sources.entries()) {
        uploaded.push(await customer.attachments.upload(ticket.id, source, { filename: `log-${i}.txt`, contentType: 'text/plain' }));
      }
      expect(uploaded.map((file) => [file.file_name, file.size_bytes])).toEqual(contents.map((content, i) => [`log-${i}.txt`, content.length]));
      for (const [i, file] of uploaded.entries()) expect(await (await customer.attachments.download(file.id)).text()).toBe(contents[i]);

      const listed = await all(customer.attachments.listForTicket(ticket.id, { limit: 2 }));
      expect(listed.map((file) => file.id).sort()).toEqual(uploaded.map((file) => file.id).sort());
    });

    tf.test('reports progress both ways, and streams a download', async () => {
      const customer = tf.as('customer');
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

      const streamed = await readAll(await customer.attachments.downloadStream(file.id));
      expect(new TextDecoder().decode(streamed)).toBe(content);
    });

    tf.test('attaches to a comment, reads details, deletes, and refuses a nameless upload', async () => {
      const agent = tf.as('agent');
      const { id: ticket } = await supportTicket(tf, { title: 'Screenshot inside' });
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
      await expect(tf.as('customer').attachments.get(file.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(agent.attachments.upload(ticket, new Uint8Array([1, 2, 3]))).rejects.toThrow('filename');
    });
  });
}
