/** What every resource module is built on: a transport and two ways to call it. */
import { APIPromise } from './api-promise.js';
import { PagePromise, type Page } from './pagination.js';
import type { ApiRequest, RequestOptions, Transport } from './transport.js';

/**
 * Request options of the operations that take an ETag (`If-Match`).
 *
 * @example
 * ```ts
 * const { data: ticket, response } = await tf.tickets.get(ticketId).withResponse();
 * const options: WriteOptions = { ifMatch: response.headers.get('etag')!, timeout: 10_000 };
 * await tf.tickets.resolve(ticket.id, { resolution_notes: 'Replaced the toner' }, options);
 * ```
 */
export interface WriteOptions extends RequestOptions {
  /** The ETag the change is based on: a stale one fails with `PreconditionFailedError`, changing nothing. */
  ifMatch?: string;
}

export abstract class Resource {
  protected readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** One request, as a promise of its result. */
  protected call<T>(request: ApiRequest): APIPromise<T> {
    return new APIPromise(this.transport.request<T>(request));
  }

  /** A list request, as a promise of its first page that also iterates over every item. */
  protected paginate<Item>(request: ApiRequest & { query?: object | undefined }): PagePromise<Item> {
    return new PagePromise<Item>((cursor) => this.transport.request<Page<Item>>({ ...request, query: { ...request.query, cursor } }));
  }
}
