/** `tf.sla`: SLA policies, a ticket's live SLA state, and the list of live states. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions, Transport } from '../core/transport.js';

/**
 * `tf.sla.policies`: SLA policies (read by staff, written by admins).
 *
 * @example
 * ```ts
 * const policy = await tf.sla.policies.create({ name: 'P2 high', priority: 'high', response_time_minutes: 30, resolution_time_minutes: 480 });
 * ```
 */
export class SlaPolicies extends Resource {
  /**
   * The SLA policies, by priority (`urgent` first) then name; staff only, a customer sees none.
   *
   * @example
   * ```ts
   * for await (const policy of tf.sla.policies.list({ priority: ['urgent', 'high'], is_active: true })) console.log(policy.name);
   * ```
   */
  list(query?: ListQueryOf<'listSlaPolicies'>, options?: RequestOptions): PagePromise<ItemOf<'listSlaPolicies'>> {
    return this.paginate({ operation: 'listSlaPolicies', method: 'GET', path: '/v1/sla-policies', query, options });
  }

  /**
   * Creates a policy (admins only); a second one for the same priority, category and `effective_from` is a `ConflictError`.
   *
   * @example
   * ```ts
   * const policy = await tf.sla.policies.create({
   *   name: 'P2 high',
   *   priority: 'high',
   *   response_time_minutes: 30,
   *   resolution_time_minutes: 480,
   *   time_zone: 'Europe/Berlin',
   * });
   * ```
   */
  create(body: BodyOf<'createSlaPolicy'>, options?: RequestOptions): APIPromise<ResultOf<'createSlaPolicy'>> {
    return this.call({ operation: 'createSlaPolicy', method: 'POST', path: '/v1/sla-policies', body, options });
  }

  /**
   * One policy (staff only).
   *
   * @example
   * ```ts
   * const policy = await tf.sla.policies.get(policyId);
   * ```
   */
  get(slaPolicyId: string, options?: RequestOptions): APIPromise<ResultOf<'getSlaPolicy'>> {
    return this.call({ operation: 'getSlaPolicy', method: 'GET', path: path`/v1/sla-policies/${slaPolicyId}`, options });
  }

  /**
   * Changes the given fields (`null` clears one; admins only); tickets under the policy follow the change.
   *
   * @example
   * ```ts
   * await tf.sla.policies.update(policyId, { response_time_minutes: 20, holidays: ['2025-12-25'] });
   * ```
   */
  update(slaPolicyId: string, body: BodyOf<'updateSlaPolicy'>, options?: RequestOptions): APIPromise<ResultOf<'updateSlaPolicy'>> {
    return this.call({ operation: 'updateSlaPolicy', method: 'PATCH', path: path`/v1/sla-policies/${slaPolicyId}`, body, options });
  }

  /**
   * Deletes a policy (admins only); its tickets fall back to whichever policy matches them.
   *
   * @example
   * ```ts
   * await tf.sla.policies.delete(policyId);
   * ```
   */
  delete(slaPolicyId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteSlaPolicy', method: 'DELETE', path: path`/v1/sla-policies/${slaPolicyId}`, options });
  }
}

/**
 * SLA policies, and where tickets stand against them right now.
 *
 * @example
 * ```ts
 * const state = await tf.sla.forTicket(ticketId);
 * console.log(state.policy?.name, state.first_response.status, state.resolution.due_at);
 * ```
 */
export class Sla extends Resource {
  /** SLA policies. */
  readonly policies: SlaPolicies;

  constructor(transport: Transport) {
    super(transport);
    this.policies = new SlaPolicies(transport);
  }

  /**
   * A ticket's live SLA state: its policy and where its first-response and resolution targets stand (staff only).
   *
   * @example
   * ```ts
   * const { resolution } = await tf.sla.forTicket(ticketId);
   * if (resolution.breached) console.log('resolution overdue since', resolution.due_at);
   * ```
   */
  forTicket(ticketId: string, options?: RequestOptions): APIPromise<ResultOf<'getTicketSla'>> {
    return this.call({ operation: 'getTicketSla', method: 'GET', path: path`/v1/tickets/${ticketId}/sla`, options });
  }

  /**
   * The open tickets under an SLA policy with their live SLA state, most urgent first (staff only).
   *
   * @example
   * ```ts
   * for await (const item of tf.sla.list({ breaching_within: 60, assignee_id: 'none' })) console.log(item.ticket_number, item.next_due_at);
   * ```
   */
  list(query?: ListQueryOf<'listTicketSlaStates'>, options?: RequestOptions): PagePromise<ItemOf<'listTicketSlaStates'>> {
    return this.paginate({ operation: 'listTicketSlaStates', method: 'GET', path: '/v1/sla/tickets', query, options });
  }
}
