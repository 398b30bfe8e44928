/** `tf.users`: user accounts. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * User accounts: staff see everyone, customers themselves and the staff; admins create and change them.
 *
 * @example
 * ```ts
 * const agents = await tf.users.list({ role: ['agent'] });
 * ```
 */
export class Users extends Resource {
  /**
   * The users the caller may see, by email unless `sort` says otherwise.
   *
   * @example
   * ```ts
   * for await (const user of tf.users.list({ role: ['agent'], is_active: true })) console.log(user.email);
   * ```
   */
  list(query?: ListQueryOf<'listUsers'>, options?: RequestOptions): PagePromise<ItemOf<'listUsers'>> {
    return this.paginate({ operation: 'listUsers', method: 'GET', path: '/v1/users', query, options });
  }

  /**
   * Creates a user (admins only); without a `password` they set one through a password reset.
   *
   * @example
   * ```ts
   * const user = await tf.users.create({ email: 'grace@example.com', first_name: 'Grace', role: 'agent' });
   * ```
   */
  create(body: BodyOf<'createUser'>, options?: RequestOptions): APIPromise<ResultOf<'createUser'>> {
    return this.call({ operation: 'createUser', method: 'POST', path: '/v1/users', body, options });
  }

  /**
   * One user.
   *
   * @example
   * ```ts
   * const user = await tf.users.get(userId);
   * ```
   */
  get(userId: string, options?: RequestOptions): APIPromise<ResultOf<'getUser'>> {
    return this.call({ operation: 'getUser', method: 'GET', path: path`/v1/users/${userId}`, options });
  }

  /**
   * Changes the given fields: admins any of them, other users only their own profile fields.
   *
   * @example
   * ```ts
   * await tf.users.update(userId, { role: 'manager', is_active: true });
   * ```
   */
  update(userId: string, body: BodyOf<'updateUser'>, options?: RequestOptions): APIPromise<ResultOf<'updateUser'>> {
    return this.call({ operation: 'updateUser', method: 'PATCH', path: path`/v1/users/${userId}`, body, options });
  }
}
