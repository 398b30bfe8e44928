/** `tf.settings`: the company settings. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ResultOf } from '../core/operations.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.settings`: the company settings: one record, read by everyone signed in, changed by admins.
 *
 * @example
 * ```ts
 * const settings = await tf.settings.get();
 * if (settings.time_zone !== 'Europe/Berlin') await tf.settings.update({ time_zone: 'Europe/Berlin' });
 * ```
 */
export class Settings extends Resource {
  /**
   * The company settings.
   *
   * @example
   * ```ts
   * const { company_name, time_zone } = await tf.settings.get();
   * ```
   */
  get(options?: RequestOptions): APIPromise<ResultOf<'getSettings'>> {
    return this.call({ operation: 'getSettings', method: 'GET', path: '/v1/settings', options });
  }

  /**
   * Changes the given settings (`null` clears `logo_url`; admins only).
   *
   * @example
   * ```ts
   * await tf.settings.update({ time_zone: 'Europe/Berlin', critical_unassigned_minutes: 30 });
   * ```
   */
  update(body: BodyOf<'updateSettings'>, options?: RequestOptions): APIPromise<ResultOf<'updateSettings'>> {
    return this.call({ operation: 'updateSettings', method: 'PATCH', path: '/v1/settings', body, options });
  }
}
