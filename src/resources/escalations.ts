/** `tf.escalations`: escalations: open, acknowledge, resolve, cancel. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Escalations of tickets (staff business): raised `pending`, then `acknowledged` and `resolved`, or `cancelled`.
 *
 * @example
 * ```ts
 * const escalation = await tf.escalations.create(ticketId, { reason: 'Production is down', to_user_id: leadId });
 * await tf.escalations.acknowledge(escalation.id);
 * ```
 */
export class Escalations extends Resource {
  /**
   * The escalations of every ticket the caller can see, newest first; customers see none.
   *
   * @example
   * ```ts
   * for await (const escalation of tf.escalations.list({ status: ['pending', 'acknowledged'], to_user_id: myId })) console.log(escalation.reason);
   * ```
   */
  list(query?: ListQueryOf<'listEscalations'>, options?: RequestOptions): PagePromise<ItemOf<'listEscalations'>> {
    return this.paginate({ operation: 'listEscalations', method: 'GET', path: '/v1/escalations', query, options });
  }

  /**
   * One escalation (staff who can see its ticket).
   *
   * @example
   * ```ts
   * const escalation = await tf.escalations.get(escalationId);
   * ```
   */
  get(escalationId: string, options?: RequestOptions): APIPromise<ResultOf<'getEscalation'>> {
    return this.call({ operation: 'getEscalation', method: 'GET', path: path`/v1/escalations/${escalationId}`, options });
  }

  /**
   * Takes a `pending` escalation on (`acknowledged`): the person it is escalated to, or a manager or admin.
   *
   * @example
   * ```ts
   * await tf.escalations.acknowledge(escalationId);
   * ```
   */
  acknowledge(escalationId: string, options?: RequestOptions): APIPromise<ResultOf<'acknowledgeEscalation'>> {
    return this.call({ operation: 'acknowledgeEscalation', method: 'POST', path: path`/v1/escalations/${escalationId}/acknowledge`, options });
  }

  /**
   * Closes a `pending` or `acknowledged` escalation as handled, with notes on what was done.
   *
   * @example
   * ```ts
   * await tf.escalations.resolve(escalationId, { resolution_notes: 'Failed over to the standby database.' });
   * ```
   */
  resolve(escalationId: string, body: BodyOf<'resolveEscalation'>, options?: RequestOptions): APIPromise<ResultOf<'resolveEscalation'>> {
    return this.call({ operation: 'resolveEscalation', method: 'POST', path: path`/v1/escalations/${escalationId}/resolve`, body, options });
  }

  /**
   * Withdraws a `pending` or `acknowledged` escalation, optionally saying why.
   *
   * @example
   * ```ts
   * await tf.escalations.cancel(escalationId, { reason: 'Escalated by mistake.' });
   * ```
   */
  cancel(escalationId: string, body?: BodyOf<'cancelEscalation'>, options?: RequestOptions): APIPromise<ResultOf<'cancelEscalation'>> {
    return this.call({ operation: 'cancelEscalation', method: 'POST', path: path`/v1/escalations/${escalationId}/cancel`, body, options });
  }

  /**
   * A ticket's escalations, newest first (staff; a customer's own ticket lists none).
   *
   * @example
   * ```ts
   * for await (const escalation of tf.escalations.listForTicket(ticketId, { status: ['pending'] })) console.log(escalation.escalation_level);
   * ```
   */
  listForTicket(ticketId: string, query?: ListQueryOf<'listTicketEscalations'>, options?: RequestOptions): PagePromise<ItemOf<'listTicketEscalations'>> {
    return this.paginate({ operation: 'listTicketEscalations', method: 'GET', path: path`/v1/tickets/${ticketId}/escalations`, query, options });
  }

  /**
   * Escalates a ticket (staff who can see it): one level above its current one unless `escalation_level` says otherwise.
   *
   * @example
   * ```ts
   * const escalation = await tf.escalations.create(ticketId, { reason: "The customer's production is down.", escalation_level: 2 });
   * ```
   */
  create(ticketId: string, body: BodyOf<'createEscalation'>, options?: RequestOptions): APIPromise<ResultOf<'createEscalation'>> {
    return this.call({ operation: 'createEscalation', method: 'POST', path: path`/v1/tickets/${ticketId}/escalations`, body, options });
  }
}
