/**
 * The start-up cleanup of the local attachment directory: what an upload interrupted by a crash
 * leaves behind goes, everything a row refers to (and every write still in progress) stays. The
 * crash suite (reliability/crash.reliability.ts) checks the same end to end with kill -9.
 */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStrandedFiles } from '../src/attachments/stranded-files.js';
import { localStorage } from '../src/storage.js';
import { createTestDatabase, engines, type TestDatabase } from './support/test-database.js';
import { buildWorld } from './support/world.js';

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(async (entry) => (entry.isDirectory() ? filesUnder(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name)).split(sep).join('/')])),
  );
  return nested.flat().sort();
}

describe.each(engines)('removeStrandedFiles (%s)', (engine) => {
  let database: TestDatabase;
  let root: string;
  let referenced: string;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await database.db.transaction((tx) => buildWorld(tx));
    const { rows } = await database.db.query<{ storage_key: string }>('select storage_key from attachments order by storage_key limit 1');
    referenced = rows[0]!.storage_key;
    root = await mkdtemp(join(tmpdir(), 'tf-stranded-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await database.drop();
  });

  const put = async (key: string, at: Date) => {
    const path = join(root, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, key);
    await utimes(path, at, at);
  };

  it('removes unreferenced objects and old partial writes, and keeps referenced objects and live writes', async () => {
    const startedAt = new Date();
    const before = new Date(startedAt.getTime() - 3600_000);
    const after = new Date(startedAt.getTime() + 3600_000);
    const orphan = `sha256/ab/cd/${'ab'.repeat(32)}`;
    await put(referenced, before);
    await put(orphan, before);
    await put('attachments/4f7c1a2e-0b1d-4c5e-8f9a-1b2c3d4e5f60', before);
    await put('tmp/0b5a1e7c-3d2f-4a6b-9c8d-7e6f5a4b3c2d', before);
    await put(`sha256/ab/cd/.${'ab'.repeat(32)}.1f2e3d4c.partial`, before);
    // Written after this process started: an upload of another instance, still going.
    await put('tmp/.live.5e6f7a8b.partial', after);
    const storage = localStorage(root);

    const removed = await removeStrandedFiles(database.db, storage, root, { writtenBefore: startedAt });

    expect(removed).toEqual({ objects: 2, temporary: 2 });
    expect(await filesUnder(root)).toEqual([referenced, 'tmp/.live.5e6f7a8b.partial'].sort());
  });

  it('does nothing when nothing was ever uploaded', async () => {
    const missing = join(root, 'never-created');
    expect(await removeStrandedFiles(database.db, localStorage(missing), missing, { writtenBefore: new Date() })).toEqual({ objects: 0, temporary: 0 });
  });
});
