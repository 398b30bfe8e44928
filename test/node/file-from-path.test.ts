/**
 * `ticketflow/node`'s fileFromPath: a file on disk becomes a named, typed, file-backed File, bad
 * paths fail with a typed error, and the SDK uploads it as a multipart part with the file's name.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Ticketflow } from '../../src/index.js';
import { fileFromPath, FileFromPathError } from '../../src/node/index.js';
import { json, scriptedFetch } from '../client/fake-fetch.js';

const dir = mkdtempSync(join(tmpdir(), 'ticketflow-file-from-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every byte value, so that a text decoding anywhere on the way would show.
const BYTES = Uint8Array.from({ length: 512 }, (_, i) => i % 256);

function tempFile(name: string, content: Uint8Array | string = BYTES): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** What a promise rejected with (fails the test if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.unreachable(`resolved with ${String(value)}`),
    (reason: unknown) => reason,
  );
}

describe('fileFromPath', () => {
  it('gives a File with the base name, a type from the extension, the size, the bytes and the mtime', async () => {
    const path = tempFile('vpn.LOG');
    const file = await fileFromPath(path);
    expect(file).toBeInstanceOf(File);
    expect(file.name).toBe('vpn.LOG');
    expect(file.type).toBe('text/plain');
    expect(file.size).toBe(BYTES.length);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(BYTES);
    expect(file.lastModified).toBe(Math.trunc(statSync(path).mtimeMs));
  });

  it('takes a file: URL', async () => {
    const file = await fileFromPath(pathToFileURL(tempFile('shot.png')));
    expect([file.name, file.type, file.size]).toEqual(['shot.png', 'image/png', BYTES.length]);
  });

  it('labels an unknown extension as opaque bytes, and lets an explicit name and type win', async () => {
    expect((await fileFromPath(tempFile('core.dump'))).type).toBe('application/octet-stream');
    expect((await fileFromPath(tempFile('no-extension'))).type).toBe('application/octet-stream');

    const renamed = await fileFromPath(tempFile('trace.tmp'), { name: 'trace.json' });
    expect([renamed.name, renamed.type]).toEqual(['trace.json', 'application/json']);
    const typed = await fileFromPath(tempFile('notes.txt'), { type: 'text/markdown', name: 'notes.md.txt' });
    expect([typed.name, typed.type]).toEqual(['notes.md.txt', 'text/markdown']);
  });

  it('reads from disk when read, not before: a file changed afterwards is refused, not sent stale', async () => {
    const path = tempFile('growing.log', 'first line\n');
    const file = await fileFromPath(path);
    writeFileSync(path, 'first line\nsecond line\n');
    // Node's documented guard for file-backed Blobs; a copy in memory would read the old bytes.
    expect(await rejection(file.text())).toMatchObject({ name: 'NotReadableError' });
  });

  it('fails with the path and ENOENT as the cause when the file is missing', async () => {
    const path = join(dir, 'missing.log');
    const error = await rejection(fileFromPath(path));
    expect(error).toBeInstanceOf(FileFromPathError);
    expect(error).toMatchObject({ reason: 'not-found', path, cause: { code: 'ENOENT' } });
    expect((error as Error).message).toContain(path);
  });

  it('refuses a directory and a device, naming the path', async () => {
    const directory = await rejection(fileFromPath(dir));
    expect(directory).toBeInstanceOf(FileFromPathError);
    expect(directory).toMatchObject({ reason: 'directory', path: dir });
    expect((directory as Error).message).toContain(`${dir}: is a directory`);

    expect(await rejection(fileFromPath('/dev/null'))).toMatchObject({ reason: 'not-a-file', path: '/dev/null' });
  });
});

describe('uploading a fileFromPath', () => {
  it.each([
    ['without', undefined],
    ['with', () => undefined],
  ])('sends it as the multipart file part with its name, type and bytes (%s upload progress)', async (_, onProgress) => {
    const { fetch, sent } = scriptedFetch([json(201, { id: 'a1', file_name: 'vpn.log' })]);
    const tf = new Ticketflow({ baseUrl: 'https://helpdesk.test', apiKey: 'tf_abcdefgh_secret', fetch });

    const file = await fileFromPath(tempFile('vpn.log'));
    await tf.attachments.upload('t1', file, { description: 'client log' }, onProgress ? { onProgress } : {});

    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe('https://helpdesk.test/v1/tickets/t1/attachments');
    expect(sent[0]!.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = sent[0]!.body as FormData;
    const part = form.get('file') as File;
    expect([part.name, part.type, part.size]).toEqual(['vpn.log', 'text/plain', BYTES.length]);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(BYTES);
    expect(form.get('description')).toBe('client log');
  });
});
