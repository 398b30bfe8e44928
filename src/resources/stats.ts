/** `tf.stats`: ticket and SLA statistics. */
import type { APIPromise } from '../core/api-promise.js';
import type { QueryOf, ResultOf } from '../core/operations.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.stats`: ticket and SLA statistics, over the tickets the caller can see.
 *
 * @example
 * ```ts
 * const { total, open } = await tf.stats.tickets({ team_id: teamId });
 * const { periods } = await tf.stats.sla({ interval: 'month' });
 * ```
 */
export class Stats extends Resource {
  /**
   * Counts and averages of the tickets the caller can see that match the filters.
   *
   * @example
   * ```ts
   * const { total, open, by_priority } = await tf.stats.tickets({ department_id: departmentId });
   * ```
   */
  tickets(query?: QueryOf<'getTicketStats'>, options?: RequestOptions): APIPromise<ResultOf<'getTicketStats'>> {
    return this.call({ operation: 'getTicketStats', method: 'GET', path: '/v1/stats/tickets', query, options });
  }

  /**
   * SLA compliance, breaches and response-time percentiles, overall and per team (staff only).
   *
   * @example
   * ```ts
   * const { periods } = await tf.stats.sla({ from: '2025-02-01T00:00:00Z', to: '2025-03-01T00:00:00Z', interval: 'week' });
   * ```
   */
  sla(query?: QueryOf<'getSlaStats'>, options?: RequestOptions): APIPromise<ResultOf<'getSlaStats'>> {
    return this.call({ operation: 'getSlaStats', method: 'GET', path: '/v1/stats/sla', query, options });
  }
}
