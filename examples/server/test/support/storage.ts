/** Storage helpers for tests: whole-object reads and listings, which production code never needs. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { localStorage, memoryStorage, type Storage } from '../../src/storage.js';

/** The object's bytes, or undefined when there is none. */
export async function readBytes(storage: Storage, key: string): Promise<Uint8Array | undefined> {
  const object = await storage.read(key);
  return object && new Uint8Array(await new Response(object.stream).arrayBuffer());
}

/** Every file under a local storage root (including partial files), as '/'-separated keys. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** One storage implementation under test, with a way to see everything it holds. */
export interface StorageSubject {
  storage: Storage;
  /** Everything in storage, including partial files on disk. */
  keys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Each implementation, fresh: memory, and local disk in a temporary directory. */
export const storageSubjects: Record<string, () => Promise<StorageSubject>> = {
  memory: () => {
    const storage = memoryStorage();
    return Promise.resolve({ storage, keys: () => Promise.resolve(storage.keys().sort()), cleanup: () => Promise.resolve() });
  },
  local: async () => {
    const root = await mkdtemp(join(tmpdir(), 'ticketflow-storage-'));
    return { storage: localStorage(root), keys: () => listFiles(root), cleanup: () => rm(root, { recursive: true, force: true }) };
  },
};
