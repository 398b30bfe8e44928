/**
 * Why a path could not become a file to upload.
 *
 * @example
 * ```ts
 * const failure: FileFromPathFailure = error instanceof FileFromPathError ? error.reason : 'unreadable';
 * ```
 */
export type FileFromPathFailure = 'not-found' | 'directory' | 'not-a-file' | 'unreadable';

/**
 * Thrown by {@link fileFromPath} when the path is missing, a directory, not a regular file, or
 * cannot be read. The system error (`ENOENT`, `EACCES`, …), when there is one, is the `cause`.
 *
 * @example
 * ```ts
 * import { fileFromPath, FileFromPathError } from 'ticketflow/node';
 *
 * try {
 *   await fileFromPath('./logs/app.log');
 * } catch (error) {
 *   if (error instanceof FileFromPathError && error.reason === 'not-found') console.log('no log yet:', error.path);
 * }
 * ```
 */
export class FileFromPathError extends Error {
  override readonly name = 'FileFromPathError';
  /** The path (a `file:` URL as a path). */
  readonly path: string;
  /** What is wrong with it. */
  readonly reason: FileFromPathFailure;

  constructor(path: string, reason: FileFromPathFailure, options?: ErrorOptions) {
    super(`${path}: ${MESSAGES[reason]}`, options);
    this.path = path;
    this.reason = reason;
  }
}

const MESSAGES: Record<FileFromPathFailure, string> = {
  'not-found': 'no such file',
  directory: 'is a directory, not a file',
  'not-a-file': 'is not a regular file (a device, socket or pipe has no size to send up front)',
  unreadable: 'cannot be read',
};
