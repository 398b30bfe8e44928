/**
 * Receives one attachment from a `multipart/form-data` request: streams it into storage while
 * measuring, hashing and sniffing it, and files it under its content address. Every rejection
 * leaves storage as it was, and an oversized body is cut off instead of being read to the end.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Storage } from '../storage.js';
import { cleanFileName } from './file-name.js';
import { resolveMimeType, SNIFF_BYTES } from './mime-type.js';
import { UploadError } from './upload-error.js';

export { UploadError, type UploadErrorCode, type UploadErrorStatus } from './upload-error.js';

export interface ReceivedUpload {
  /** Base name as sent by the client, without directories or control characters. */
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  /** Lower-case hex. */
  sha256: string;
  /** `sha256/<2 hex>/<2 hex>/<64 hex>`: identical uploads share one object. */
  storageKey: string;
  description: string | null;
}

export interface ReceiveUploadOptions {
  /** Largest accepted file, in bytes (attachments.size_bytes allows at most 50 MiB). */
  maxBytes: number;
}

const MAX_DESCRIPTION_CHARS = 1000;
// What a valid form may carry besides the file: boundaries, at most two part headers (busboy
// caps each at 16 KiB) and the description (at most 4 UTF-8 bytes per character).
const FORM_OVERHEAD_BYTES = 64 * 1024;

export async function receiveUpload(
  request: Request,
  storage: Storage,
  { maxBytes }: ReceiveUploadOptions,
): Promise<ReceivedUpload> {
  const contentType = request.headers.get('content-type') ?? '';
  if (contentType.split(';', 1)[0]?.trim().toLowerCase() !== 'multipart/form-data') {
    throw new UploadError(415, 'unsupported_media_type', 'the request body must be multipart/form-data');
  }
  // A declared length that is certainly too large is refused before a byte is read or stored; the
  // body is left alone, for the server to drain or close as it sees fit.
  if (Number(request.headers.get('content-length')) > maxBytes + FORM_OVERHEAD_BYTES) throw tooLarge(maxBytes);
  if (!request.body) throw new UploadError(400, 'malformed_multipart', 'the request has no body');

  const tempKey = `tmp/${randomUUID()}`;
  const form = parseForm(request.body, contentType, maxBytes, (bytes) => storage.write(tempKey, bytes));
  try {
    const { file, description } = await form.result;
    if (file.size === 0) throw new UploadError(422, 'empty_file', 'the file is empty');
    const mimeType = await resolveMimeType(file.declaredType, file.head);
    const storageKey = `sha256/${file.sha256.slice(0, 2)}/${file.sha256.slice(2, 4)}/${file.sha256}`;
    await storage.move(tempKey, storageKey);
    return { fileName: file.name, mimeType, sizeBytes: file.size, sha256: file.sha256, storageKey, description };
  } catch (error) {
    // The write has been told to stop; wait until it has, or its last step (local: the rename of
    // the partial file) could recreate the object after this delete.
    await form.idle();
    await storage.delete(tempKey);
    throw error;
  }
}

