/**
 * Receiving an attachment: what gets stored, under which key and type, and that every rejection
 * leaves storage exactly as it was — on both the memory and the local-disk storage.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiveUpload, UploadError, type UploadErrorCode } from '../src/attachments/receive-upload.js';
import { readBytes, storageSubjects, type StorageSubject } from './support/storage.js';

const URL = 'http://localhost/tickets/1/attachments';
const BOUNDARY = 'ticketflow-test-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const MAX_BYTES = 1024 * 1024;

const text = (value: string) => new TextEncoder().encode(value);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
// A complete 1×1 PNG.
const PNG = Uint8Array.from(Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
// The start of a Windows executable: "MZ", then a DOS header.
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00]);

interface FilePart {
  bytes: Uint8Array;
  name?: string;
  type?: string;
  field?: string;
}

function formRequest(files: FilePart[], fields: Record<string, string> = {}): Request {
  const form = new FormData();
  for (const { bytes, name = 'note.txt', type = 'text/plain', field = 'file' } of files) {
    form.append(field, new Blob([bytes], { type }), name);
  }
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return new Request(URL, { method: 'POST', body: form });
}

const rawRequest = (body: string, contentType = MULTIPART) =>
  new Request(URL, { method: 'POST', body, headers: { 'content-type': contentType } });

/**
 * A multipart body whose file is generated chunk by chunk only when the reader pulls, so the test
 * can tell how much of it was read. `failAt`: the pull at which the client "disconnects".
 */
