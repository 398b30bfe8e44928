/**
 * Start-up cleanup of the local attachment directory after a crash. An upload stores its bytes
 * before the row that refers to them commits (receive-middleware.ts), and a running server removes
 * the bytes again when no row follows. A process killed in between cannot, and leaves files no row
 * refers to: partial writes (`.*.partial`), temporary objects (`tmp/`), and complete objects whose
 * row never committed. The next start removes them before it serves.
 *
 * Objects go through `removeIfUnreferenced`, which takes the key's lock and looks for rows again,
 * so an upload of the same bytes through another instance (PostgreSQL, shared directory) keeps its
 * object. Temporary files are removed only when they were last written before this process
 * started: one still being written belongs to a live upload elsewhere.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Database } from '../db/database.js';
import type { Storage } from '../storage.js';
import { removeIfUnreferenced } from './stored-objects.js';

export interface StrandedFilesResult {
  /** Objects that no row referred to. */
  objects: number;
  /** Partial and temporary files of interrupted writes. */
  temporary: number;
}

const BATCH = 500;

/**
 * Removes what interrupted uploads left in `root`, the directory behind `storage`.
 *
 * @example
 * const removed = await removeStrandedFiles(db, storage, attachmentsDir(dataDir), { writtenBefore: startedAt });
 */
export async function removeStrandedFiles(
  db: Database,
  storage: Storage,
  root: string,
  { writtenBefore }: { writtenBefore: Date },
): Promise<StrandedFilesResult> {
  const result: StrandedFilesResult = { objects: 0, temporary: 0 };
  const keys: string[] = [];
  for await (const path of filesUnder(root)) {
    const key = relative(root, path).split(sep).join('/');
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (key.startsWith('tmp/') || (name.startsWith('.') && name.endsWith('.partial'))) {
      if ((await stat(path)).mtime < writtenBefore) {
        await rm(path, { force: true });
        result.temporary++;
      }
    } else {
      keys.push(key);
    }
  }
  for (let start = 0; start < keys.length; start += BATCH) {
    const batch = keys.slice(start, start + BATCH);
    const { rows } = await db.query<{ storage_key: string }>(
      'select distinct storage_key from attachments where storage_key = any($1::text[])',
      [batch],
    );
    const referenced = new Set(rows.map((row) => row.storage_key));
    for (const key of batch) {
      if (!referenced.has(key) && (await removeIfUnreferenced(db, storage, key))) result.objects++;
    }
  }
  return result;
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    // No directory yet: nothing was ever uploaded.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}