const tooLarge = (maxBytes: number) =>
  new UploadError(413, 'payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`);

interface ReceivedFile {
  name: string;
  declaredType: string;
  size: number;
  sha256: string;
  /** The first SNIFF_BYTES bytes. */
  head: Uint8Array;
}

interface ParsedForm {
  file: ReceivedFile;
  description: string | null;
}

/**
 * Runs busboy over the body and hands the file's bytes to `write` as they arrive. `result` settles
 * once the form has been read and the write has finished, or at the first failure, at which point
 * the body is cancelled (no further chunk is pulled) and the write is made to fail.
 */
function parseForm(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  maxBytes: number,
  write: (bytes: AsyncIterable<Uint8Array>) => Promise<void>,
): { result: Promise<ParsedForm>; idle: () => Promise<void> } {
  let writing: Promise<unknown> = Promise.resolve();
  const result = new Promise<ParsedForm>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        // Browsers send file names as raw UTF-8; busboy's default would read them as Latin-1.
        defParamCharset: 'utf8',
        // Truncation is reported, and refused, below; the limit only bounds what is buffered.
        limits: { fieldSize: MAX_DESCRIPTION_CHARS * 4 + 1 },
      });
    } catch (error) {
      // No boundary, unparsable Content-Type. The body is left untouched, as for a 415.
      reject(malformed(error));
      return;
    }
    const source = Readable.fromWeb(body);

    let failed = false;
    let fileStream: Readable | undefined;
    const fail = (reason: unknown) => {
      if (failed) return;
      failed = true;
      const error = reason instanceof Error ? reason : new Error(String(reason));
      // Destroying the source cancels the web stream, so nothing more is read from the client.
      source.destroy();
      parser.destroy();
      // Makes the write's source throw, so the write settles and removes what it wrote.
      fileStream?.destroy(error);
      reject(error);
    };

    // The raw body is bounded too: busboy silently discards an oversized description, a preamble
    // or an epilogue, but would still read them to the end.
    let bodyBytes = 0;
    source.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.byteLength;
      if (bodyBytes > maxBytes + FORM_OVERHEAD_BYTES) fail(tooLarge(maxBytes));
    });
    source.on('error', () => fail(new UploadError(400, 'request_aborted', 'the request body could not be read to the end')));
    parser.on('error', (error) => fail(malformed(error)));

    let file: Promise<ReceivedFile> | undefined;
    let description: string | null | undefined;
    parser.on('file', (name, stream, info) => {
      // Every file stream is destroyed with an error on failure (by busboy or by fail()), also the
      // ones that are never read; what went wrong is reported once, through fail().
      stream.on('error', () => undefined);
      if (name !== 'file') return fail(unexpectedField(name));
      if (file) return fail(new UploadError(400, 'unexpected_field', 'only one file may be uploaded'));
      const fileName = cleanFileName(info.filename);
      if (fileName === undefined) {
        return fail(new UploadError(400, 'invalid_file_name', 'the file name must be 1 to 255 characters, without directories'));
      }
      fileStream = stream;
      const meter = measure(stream, maxBytes, fail);
      writing = write(meter.bytes);
      file = writing.then(() => ({ name: fileName, declaredType: info.mimeType, ...meter.summary() }));
      // A storage error is not an UploadError and reaches the caller as it is.
      file.catch(fail);
    });
    parser.on('field', (name, value, info) => {
      if (name === 'file') return fail(new UploadError(400, 'missing_file', 'the "file" field must be a file, not text'));
      if (name !== 'description' || description !== undefined) return fail(unexpectedField(name));
      if (info.valueTruncated || [...value].length > MAX_DESCRIPTION_CHARS) {
        return fail(new UploadError(400, 'description_too_long', `the description is longer than ${MAX_DESCRIPTION_CHARS} characters`));
      }
      description = value.trim() === '' ? null : value;
    });
    // 'close' follows the end of the form, after the file stream has been read to its end.
    parser.on('close', () => {
      if (failed) return;
      if (!file) return fail(new UploadError(400, 'missing_file', 'the form has no file field named "file"'));
      file.then((received) => {
        if (!failed) resolve({ file: received, description: description ?? null });
      }, fail);
    });

    source.pipe(parser);
  });
  return { result, idle: () => writing.then(() => undefined, () => undefined) };
}

/**
 * Passes the file's bytes through while counting, hashing and keeping the head for sniffing, so
 * the file is read exactly once and never held in memory.
 */
function measure(stream: Readable, maxBytes: number, abort: (error: UploadError) => void) {
  const hash = createHash('sha256');
  const head = new Uint8Array(SNIFF_BYTES);
  let headSize = 0;
  let size = 0;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        // abort() first: it stops the request body now rather than when the write has unwound.
        const error = tooLarge(maxBytes);
        abort(error);
        throw error;
      }
      hash.update(chunk);
      if (headSize < SNIFF_BYTES) {
        const part = chunk.subarray(0, SNIFF_BYTES - headSize);
        head.set(part, headSize);
        headSize += part.byteLength;
      }
      yield chunk;
    }
  }
  return {
    bytes: bytes(),
    summary: () => ({ size, sha256: hash.digest('hex'), head: head.subarray(0, headSize) }),
  };
}

const malformed = (error: unknown) =>
  new UploadError(400, 'malformed_multipart', `malformed multipart body: ${error instanceof Error ? error.message : String(error)}`);

const unexpectedField = (name: string) =>
  new UploadError(400, 'unexpected_field', `unexpected field "${name}": only "file" and "description" are accepted`);
