/**
 * Where attachment bytes live. Rows in `attachments` hold the key; the bytes are here. The server
 * uses the local directory by default and memory in tests.
 *
 * The interface is streaming-only so that an upload never has to fit in memory, and small enough
 * that an S3-compatible store can implement it with one or two requests per method:
 *
 * - `write`  — `@aws-sdk/lib-storage` `Upload` (multipart upload fed part by part from `source`).
 *              S3 shows an object only once the upload completes, which gives the same "no reader
 *              sees half an object" guarantee as the local temp-file-and-rename; on failure, abort
 *              the multipart upload (and keep a lifecycle rule that aborts forgotten ones).
 * - `read`   — `GetObject`: `Body.transformToWebStream()` and `ContentLength`; `NoSuchKey` → undefined.
 * - `exists` — `HeadObject`; `NotFound` → false.
 * - `delete` — `DeleteObject`, which already succeeds when the key is absent.
 * - `move`   — S3 has no rename: `HeadObject(to)`; if absent `CopyObject(from → to)` (or
 *              `UploadPartCopy` above 5 GB); then `DeleteObject(from)`. The check-then-copy race is
 *              harmless because `move` is only used for content-addressed keys, where two writers of
 *              the same key write the same bytes.
 */
import { createWriteStream } from 'node:fs';
import { link, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  stream: ReadableStream<Uint8Array>;
  size: number;
}

export interface Storage {
  /** The value stored in `attachments.storage_provider`. */
  readonly provider: 'local' | 'memory';
  /**
   * Stores the bytes of `source` under `key`, replacing any previous object. The object appears
   * only once `source` has ended; if `source` throws, nothing is stored and the error propagates.
   */
  write(key: string, source: AsyncIterable<Uint8Array>): Promise<void>;
  /** The object's bytes and size, or undefined when there is no object under `key`. */
  read(key: string): Promise<StoredObject | undefined>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; succeeds when there is none. */
  delete(key: string): Promise<void>;
  /**
   * Renames `from` to `to`. When `to` already exists it is kept and `from` is deleted: `to` is a
   * content-addressed key, so an existing object there already holds the same bytes (deduplication).
   */
  move(from: string, to: string): Promise<void>;
}

/** Adapts bytes already in memory (seed data, tests) to `write`'s streaming signature. */
export const bytesSource = (data: Uint8Array): AsyncIterable<Uint8Array> => Readable.from([data]);

export interface MemoryStorage extends Storage {
  /** Every stored key, so tests can assert that a failed upload left nothing behind. */
  keys(): string[];
}

export function memoryStorage(): MemoryStorage {
  const objects = new Map<string, Uint8Array>();
  return {
    provider: 'memory',
    async write(key, source) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of source) {
        chunks.push(chunk);
        size += chunk.byteLength;
      }
      // One copy, made only once the source ended: a failed write stores nothing, and the object
      // does not keep alive (or share) the caller's chunk buffers.
      const data = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        data.set(chunk, offset);
        offset += chunk.byteLength;
      }
      objects.set(key, data);
    },
    read(key) {
      const data = objects.get(key);
      if (!data) return Promise.resolve(undefined);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          // A copy, so a consumer that mutates its chunks cannot change the stored object.
          controller.enqueue(data.slice());
          controller.close();
        },
      });
      return Promise.resolve({ stream, size: data.byteLength });
    },
    exists: (key) => Promise.resolve(objects.has(key)),
    delete(key) {
      objects.delete(key);
      return Promise.resolve();
    },
    move(from, to) {
      const data = objects.get(from);
      if (!data) return Promise.reject(new Error(`no object to move: ${from}`));
      if (!objects.has(to)) objects.set(to, data);
      objects.delete(from);
      return Promise.resolve();
    },
    keys: () => [...objects.keys()],
  };
}

/** Errors that mean "there is no object under this key". ENOTDIR: a key's parent is a file. */
const isMissing = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

export function localStorage(root: string): Storage {
  const base = resolve(root);
  // Keys are generated by the server, but a key must still never reach outside the root.
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    if (!path.startsWith(base + sep)) throw new Error(`storage key escapes the storage root: ${key}`);
    return path;
  };
  const exists = async (key: string) => {
    try {
      return (await stat(pathOf(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  };
  return {
    provider: 'local',
    async write(key, source) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Same directory as the target, so the rename is atomic (same file system); the dot prefix
      // and random part keep it from ever being mistaken for, or colliding with, a real key.
      const partial = join(dirname(path), `.${basename(path)}.${randomUUID()}.partial`);
      try {
        await pipeline(source, createWriteStream(partial, { flags: 'wx' }));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    },
    async read(key) {
      let handle;
      try {
        // Open before stat: the size and the bytes then come from the same file even if the key
        // is replaced or deleted in between.
        handle = await open(pathOf(key));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      try {
        const info = await handle.stat();
        if (!info.isFile()) {
          await handle.close();
          return undefined;
        }
        // The read stream owns the handle from here: it closes it on end, error or cancel.
        const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
        return { stream, size: info.size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },
    exists,
    async delete(key) {
      try {
        await unlink(pathOf(key));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    },
    async move(from, to) {
      const source = pathOf(from);
      const target = pathOf(to);
      await mkdir(dirname(target), { recursive: true });
      try {
        // link() fails with EEXIST instead of replacing: "keep the existing object" without a
        // check-then-rename race between two uploads of the same bytes.
        await link(source, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
          // File systems without hard links: replacing same-content bytes is harmless.
          if (!(await exists(to))) await rename(source, target);
        } else if (code !== 'EEXIST') {
          throw error;
        }
      }
      await rm(source, { force: true });
    },
  };
}

export const attachmentsDir = (dataDir: string) => join(dataDir, 'attachments');
