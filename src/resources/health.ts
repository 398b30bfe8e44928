/** `tf.health`: liveness and readiness. */
import type { APIPromise } from '../core/api-promise.js';
import type { ResultOf } from '../core/operations.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.health`: the probes, sent without credentials, outside `/v1`.
 *
 * @example
 * ```ts
 * await tf.health.get(); // the API is up
 * const ready = await tf.health.ready().then(() => true, () => false); // false: a 503 (not ready yet) or unreachable
 * ```
 */
export class Health extends Resource {
  /**
   * Whether the server process is up (does not touch the database).
   *
   * @example
   * ```ts
   * const { status } = await tf.health.get(); // 'ok'
   * ```
   */
  get(options?: RequestOptions): APIPromise<ResultOf<'getHealth'>> {
    return this.call({ operation: 'getHealth', method: 'GET', path: '/healthz', options, anonymous: true });
  }

  /**
   * Whether the server is ready for traffic (database reachable, schema migrated); when it is not,
   * the call rejects with an `InternalServerError` of status 503.
   *
   * @example
   * ```ts
   * const { checks } = await tf.health.ready(); // { database: 'ok', migrations: 'ok' }
   * ```
   */
  ready(options?: RequestOptions): APIPromise<ResultOf<'getReadiness'>> {
    return this.call({ operation: 'getReadiness', method: 'GET', path: '/readyz', options, anonymous: true });
  }
}
