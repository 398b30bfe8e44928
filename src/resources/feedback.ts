/** `tf.feedback`: ratings of resolved tickets. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Customer satisfaction ratings: a ticket's requester rates it once it is resolved.
 *
 * @example
 * ```ts
 * await tf.feedback.rate(ticketId, { rating: 5, comment: 'Fixed within the hour. Thank you!' });
 * ```
 */
export class Feedback extends Resource {
  /**
   * A ticket's rating; a `NotFoundError` when it has not been rated.
   *
   * @example
   * ```ts
   * const { rating, comment } = await tf.feedback.get(ticketId);
   * ```
   */
  get(ticketId: string, options?: RequestOptions): APIPromise<ResultOf<'getTicketFeedback'>> {
    return this.call({ operation: 'getTicketFeedback', method: 'GET', path: path`/v1/tickets/${ticketId}/feedback`, options });
  }

  /**
   * Rates a resolved or closed ticket (its requester only), replacing any earlier rating and comment.
   *
   * @example
   * ```ts
   * await tf.feedback.rate(ticketId, { rating: 4, comment: 'Quick, but it took two tries.' });
   * ```
   */
  rate(ticketId: string, body: BodyOf<'rateTicket'>, options?: RequestOptions): APIPromise<ResultOf<'rateTicket'>> {
    return this.call({ operation: 'rateTicket', method: 'PUT', path: path`/v1/tickets/${ticketId}/feedback`, body, options });
  }

  /**
   * Ratings, newest first: staff see those of the tickets they can see, customers their own.
   *
   * @example
   * ```ts
   * for await (const feedback of tf.feedback.list({ rating: [1, 2], created_after: '2025-03-01T00:00:00Z' })) console.log(feedback.comment);
   * ```
   */
  list(query?: ListQueryOf<'listFeedback'>, options?: RequestOptions): PagePromise<ItemOf<'listFeedback'>> {
    return this.paginate({ operation: 'listFeedback', method: 'GET', path: '/v1/feedback', query, options });
  }
}
