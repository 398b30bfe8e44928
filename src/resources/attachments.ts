/**
 * `tf.attachments`: files on tickets and comments. Uploads take a `Blob`/`File`, bytes, or a web
 * stream or async iterable of bytes (Node streams are async iterables). Streams are read into
 * memory before sending (the API takes files up to 50 MiB); on Node, a file on disk is best passed
 * as `await fileFromPath(path)` from `ticketflow/node`: a File read as it is sent.
 * Both directions report progress.
 */
import { APIPromise } from '../core/api-promise.js';
import type { ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { ApiRequest, ProgressCallback, RequestOptions } from '../core/transport.js';

/**
 * What an upload may be made from: a `Blob` or `File`, bytes, or a web stream or async iterable of
 * bytes (a Node stream). A Blob is sent as it is read; the others are read into memory first.
 *
 * @example
 * ```ts
 * import { fileFromPath } from 'ticketflow/node';
 *
 * const source: UploadSource = await fileFromPath('./app.log'); // Node: a file on disk, read as it is sent
 * await tf.attachments.upload(ticketId, source); // a File brings its name and type
 * ```
 */
export type UploadSource = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * What to call an uploaded file and how to describe it.
 *
 * @example
 * ```ts
 * const params: UploadParams = { filename: 'error.png', contentType: 'image/png', description: 'The error dialog' };
 * await tf.attachments.upload(ticketId, pngBytes, params);
 * ```
 */
export interface UploadParams {
  /** The file's name; taken from a `File` when not given, required otherwise. */
  filename?: string;
  /** Its media type, when the source does not say (a `Blob`'s `type`); the server checks the content anyway. */
  contentType?: string;
  /** What the file shows. */
  description?: string;
}

/**
 * Request options of an upload, with progress as the file goes out.
 *
 * @example
 * ```ts
 * const options: UploadOptions = { timeout: 120_000, onProgress: ({ percent }) => console.log(`${Math.round(percent * 100)} %`) };
 * await tf.attachments.upload(ticketId, file, {}, options); // a File brings its own name
 * ```
 */
export interface UploadOptions extends RequestOptions {
  /** Called as the file goes out. */
  onProgress?: ProgressCallback;
}

/**
 * Request options of a download, with progress as the file comes in.
 *
 * @example
 * ```ts
 * const options: DownloadOptions = { onProgress: (p) => console.log(`${p.transferredBytes} of ${p.totalBytes} bytes`) };
 * const blob = await tf.attachments.download(attachmentId, options);
 * ```
 */
export interface DownloadOptions extends RequestOptions {
  /** Called as the file comes in. */
  onProgress?: ProgressCallback;
}

/**
 * `tf.attachments`: files on tickets and comments, uploaded from a Blob, bytes or a stream, and
 * downloaded as a Blob or a stream, both with progress.
 *
 * @example
 * ```ts
 * const file = await tf.attachments.upload(ticketId, new Blob(['disk full\n'], { type: 'text/plain' }), { filename: 'df.txt' });
 * const content = await tf.attachments.download(file.id);
 * console.log(file.file_name, await content.text());
 * ```
 */
export class Attachments extends Resource {
  /**
   * A ticket's files (those of its comments included).
   *
   * @example
   * ```ts
   * for await (const file of tf.attachments.listForTicket(ticketId)) console.log(file.file_name, file.size_bytes);
   * ```
   */
  listForTicket(ticketId: string, query?: ListQueryOf<'listTicketAttachments'>, options?: RequestOptions): PagePromise<ItemOf<'listTicketAttachments'>> {
    return this.paginate({ operation: 'listTicketAttachments', method: 'GET', path: path`/v1/tickets/${ticketId}/attachments`, query, options });
  }

  /**
   * A comment's files.
   *
   * @example
   * ```ts
   * const { data } = await tf.attachments.listForComment(ticketId, commentId);
   * ```
   */
  listForComment(ticketId: string, commentId: string, query?: ListQueryOf<'listCommentAttachments'>, options?: RequestOptions): PagePromise<ItemOf<'listCommentAttachments'>> {
    return this.paginate({ operation: 'listCommentAttachments', method: 'GET', path: path`/v1/tickets/${ticketId}/comments/${commentId}/attachments`, query, options });
  }

  /**
   * Attaches a file to a ticket.
   *
   * @example
   * ```ts
   * const log = new Blob(['2026-12-05 boom\n'], { type: 'text/plain' });
   * const file = await tf.attachments.upload(ticketId, log, { filename: 'app.log' }, { onProgress: (p) => console.log(p.percent) });
   * ```
   */
  upload(ticketId: string, source: UploadSource, params: UploadParams = {}, options: UploadOptions = {}): APIPromise<ResultOf<'uploadAttachment'>> {
    return this.#upload({ operation: 'uploadAttachment', method: 'POST', path: path`/v1/tickets/${ticketId}/attachments` }, source, params, options);
  }

  /**
   * Attaches a file to a comment.
   *
   * @example
   * ```ts
   * await tf.attachments.uploadToComment(ticketId, commentId, screenshot, { filename: 'screen.png' });
   * ```
   */
  uploadToComment(ticketId: string, commentId: string, source: UploadSource, params: UploadParams = {}, options: UploadOptions = {}): APIPromise<ResultOf<'uploadCommentAttachment'>> {
    return this.#upload({ operation: 'uploadCommentAttachment', method: 'POST', path: path`/v1/tickets/${ticketId}/comments/${commentId}/attachments` }, source, params, options);
  }

  /**
   * A file's details (name, type, size, checksum).
   *
   * @example
   * ```ts
   * const file = await tf.attachments.get(attachmentId);
   * ```
   */
  get(attachmentId: string, options?: RequestOptions): APIPromise<ResultOf<'getAttachment'>> {
    return this.call({ operation: 'getAttachment', method: 'GET', path: path`/v1/attachments/${attachmentId}`, options });
  }

  /**
   * Deletes a file.
   *
   * @example
   * ```ts
   * await tf.attachments.delete(attachmentId);
   * ```
   */
  delete(attachmentId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteAttachment', method: 'DELETE', path: path`/v1/attachments/${attachmentId}`, options });
  }

  /**
   * A file's content, as a `Blob` (`withResponse()` for its headers), or as a stream with
   * `downloadStream`.
   *
   * @example
   * ```ts
   * const blob = await tf.attachments.download(attachmentId, { onProgress: (p) => console.log(p.transferredBytes) });
   * ```
   */
  download(attachmentId: string, options: DownloadOptions = {}): APIPromise<Blob> {
    return new APIPromise(
      this.#fetchContent(attachmentId, options).then(async (response) => ({ data: await response.blob(), response })),
    );
  }

  /**
   * A file's content as a stream, read as it arrives (for large files).
   *
   * @example
   * ```ts
   * const stream = await tf.attachments.downloadStream(attachmentId);
   * for await (const chunk of stream) process.stdout.write(chunk);
   * ```
   */
  async downloadStream(attachmentId: string, options: DownloadOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#fetchContent(attachmentId, options);
    return response.body ?? new Blob([]).stream();
  }

  #fetchContent(attachmentId: string, { onProgress, ...options }: DownloadOptions): Promise<Response> {
    return this.transport.send(
      { operation: 'downloadAttachment', method: 'GET', path: path`/v1/attachments/${attachmentId}/content`, options, progress: { download: onProgress } },
      '*/*',
    );
  }

  #upload<T>(route: Pick<ApiRequest, 'operation' | 'method' | 'path'>, source: UploadSource, params: UploadParams, { onProgress, ...options }: UploadOptions): APIPromise<T> {
    return new APIPromise<T>(
      toBlob(source, params.contentType).then((blob) => {
        const filename = params.filename ?? (typeof File !== 'undefined' && source instanceof File ? source.name : undefined);
        if (!filename) throw new TypeError('upload needs a filename (pass params.filename, or a File)');
        const form = new FormData();
        form.append('file', blob, filename);
        if (params.description !== undefined) form.append('description', params.description);
        return this.transport.request<T>({ ...route, body: form, options, progress: { upload: onProgress } });
      }),
    );
  }
}

/** Any upload source as a Blob (a Blob, such as one from `fs.openAsBlob`, is not read into memory). */
async function toBlob(source: UploadSource, contentType: string | undefined): Promise<Blob> {
  const type = contentType ?? (source instanceof Blob ? source.type : '');
  if (source instanceof Blob) return contentType === undefined ? source : new Blob([source], { type });
  if (source instanceof ArrayBuffer) return new Blob([source], { type });
  // Copies, so that a view of a shared or larger buffer becomes exactly its own bytes.
  if (source instanceof Uint8Array) return new Blob([new Uint8Array(source)], { type });
  if (source instanceof ReadableStream) return new Blob([await new Response(source).arrayBuffer()], { type });
  if (typeof source === 'string' || !(Symbol.asyncIterator in source || Symbol.iterator in source)) {
    throw new TypeError('upload source must be a Blob, bytes, a ReadableStream or an async iterable of bytes');
  }
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of source) {
    // Bytes of any realm (a Node Buffer is a Uint8Array); a number would silently become zeros.
    if (!ArrayBuffer.isView(chunk)) throw new TypeError('an upload stream must yield bytes (Uint8Array)');
    chunks.push(new Uint8Array(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer));
  }
  return new Blob(chunks, { type });
}
