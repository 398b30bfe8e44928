/** `tf.webhooks`: webhook subscriptions and their delivery log. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.webhooks`: webhook subscriptions and their delivery log (admins only: others get
 * `PermissionDeniedError`). Check deliveries with {@link verifyWebhook}.
 *
 * @example
 * ```ts
 * const { id, secret } = await tf.webhooks.create({ url: 'https://hooks.example.com/tf', event_types: ['ticket.*'] });
 * // `secret` is shown once: keep it for verifyWebhook. Later, send the failed deliveries again:
 * for await (const delivery of tf.webhooks.deliveries(id, { status: ['failed'] })) await tf.webhooks.redeliver(id, delivery.id);
 * ```
 */
export class Webhooks extends Resource {
  /**
   * The webhooks, newest first.
   *
   * @example
   * ```ts
   * for await (const webhook of tf.webhooks.list({ is_active: true })) console.log(webhook.url);
   * ```
   */
  list(query?: ListQueryOf<'listWebhooks'>, options?: RequestOptions): PagePromise<ItemOf<'listWebhooks'>> {
    return this.paginate({ operation: 'listWebhooks', method: 'GET', path: '/v1/webhooks', query, options });
  }

  /**
   * Subscribes a URL to events; the answer carries the signing `secret`, which is never shown again.
   *
   * @example
   * ```ts
   * const { id, secret } = await tf.webhooks.create({ url: 'https://hooks.example.com/tf', event_types: ['ticket.*'] });
   * ```
   */
  create(body: BodyOf<'createWebhook'>, options?: RequestOptions): APIPromise<ResultOf<'createWebhook'>> {
    return this.call({ operation: 'createWebhook', method: 'POST', path: '/v1/webhooks', body, options });
  }

  /**
   * One webhook (without its secret).
   *
   * @example
   * ```ts
   * const webhook = await tf.webhooks.get(webhookId);
   * ```
   */
  get(webhookId: string, options?: RequestOptions): APIPromise<ResultOf<'getWebhook'>> {
    return this.call({ operation: 'getWebhook', method: 'GET', path: path`/v1/webhooks/${webhookId}`, options });
  }

  /**
   * Changes the given fields of a webhook (`null` clears its description).
   *
   * @example
   * ```ts
   * await tf.webhooks.update(webhookId, { is_active: false });
   * ```
   */
  update(webhookId: string, body: BodyOf<'updateWebhook'>, options?: RequestOptions): APIPromise<ResultOf<'updateWebhook'>> {
    return this.call({ operation: 'updateWebhook', method: 'PATCH', path: path`/v1/webhooks/${webhookId}`, body, options });
  }

  /**
   * Deletes a webhook with its delivery log.
   *
   * @example
   * ```ts
   * await tf.webhooks.delete(webhookId);
   * ```
   */
  delete(webhookId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteWebhook', method: 'DELETE', path: path`/v1/webhooks/${webhookId}`, options });
  }

  /**
   * A webhook's deliveries, newest first, each with its latest attempts.
   *
   * @example
   * ```ts
   * for await (const delivery of tf.webhooks.deliveries(webhookId, { status: ['failed'] })) console.log(delivery.event_type);
   * ```
   */
  deliveries(webhookId: string, query?: ListQueryOf<'listWebhookDeliveries'>, options?: RequestOptions): PagePromise<ItemOf<'listWebhookDeliveries'>> {
    return this.paginate({ operation: 'listWebhookDeliveries', method: 'GET', path: path`/v1/webhooks/${webhookId}/deliveries`, query, options });
  }

  /**
   * Queues a delivered or failed delivery again, due at once; a still pending one is a `ConflictError`.
   *
   * @example
   * ```ts
   * const delivery = await tf.webhooks.redeliver(webhookId, deliveryId); // status: 'pending'
   * ```
   */
  redeliver(webhookId: string, deliveryId: string, options?: RequestOptions): APIPromise<ResultOf<'redeliverWebhookDelivery'>> {
    return this.call({ operation: 'redeliverWebhookDelivery', method: 'POST', path: path`/v1/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver`, options });
  }
}
