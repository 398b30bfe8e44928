/** Storage helpers for tests: whole-object reads and listings, which production code never needs. */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Storage } from '../../src/storage.js';

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
