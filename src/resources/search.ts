/** `tf.search`: search across tickets, comments and articles. */
import type { ItemOf, ListQueryOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.search`: full-text search over the tickets, comments and articles the caller may read.
 *
 * @example
 * ```ts
 * const { data: hits } = await tf.search.query({ q: 'printer', types: ['articles'], limit: 5 });
 * ```
 */
export class Search extends Resource {
  /**
   * Tickets, comments and articles matching `q`, best match first; only results the caller may open.
   *
   * @example
   * ```ts
   * for await (const hit of tf.search.query({ q: 'vpn disconnect', types: ['tickets', 'comments'] })) console.log(hit.type, hit.title);
   * ```
   */
  query(query: ListQueryOf<'globalSearch'>, options?: RequestOptions): PagePromise<ItemOf<'globalSearch'>> {
    return this.paginate({ operation: 'globalSearch', method: 'GET', path: '/v1/search', query, options });
  }
}
