/**
 * `ticketflow/node`: helpers that need Node's file system, kept out of the main entry so that
 * `ticketflow` itself runs on every runtime with `fetch`.
 *
 * @module ticketflow/node
 * @packageDocumentation
 */
export { fileFromPath, type FileFromPathOptions } from './file-from-path.js';
export { FileFromPathError, type FileFromPathFailure } from './errors.js';
