/** `tf.tickets`: tickets and their workflow (assign, start, pend, resolve, close, reopen) and tags. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource, type WriteOptions } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.tickets`: tickets and their workflow (assign, start, pend, resolve, close, reopen) and tags.
 *
 * @example
 * ```ts
 * const ticket = await tf.tickets.create({ title: 'VPN drops every hour', priority: 'high' });
 * await tf.tickets.assign(ticket.id, { assignee_id: agentId });
 * await tf.tickets.start(ticket.id);
 * await tf.tickets.resolve(ticket.id, { resolution_notes: 'Updated the VPN client' });
 * ```
 */
export class Tickets extends Resource {
  /**
   * The tickets the caller may see, newest first unless `sort` says otherwise.
   *
   * @example
   * ```ts
   * for await (const ticket of tf.tickets.list({ status: ['open'], priority: ['urgent'] })) console.log(ticket.title);
   * ```
   */
  list(query?: ListQueryOf<'listTickets'>, options?: RequestOptions): PagePromise<ItemOf<'listTickets'>> {
    return this.paginate({ operation: 'listTickets', method: 'GET', path: '/v1/tickets', query, options });
  }

  /**
   * Opens a ticket. Retried safely: the SDK sends one `Idempotency-Key` for all of a call's attempts.
   *
   * @example
   * ```ts
   * const ticket = await tf.tickets.create({ title: 'VPN drops every hour', priority: 'high' });
   * ```
   */
  create(body: BodyOf<'createTicket'>, options?: RequestOptions): APIPromise<ResultOf<'createTicket'>> {
    return this.call({ operation: 'createTicket', method: 'POST', path: '/v1/tickets', body, options });
  }

  /**
   * One ticket; `withResponse()` gives its ETag for a later `update`.
   *
   * @example
   * ```ts
   * const { data: ticket, response } = await tf.tickets.get(id).withResponse();
   * ```
   */
  get(ticketId: string, options?: RequestOptions): APIPromise<ResultOf<'getTicket'>> {
    return this.call({ operation: 'getTicket', method: 'GET', path: path`/v1/tickets/${ticketId}`, options });
  }

  /**
   * Changes the given fields (`null` clears one).
   *
   * @example
   * ```ts
   * await tf.tickets.update(id, { priority: 'urgent' }, { ifMatch: etag });
   * ```
   */
  update(ticketId: string, body: BodyOf<'updateTicket'>, options?: WriteOptions): APIPromise<ResultOf<'updateTicket'>> {
    return this.call({ operation: 'updateTicket', method: 'PATCH', path: path`/v1/tickets/${ticketId}`, body, ifMatch: options?.ifMatch, options });
  }

  /**
   * Deletes a ticket with its comments and files (admins only).
   *
   * @example
   * ```ts
   * await tf.tickets.delete(id);
   * ```
   */
  delete(ticketId: string, options?: WriteOptions): APIPromise<void> {
    return this.call({ operation: 'deleteTicket', method: 'DELETE', path: path`/v1/tickets/${ticketId}`, ifMatch: options?.ifMatch, options });
  }

  /**
   * Assigns the ticket (`assignee_id: null` unassigns it).
   *
   * @example
   * ```ts
   * await tf.tickets.assign(id, { assignee_id: agentId });
   * ```
   */
  assign(ticketId: string, body: BodyOf<'assignTicket'>, options?: WriteOptions): APIPromise<ResultOf<'assignTicket'>> {
    return this.call({ operation: 'assignTicket', method: 'POST', path: path`/v1/tickets/${ticketId}/assign`, body, ifMatch: options?.ifMatch, options });
  }

  /**
   * Starts work on the ticket (`in_progress`).
   *
   * @example
   * ```ts
   * await tf.tickets.start(id);
   * ```
   */
  start(ticketId: string, options?: WriteOptions): APIPromise<ResultOf<'startTicket'>> {
    return this.call({ operation: 'startTicket', method: 'POST', path: path`/v1/tickets/${ticketId}/start`, ifMatch: options?.ifMatch, options });
  }

  /**
   * Puts the ticket on hold, waiting on the customer (`pending`): its resolution clock stops.
   *
   * @example
   * ```ts
   * await tf.tickets.pend(id, { reason: 'Waiting for the logs' });
   * ```
   */
  pend(ticketId: string, body: BodyOf<'pendTicket'>, options?: WriteOptions): APIPromise<ResultOf<'pendTicket'>> {
    return this.call({ operation: 'pendTicket', method: 'POST', path: path`/v1/tickets/${ticketId}/pend`, body, ifMatch: options?.ifMatch, options });
  }

  /**
   * Resolves the ticket.
   *
   * @example
   * ```ts
   * await tf.tickets.resolve(id, { resolution_notes: 'Replaced the router' });
   * ```
   */
  resolve(ticketId: string, body: BodyOf<'resolveTicket'>, options?: WriteOptions): APIPromise<ResultOf<'resolveTicket'>> {
    return this.call({ operation: 'resolveTicket', method: 'POST', path: path`/v1/tickets/${ticketId}/resolve`, body, ifMatch: options?.ifMatch, options });
  }

  /**
   * Closes a resolved ticket.
   *
   * @example
   * ```ts
   * await tf.tickets.close(id);
   * ```
   */
  close(ticketId: string, options?: WriteOptions): APIPromise<ResultOf<'closeTicket'>> {
    return this.call({ operation: 'closeTicket', method: 'POST', path: path`/v1/tickets/${ticketId}/close`, ifMatch: options?.ifMatch, options });
  }

  /**
   * Reopens a resolved or closed ticket.
   *
   * @example
   * ```ts
   * await tf.tickets.reopen(id, { reason: 'It broke again' });
   * ```
   */
  reopen(ticketId: string, body?: BodyOf<'reopenTicket'>, options?: WriteOptions): APIPromise<ResultOf<'reopenTicket'>> {
    return this.call({ operation: 'reopenTicket', method: 'POST', path: path`/v1/tickets/${ticketId}/reopen`, body, ifMatch: options?.ifMatch, options });
  }

  /**
   * Tags the ticket (staff); tagging twice is harmless.
   *
   * @example
   * ```ts
   * await tf.tickets.addTag(id, tagId);
   * ```
   */
  addTag(ticketId: string, tagId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'addTicketTag', method: 'PUT', path: path`/v1/tickets/${ticketId}/tags/${tagId}`, options });
  }

  /**
   * Removes a tag from the ticket; removing an absent one is harmless.
   *
   * @example
   * ```ts
   * await tf.tickets.removeTag(id, tagId);
   * ```
   */
  removeTag(ticketId: string, tagId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'removeTicketTag', method: 'DELETE', path: path`/v1/tickets/${ticketId}/tags/${tagId}`, options });
  }
}
