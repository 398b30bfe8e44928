/**
 * Receiving an attachment upload as the server does (examples/server/src/attachments/): one
 * `multipart/form-data` body with a part `file` (a file) and optionally `description` (text), read
 * in the order sent and refused at the first broken part, with the server's codes and wording; then
 * the size, emptiness and type checks. The server streams the body; the mock has it whole, so the
 * same checks run over the parsed parts.
 */
import { mediaType, parseMultipart, type FormPart } from '../multipart.js';
import { MockProblem } from '../problems.js';
import { sha256Hex } from '../sha256.js';
import { resolveMimeType } from './mime-type.js';

/** Largest accepted file: attachments.size_bytes allows at most 50 MiB. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const MAX_DESCRIPTION_CHARS = 1000;
const MAX_FILE_NAME_CHARS = 255;
/** Boundaries, part headers and the description a valid form may carry besides the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/**
 * An upload the server would accept, before the route decides where it may go.
 *
 * @example
 * ```ts
 * const upload: ReceivedUpload = { fileName: 'a.txt', mimeType: 'text/plain', sizeBytes: 1, sha256: '…', content, description: null };
 * ```
 */
export interface ReceivedUpload {
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  /** Lower-case hex. */
  sha256: string;
  content: Uint8Array<ArrayBuffer>;
  description: string | null;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The cleaned base name (no directories, control characters or bidi overrides), or undefined when nothing usable is left. */
export function cleanFileName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = (raw.replace(UNSAFE, '').split(/[/\\]/).at(-1) ?? '').normalize('NFC').trim();
  if (name === '' || name === '.' || name === '..') return undefined;
  return [...name].length <= MAX_FILE_NAME_CHARS ? name : undefined;
}

const upload = (status: number, code: ConstructorParameters<typeof MockProblem>[1], message: string) => new MockProblem(status, code, message);

const tooLarge = (maxBytes: number) => upload(413, 'payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`);

const unexpectedField = (name: string | undefined) =>
  upload(400, 'unexpected_field', `unexpected field "${name ?? 'undefined'}": only "file" and "description" are accepted`);

/**
 * The upload in a request's body (its Content-Type and bytes), or the server's refusal of it:
 * 415 for a body that is not `multipart/form-data`, 413 past the size limit, 400 for a form that
 * is malformed or holds other fields, 422 for an empty file or one whose bytes contradict its type.
 */
export function receiveUpload(contentType: string | undefined, body: Uint8Array, maxBytes = MAX_UPLOAD_BYTES): ReceivedUpload {
  if (mediaType(contentType) !== 'multipart/form-data') throw upload(415, 'unsupported_media_type', 'the request body must be multipart/form-data');
  if (body.byteLength > maxBytes + FORM_OVERHEAD_BYTES) throw tooLarge(maxBytes);
  const parsed = parseMultipart(contentType!, body);
  if ('error' in parsed) throw upload(400, 'malformed_multipart', `malformed multipart body: ${parsed.error}`);
  let file: Extract<FormPart, { kind: 'file' }> | undefined;
  let fileName: string | undefined;
  let description: string | null | undefined;
  for (const part of parsed.parts) {
    if (part.kind === 'file') {
      if (part.name !== 'file') throw unexpectedField(part.name);
      if (file) throw upload(400, 'unexpected_field', 'only one file may be uploaded');
      fileName = cleanFileName(part.fileName);
      if (fileName === undefined) throw upload(400, 'invalid_file_name', 'the file name must be 1 to 255 characters, without directories');
      if (part.bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
      file = part;
    } else {
      if (part.name === 'file') throw upload(400, 'missing_file', 'the "file" field must be a file, not text');
      if (part.name !== 'description' || description !== undefined) throw unexpectedField(part.name);
      if ([...part.value].length > MAX_DESCRIPTION_CHARS) {
        throw upload(400, 'description_too_long', `the description is longer than ${MAX_DESCRIPTION_CHARS} characters`);
      }
      description = part.value.trim() === '' ? null : part.value;
    }
  }
  if (!file || fileName === undefined) throw upload(400, 'missing_file', 'the form has no file field named "file"');
  if (file.bytes.byteLength === 0) throw upload(422, 'empty_file', 'the file is empty');
  const mimeType = resolveMimeType(file.type, file.bytes);
  return { fileName, mimeType, sizeBytes: file.bytes.byteLength, sha256: sha256Hex(file.bytes), content: file.bytes, description: description ?? null };
}

/** What makes two uploads "the same request" to `Idempotency-Key`, as the server hashes them. */
export const uploadIdentity = (received: ReceivedUpload) =>
  `upload:${received.sha256}:${received.fileName}:${received.mimeType}:${received.description ?? ''}`;
