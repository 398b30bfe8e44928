/** `tf.comments`: a ticket's replies and internal notes. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.comments`: a ticket's replies, which its requester sees, and internal notes, which only staff see.
 *
 * @example
 * ```ts
 * await tf.comments.create(ticketId, { body: 'Could you send the error message?' });
 * for await (const comment of tf.comments.list(ticketId)) console.log(comment.is_internal ? 'note:' : 'reply:', comment.body);
 * ```
 */
export class Comments extends Resource {
  /**
   * A ticket's comments, oldest first; customers see public ones only.
   *
   * @example
   * ```ts
   * for await (const comment of tf.comments.list(ticketId)) console.log(comment.body);
   * ```
   */
  list(ticketId: string, query?: ListQueryOf<'listComments'>, options?: RequestOptions): PagePromise<ItemOf<'listComments'>> {
    return this.paginate({ operation: 'listComments', method: 'GET', path: path`/v1/tickets/${ticketId}/comments`, query, options });
  }

  /**
   * Adds a reply, or an internal note (`is_internal: true`, staff only).
   *
   * @example
   * ```ts
   * await tf.comments.create(ticketId, { body: 'Checked the logs: the disk is full.', is_internal: true });
   * ```
   */
  create(ticketId: string, body: BodyOf<'createComment'>, options?: RequestOptions): APIPromise<ResultOf<'createComment'>> {
    return this.call({ operation: 'createComment', method: 'POST', path: path`/v1/tickets/${ticketId}/comments`, body, options });
  }

  /**
   * One comment.
   *
   * @example
   * ```ts
   * const comment = await tf.comments.get(ticketId, commentId);
   * ```
   */
  get(ticketId: string, commentId: string, options?: RequestOptions): APIPromise<ResultOf<'getComment'>> {
    return this.call({ operation: 'getComment', method: 'GET', path: path`/v1/tickets/${ticketId}/comments/${commentId}`, options });
  }

  /**
   * Edits a comment (its author).
   *
   * @example
   * ```ts
   * await tf.comments.update(ticketId, commentId, { body: 'Fixed a typo' });
   * ```
   */
  update(ticketId: string, commentId: string, body: BodyOf<'updateComment'>, options?: RequestOptions): APIPromise<ResultOf<'updateComment'>> {
    return this.call({ operation: 'updateComment', method: 'PATCH', path: path`/v1/tickets/${ticketId}/comments/${commentId}`, body, options });
  }

  /**
   * Deletes a comment (soft: the history keeps that it existed).
   *
   * @example
   * ```ts
   * await tf.comments.delete(ticketId, commentId);
   * ```
   */
  delete(ticketId: string, commentId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteComment', method: 'DELETE', path: path`/v1/tickets/${ticketId}/comments/${commentId}`, options });
  }
}
