/** `tf.history`: what happened to a ticket, entry by entry. */
import type { ItemOf, ListQueryOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.history`: what happened to a ticket, entry by entry (status, assignment and field changes).
 *
 * @example
 * ```ts
 * for await (const entry of tf.history.list(ticketId)) console.log(entry.created_at, entry.action, entry.field, entry.new_value);
 * ```
 */
export class History extends Resource {
  /**
   * A ticket's history, oldest first; customers see its public entries only.
   *
   * @example
   * ```ts
   * for await (const entry of tf.history.list(ticketId)) console.log(entry.action, entry.field);
   * ```
   */
  list(ticketId: string, query?: ListQueryOf<'listTicketHistory'>, options?: RequestOptions): PagePromise<ItemOf<'listTicketHistory'>> {
    return this.paginate({ operation: 'listTicketHistory', method: 'GET', path: path`/v1/tickets/${ticketId}/history`, query, options });
  }
}
