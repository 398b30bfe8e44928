/**
 * The Storage contract that uploads rely on, for each implementation: streamed writes that appear
 * whole or not at all, moves that keep an existing target, deletes that tolerate absence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesSource, localStorage, type Storage } from '../src/storage.js';
import { listFiles, readBytes, storageSubjects, type StorageSubject } from './support/storage.js';

const text = (value: string) => new TextEncoder().encode(value);

async function* failingSource(): AsyncIterable<Uint8Array> {
  yield text('half of ');
  await Promise.resolve();
  throw new Error('client went away');
}


describe.each(Object.keys(storageSubjects))('%s storage', (kind) => {
  let subject: StorageSubject;
  let storage: Storage;
  beforeEach(async () => {
    subject = await storageSubjects[kind]!();
    storage = subject.storage;
  });
  afterEach(() => subject.cleanup());

  it('writes from a stream of chunks and reads back the bytes and size', async () => {
    async function* chunks() {
      yield text('hello, ');
      await Promise.resolve();
      yield text('world');
    }
    await storage.write('a/b/c', chunks());
    expect(await storage.exists('a/b/c')).toBe(true);
    expect((await storage.read('a/b/c'))?.size).toBe(12);
    expect(new TextDecoder().decode(await readBytes(storage, 'a/b/c'))).toBe('hello, world');
    expect(await subject.keys()).toEqual(['a/b/c']);
  });

  it('stores nothing when the source fails, and keeps the previous object', async () => {
    await expect(storage.write('x', failingSource())).rejects.toThrow('client went away');
    expect(await subject.keys()).toEqual([]);
    await storage.write('x', bytesSource(text('old')));
    await expect(storage.write('x', failingSource())).rejects.toThrow('client went away');
    expect(await readBytes(storage, 'x')).toEqual(text('old'));
    expect(await subject.keys()).toEqual(['x']);
  });

  it('reports absent objects without errors', async () => {
    expect(await storage.read('nope')).toBeUndefined();
    expect(await storage.exists('nope')).toBe(false);
    await storage.delete('nope');
    await storage.write('dir/file', bytesSource(text('x')));
    expect(await storage.exists('dir')).toBe(false);
    expect(await storage.read('dir/file/below')).toBeUndefined();
  });

  it('moves an object, and on an existing target keeps the target and drops the source', async () => {
    await storage.write('tmp/1', bytesSource(text('first')));
    await storage.move('tmp/1', 'final/key');
    expect(await subject.keys()).toEqual(['final/key']);
    await storage.write('tmp/2', bytesSource(text('second')));
    await storage.move('tmp/2', 'final/key');
    expect(await subject.keys()).toEqual(['final/key']);
    expect(await readBytes(storage, 'final/key')).toEqual(text('first'));
    await expect(storage.move('tmp/missing', 'final/other')).rejects.toThrow();
  });

  it('deletes', async () => {
    await storage.write('k', bytesSource(text('x')));
    await storage.delete('k');
    expect(await storage.exists('k')).toBe(false);
    expect(await subject.keys()).toEqual([]);
  });
});

describe('local storage', () => {
  it('refuses keys outside its root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ticketflow-storage-'));
    try {
      const storage = localStorage(join(root, 'store'));
      for (const key of ['../outside', '/etc/passwd', '', 'a/../../outside']) {
        await expect(storage.write(key, bytesSource(text('x')))).rejects.toThrow('escapes the storage root');
        await expect(storage.read(key)).rejects.toThrow('escapes the storage root');
      }
      await expect(storage.move(join('..', 'x'), 'y')).rejects.toThrow('escapes the storage root');
      expect(await listFiles(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
