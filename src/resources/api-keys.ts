/** `tf.apiKeys`: API keys. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * API keys: each acts as its user, limited to its scopes, until revoked or expired.
 *
 * @example
 * ```ts
 * const { key } = await tf.apiKeys.create({ name: 'Deploy bot', scopes: ['tickets:write'] });
 * ```
 */
export class ApiKeys extends Resource {
  /**
   * The API keys the caller may see, newest first; never the keys themselves.
   *
   * @example
   * ```ts
   * for await (const apiKey of tf.apiKeys.list({ is_revoked: false })) console.log(apiKey.name, apiKey.prefix);
   * ```
   */
  list(query?: ListQueryOf<'listApiKeys'>, options?: RequestOptions): PagePromise<ItemOf<'listApiKeys'>> {
    return this.paginate({ operation: 'listApiKeys', method: 'GET', path: '/v1/api-keys', query, options });
  }

  /**
   * Creates an API key; the answer carries the `key`, shown only this once.
   *
   * @example
   * ```ts
   * const { id, key } = await tf.apiKeys.create({ name: 'Deploy bot', scopes: ['tickets:write'] });
   * ```
   */
  create(body: BodyOf<'createApiKey'>, options?: RequestOptions): APIPromise<ResultOf<'createApiKey'>> {
    return this.call({ operation: 'createApiKey', method: 'POST', path: '/v1/api-keys', body, options });
  }

  /**
   * One API key (without the key itself).
   *
   * @example
   * ```ts
   * const apiKey = await tf.apiKeys.get(apiKeyId);
   * ```
   */
  get(apiKeyId: string, options?: RequestOptions): APIPromise<ResultOf<'getApiKey'>> {
    return this.call({ operation: 'getApiKey', method: 'GET', path: path`/v1/api-keys/${apiKeyId}`, options });
  }

  /**
   * Revokes an API key: it stops working at once and stays listed with `revoked_at`; revoking twice is harmless.
   *
   * @example
   * ```ts
   * await tf.apiKeys.revoke(apiKeyId);
   * ```
   */
  revoke(apiKeyId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'revokeApiKey', method: 'DELETE', path: path`/v1/api-keys/${apiKeyId}`, options });
  }
}
