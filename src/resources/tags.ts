/** `tf.tags`: ticket tags. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.tags`: ticket tags: everyone reads them, staff create them, managers and admins change them.
 *
 * @example
 * ```ts
 * const outage = await tf.tags.create({ name: 'outage', color: '#dc2626' });
 * await tf.tickets.addTag(ticketId, outage.id);
 * ```
 */
export class Tags extends Resource {
  /**
   * The tags, by name.
   *
   * @example
   * ```ts
   * for await (const tag of tf.tags.list({ q: 'vip' })) console.log(tag.name, tag.color);
   * ```
   */
  list(query?: ListQueryOf<'listTags'>, options?: RequestOptions): PagePromise<ItemOf<'listTags'>> {
    return this.paginate({ operation: 'listTags', method: 'GET', path: '/v1/tags', query, options });
  }

  /**
   * Creates a tag (staff), recorded as the caller's.
   *
   * @example
   * ```ts
   * const tag = await tf.tags.create({ name: 'outage', color: '#dc2626' });
   * ```
   */
  create(body: BodyOf<'createTag'>, options?: RequestOptions): APIPromise<ResultOf<'createTag'>> {
    return this.call({ operation: 'createTag', method: 'POST', path: '/v1/tags', body, options });
  }

  /**
   * One tag.
   *
   * @example
   * ```ts
   * const tag = await tf.tags.get(tagId);
   * ```
   */
  get(tagId: string, options?: RequestOptions): APIPromise<ResultOf<'getTag'>> {
    return this.call({ operation: 'getTag', method: 'GET', path: path`/v1/tags/${tagId}`, options });
  }

  /**
   * Changes the given fields of a tag (`null` clears one; managers and admins).
   *
   * @example
   * ```ts
   * await tf.tags.update(tagId, { color: '#16a34a' });
   * ```
   */
  update(tagId: string, body: BodyOf<'updateTag'>, options?: RequestOptions): APIPromise<ResultOf<'updateTag'>> {
    return this.call({ operation: 'updateTag', method: 'PATCH', path: path`/v1/tags/${tagId}`, body, options });
  }

  /**
   * Deletes a tag and takes it off every ticket (managers and admins).
   *
   * @example
   * ```ts
   * await tf.tags.delete(tagId);
   * ```
   */
  delete(tagId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteTag', method: 'DELETE', path: path`/v1/tags/${tagId}`, options });
  }
}