function lazyUpload({ fileBytes, chunkBytes, failAt }: { fileBytes: number; chunkBytes: number; failAt?: number }) {
  const head = text(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n');
  const tail = text(`\r\n--${BOUNDARY}--\r\n`);
  const state = { pulls: 0, cancelled: false, totalPulls: 2 + Math.ceil(fileBytes / chunkBytes) };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls += 1;
      if (state.pulls === failAt) controller.error(new Error('connection reset by peer'));
      else if (state.pulls === 1) controller.enqueue(head);
      else if (sent < fileBytes) {
        const size = Math.min(chunkBytes, fileBytes - sent);
        sent += size;
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
  const request = new Request(URL, { method: 'POST', body, duplex: 'half', headers: { 'content-type': MULTIPART } });
  return { request, state };
}

describe.each(Object.keys(storageSubjects))('receiveUpload on %s storage', (kind) => {
  let subject: StorageSubject;
  beforeEach(async () => {
    subject = await storageSubjects[kind]!();
  });
  afterEach(() => subject.cleanup());

  const upload = (request: Request, maxBytes = MAX_BYTES) => receiveUpload(request, subject.storage, { maxBytes });

  /** Asserts the rejection and that storage holds exactly what it held before. */
  async function expectRejected(request: Request, status: number, code: UploadErrorCode, before: string[] = []) {
    const error: unknown = await upload(request).then(() => undefined, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ status, code });
    expect(await subject.keys()).toEqual(before);
  }

  describe('stores', () => {
    it('a text file under its content address, with its size, SHA-256 and description', async () => {
      const bytes = text('09:02:11 auth: AUTH_FAILED (cert expired)\n');
      const received = await upload(formRequest([{ bytes, name: 'vpn.log' }], { description: 'Client log' }));
      const hash = sha256(bytes);
      expect(received).toEqual({
        fileName: 'vpn.log',
        mimeType: 'text/plain',
        sizeBytes: bytes.byteLength,
        sha256: hash,
        storageKey: `sha256/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`,
        description: 'Client log',
      });
      expect(await readBytes(subject.storage, received.storageKey)).toEqual(bytes);
      expect((await subject.storage.read(received.storageKey))?.size).toBe(bytes.byteLength);
      expect(await subject.keys()).toEqual([received.storageKey]);
    });

    it('a file larger than one chunk, exactly at the limit, with a hash over all of it', async () => {
      const bytes = new Uint8Array(MAX_BYTES).map((_, i) => (i * 7) % 251);
      const received = await upload(formRequest([{ bytes, name: 'dump.bin', type: 'application/octet-stream' }]));
      expect(received).toMatchObject({ sizeBytes: MAX_BYTES, sha256: sha256(bytes), mimeType: 'application/octet-stream', description: null });
      // By hash: toEqual on a MiB of bytes takes seconds.
      expect(sha256((await readBytes(subject.storage, received.storageKey))!)).toBe(sha256(bytes));
    });

    it('identical uploads once', async () => {
      const bytes = text('same bytes');
      const first = await upload(formRequest([{ bytes, name: 'a.txt' }]));
      const second = await upload(formRequest([{ bytes, name: 'b.txt' }]));
      expect(second.storageKey).toBe(first.storageKey);
      expect(second.fileName).toBe('b.txt');
      expect(await subject.keys()).toEqual([first.storageKey]);
      expect(await readBytes(subject.storage, first.storageKey)).toEqual(bytes);
    });

    it('only the base name of a path-like file name', async () => {
      const unix = await upload(formRequest([{ bytes: text('root:x:0:0'), name: '../../etc/passwd' }]));
      expect(unix.fileName).toBe('passwd');
      const windows = await upload(formRequest([{ bytes: text('report'), name: 'C:\\Users\\me\\report.txt' }]));
      expect(windows.fileName).toBe('report.txt');
      const spoofed = await upload(formRequest([{ bytes: text('x'), name: 'in\u202evoice\t.txt' }]));
      expect(spoofed.fileName).toBe('invoice.txt');
      expect((await subject.keys()).every((key) => key.startsWith('sha256/'))).toBe(true);
    });

    it('the sniffed type when the declared type is octet-stream, and an alias as its canonical name', async () => {
      expect((await upload(formRequest([{ bytes: PNG, name: 'a.png', type: 'application/octet-stream' }]))).mimeType).toBe('image/png');
      expect((await upload(formRequest([{ bytes: PNG, name: 'b.png', type: 'image/png' }]))).mimeType).toBe('image/png');
      const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Uint8Array(60)]);
      expect((await upload(formRequest([{ bytes: zip, name: 'c.zip', type: 'application/x-zip-compressed' }]))).mimeType)
        .toBe('application/zip');
    });

    it('a declared type file-type cannot check, as declared; UTF-16 text despite its NUL bytes', async () => {
      const csv = await upload(formRequest([{ bytes: text('a,b\n1,2\n'), name: 'x.csv', type: 'text/csv' }]));
      expect(csv.mimeType).toBe('text/csv');
      const utf16 = Uint8Array.from([0xff, 0xfe, ...Buffer.from('hello\r\n', 'utf16le')]);
      expect((await upload(formRequest([{ bytes: utf16, name: 'ps.log' }]))).mimeType).toBe('text/plain');
    });
  });

  describe('rejects, leaving nothing behind,', () => {
    it('a file over the limit, and stops reading the body long before its end', async () => {
      const { request, state } = lazyUpload({ fileBytes: 256 * MAX_BYTES, chunkBytes: 64 * 1024 });
      await expectRejected(request, 413, 'payload_too_large');
      expect(state.cancelled).toBe(true);
      // 16 chunks fit in the limit; a few more are in flight in the stream buffers.
      expect(state.pulls).toBeLessThan(40);
      expect(state.totalPulls).toBeGreaterThan(4000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(state.pulls).toBeLessThan(40);
    });

    it('a body whose Content-Length is over the limit, without reading it', async () => {
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({ pull: () => void (pulls += 1) });
      const request = new Request(URL, {
        method: 'POST', body, duplex: 'half', headers: { 'content-type': MULTIPART, 'content-length': String(10 * MAX_BYTES) },
      });
      await expectRejected(request, 413, 'payload_too_large');
      expect(pulls).toBeLessThanOrEqual(1); // at most the stream's own start-up pull
      expect(request.bodyUsed).toBe(false);
    });

    it('a body that breaks off mid-file (client gone)', async () => {
      const { request } = lazyUpload({ fileBytes: MAX_BYTES / 2, chunkBytes: 16 * 1024, failAt: 8 });
      await expectRejected(request, 400, 'request_aborted');
    });

    it('a body that ends mid-file', async () => {
      const body = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
        `Content-Type: text/plain\r\n\r\n${'x'.repeat(100_000)}`;
      await expectRejected(rawRequest(body), 400, 'malformed_multipart');
    });

    it('garbage, and a multipart type without a boundary', async () => {
      await expectRejected(rawRequest('this is not multipart'), 400, 'malformed_multipart');
      await expectRejected(rawRequest('--x\r\n', 'multipart/form-data'), 400, 'malformed_multipart');
      const badHeader = `--${BOUNDARY}\r\nContent-Disposition form-data\r\n\r\nx\r\n--${BOUNDARY}--\r\n`;
      await expectRejected(rawRequest(badHeader), 400, 'malformed_multipart');
    });

    it('a body that is not multipart/form-data', async () => {
      const json = new Request(URL, { method: 'POST', body: '{"file":"x"}', headers: { 'content-type': 'application/json' } });
      await expectRejected(json, 415, 'unsupported_media_type');
      await expectRejected(new Request(URL, { method: 'POST', body: 'x' }), 415, 'unsupported_media_type');
    });

    it('a form without a file', async () => {
      await expectRejected(formRequest([], { description: 'forgot the file' }), 400, 'missing_file');
      await expectRejected(formRequest([], { file: 'text instead of a file' }), 400, 'missing_file');
    });

    it('two files, even after the first one was stored completely', async () => {
      const files = [{ bytes: text('one') }, { bytes: text('two'), name: 'two.txt' }];
      await expectRejected(formRequest(files), 400, 'unexpected_field');
    });

    it('unknown fields, text or file, before or after the file', async () => {
      await expectRejected(formRequest([{ bytes: text('a') }], { ticket: '1' }), 400, 'unexpected_field');
      await expectRejected(formRequest([{ bytes: text('a'), field: 'attachment' }]), 400, 'unexpected_field');
      const form = new FormData();
      form.append('priority', 'high');
      form.append('file', new Blob([text('a')], { type: 'text/plain' }), 'a.txt');
      await expectRejected(new Request(URL, { method: 'POST', body: form }), 400, 'unexpected_field');
    });

    it('a second description and an over-long one', async () => {
      const form = new FormData();
      form.append('file', new Blob([text('a')], { type: 'text/plain' }), 'a.txt');
      form.append('description', 'one');
      form.append('description', 'two');
      await expectRejected(new Request(URL, { method: 'POST', body: form }), 400, 'unexpected_field');
      await expectRejected(formRequest([{ bytes: text('a') }], { description: 'é'.repeat(1001) }), 400, 'description_too_long');
      expect((await upload(formRequest([{ bytes: text('a') }], { description: 'é'.repeat(1000) }))).description).toHaveLength(1000);
    });

    it('an empty file', async () => {
      await expectRejected(formRequest([{ bytes: new Uint8Array(0), name: 'empty.txt' }]), 422, 'empty_file');
    });

    it('a file name with nothing left once cleaned, or too long', async () => {
      await expectRejected(formRequest([{ bytes: text('a'), name: '..' }]), 400, 'invalid_file_name');
      await expectRejected(formRequest([{ bytes: text('a'), name: 'logs/\t\u202e' }]), 400, 'invalid_file_name');
      // A NUL never gets this far: busboy refuses it in a part header.
      await expectRejected(formRequest([{ bytes: text('a'), name: 'a\u0000.txt' }]), 400, 'malformed_multipart');
      // What a browser sends for a file input left empty.
      await expectRejected(formRequest([{ bytes: new Uint8Array(0), name: '', type: 'application/octet-stream' }]), 400, 'invalid_file_name');
      await expectRejected(formRequest([{ bytes: text('a'), name: `${'a'.repeat(252)}.txt` }]), 400, 'invalid_file_name');
    });

    it('a PNG declared as text, and a program declared as an image', async () => {
      await expectRejected(formRequest([{ bytes: PNG, name: 'notes.txt', type: 'text/plain' }]), 422, 'mime_type_mismatch');
      await expectRejected(formRequest([{ bytes: EXE, name: 'cat.png', type: 'image/png' }]), 422, 'mime_type_mismatch');
    });

    it('binary content declared as text', async () => {
      const binary = Uint8Array.from([0x68, 0x69, 0x00, 0x01, 0x02, 0x03]);
      await expectRejected(formRequest([{ bytes: binary, name: 'a.txt', type: 'text/plain' }]), 422, 'mime_type_mismatch');
      await expectRejected(formRequest([{ bytes: binary, name: 'a.json', type: 'application/json' }]), 422, 'mime_type_mismatch');
    });

    it('without touching objects stored before', async () => {
      const kept = await upload(formRequest([{ bytes: text('kept') }]));
      await expectRejected(formRequest([{ bytes: text('kept') }, { bytes: text('kept') }]), 400, 'unexpected_field', [kept.storageKey]);
      expect(await readBytes(subject.storage, kept.storageKey)).toEqual(text('kept'));
    });
  });
});
