/** `tf.categories`: ticket categories. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.categories`: ticket categories: everyone reads them, managers and admins change them.
 *
 * @example
 * ```ts
 * const hardware = await tf.categories.create({ slug: 'hardware', name: 'Hardware' });
 * await tf.tickets.create({ title: 'Broken keyboard', category_id: hardware.id });
 * ```
 */
export class Categories extends Resource {
  /**
   * The categories, by name.
   *
   * @example
   * ```ts
   * for await (const category of tf.categories.list({ q: 'net' })) console.log(category.slug);
   * ```
   */
  list(query?: ListQueryOf<'listCategories'>, options?: RequestOptions): PagePromise<ItemOf<'listCategories'>> {
    return this.paginate({ operation: 'listCategories', method: 'GET', path: '/v1/categories', query, options });
  }

  /**
   * Creates a category (managers and admins).
   *
   * @example
   * ```ts
   * const category = await tf.categories.create({ slug: 'hardware', name: 'Hardware' });
   * ```
   */
  create(body: BodyOf<'createCategory'>, options?: RequestOptions): APIPromise<ResultOf<'createCategory'>> {
    return this.call({ operation: 'createCategory', method: 'POST', path: '/v1/categories', body, options });
  }

  /**
   * One category.
   *
   * @example
   * ```ts
   * const category = await tf.categories.get(categoryId);
   * ```
   */
  get(categoryId: string, options?: RequestOptions): APIPromise<ResultOf<'getCategory'>> {
    return this.call({ operation: 'getCategory', method: 'GET', path: path`/v1/categories/${categoryId}`, options });
  }

  /**
   * Changes the given fields of a category (`null` clears one; managers and admins).
   *
   * @example
   * ```ts
   * await tf.categories.update(categoryId, { is_active: false });
   * ```
   */
  update(categoryId: string, body: BodyOf<'updateCategory'>, options?: RequestOptions): APIPromise<ResultOf<'updateCategory'>> {
    return this.call({ operation: 'updateCategory', method: 'PATCH', path: path`/v1/categories/${categoryId}`, body, options });
  }

  /**
   * Deletes a category (managers and admins).
   *
   * @example
   * ```ts
   * await tf.categories.delete(categoryId);
   * ```
   */
  delete(categoryId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteCategory', method: 'DELETE', path: path`/v1/categories/${categoryId}`, options });
  }
}
