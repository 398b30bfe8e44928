import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentTypeOf } from './content-type.js';
import { FileFromPathError } from './errors.js';

/**
 * The name and media type {@link fileFromPath} gives the file instead of those its path suggests.
 *
 * @example
 * ```ts
 * const trace = await fileFromPath('/tmp/capture-4711', { name: 'capture.har', type: 'application/json' });
 * ```
 */
export interface FileFromPathOptions {
  /** The media type; guessed from the name's extension when not given (`application/octet-stream` if unknown). */
  type?: string;
  /** The file name sent with the upload; the path's last segment when not given. */
  name?: string;
}

/**
 * A file on disk as a `File`, for `tf.attachments.upload`: it carries the name and media type, and
 * its bytes are read from disk as the upload is sent, not loaded into memory first.
 *
 * The file must not change until the upload has been sent: Node then refuses to read it
 * (`NotReadableError`) rather than send a mix of old and new bytes.
 *
 * @param path - A file path, or a `file:` URL.
 * @throws {@link FileFromPathError} when the path is missing, a directory or otherwise not a
 *   regular file, or cannot be read.
 *
 * @example
 * ```ts
 * import { Ticketflow } from 'ticketflow';
 * import { fileFromPath } from 'ticketflow/node';
 *
 * const tf = new Ticketflow({ baseUrl: 'https://helpdesk.example.com', apiKey: process.env.TICKETFLOW_API_KEY! });
 * await tf.attachments.upload(ticketId, await fileFromPath('./logs/app.log'));
 * await tf.attachments.upload(ticketId, await fileFromPath('./out/trace', { name: 'trace.har', type: 'application/json' }));
 * ```
 */
export async function fileFromPath(path: string | URL, options: FileFromPathOptions = {}): Promise<File> {
  const filePath = typeof path === 'string' ? path : fileURLToPath(path);
  const stats = await stat(filePath).catch((error: unknown) => {
    throw new FileFromPathError(filePath, systemCode(error) === 'ENOENT' ? 'not-found' : 'unreadable', { cause: error });
  });
  if (stats.isDirectory()) throw new FileFromPathError(filePath, 'directory');
  if (!stats.isFile()) throw new FileFromPathError(filePath, 'not-a-file');

  const name = options.name ?? basename(filePath);
  const type = options.type ?? contentTypeOf(name);
  const blob = await openAsBlob(filePath, { type }).catch((error: unknown) => {
    throw new FileFromPathError(filePath, 'unreadable', { cause: error });
  });
  // A File made of a file-backed Blob stays file-backed: wrapping adds the name without reading.
  // lastModified is whole milliseconds in browsers' Files; Node would keep the fraction.
  return new File([blob], name, { type, lastModified: Math.trunc(stats.mtimeMs) });
}

function systemCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
