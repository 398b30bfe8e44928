/** `tf.notifications`: the caller's notifications and channel preferences. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * The caller's own notifications, and which channels deliver each type to them.
 *
 * @example
 * ```ts
 * const { data: unread } = await tf.notifications.list({ unread: true, channel: ['in_app'] });
 * await tf.notifications.markAllRead();
 * ```
 */
export class Notifications extends Resource {
  /**
   * The caller's notifications, newest first; expired ones are not listed.
   *
   * @example
   * ```ts
   * for await (const notification of tf.notifications.list({ unread: true })) console.log(notification.title);
   * ```
   */
  list(query?: ListQueryOf<'listNotifications'>, options?: RequestOptions): PagePromise<ItemOf<'listNotifications'>> {
    return this.paginate({ operation: 'listNotifications', method: 'GET', path: '/v1/notifications', query, options });
  }

  /**
   * Marks every unread notification of the caller read, and says how many that was.
   *
   * @example
   * ```ts
   * const { updated } = await tf.notifications.markAllRead();
   * ```
   */
  markAllRead(options?: RequestOptions): APIPromise<ResultOf<'markAllNotificationsRead'>> {
    return this.call({ operation: 'markAllNotificationsRead', method: 'POST', path: '/v1/notifications/read-all', options });
  }

  /**
   * The channels that deliver each type of ticket notification to the caller, defaults filled in.
   *
   * @example
   * ```ts
   * const preferences = await tf.notifications.getPreferences();
   * console.log(preferences.comment_added.email);
   * ```
   */
  getPreferences(options?: RequestOptions): APIPromise<ResultOf<'getNotificationPreferences'>> {
    return this.call({ operation: 'getNotificationPreferences', method: 'GET', path: '/v1/notifications/preferences', options });
  }

  /**
   * Replaces the caller's preferences as a whole: what the body leaves out takes its default.
   *
   * @example
   * ```ts
   * await tf.notifications.updatePreferences({ sla_breach: { email: true, sms: true }, ticket_created: { email: false } });
   * ```
   */
  updatePreferences(body: BodyOf<'updateNotificationPreferences'>, options?: RequestOptions): APIPromise<ResultOf<'updateNotificationPreferences'>> {
    return this.call({ operation: 'updateNotificationPreferences', method: 'PUT', path: '/v1/notifications/preferences', body, options });
  }

  /**
   * Marks one of the caller's notifications read; one already read keeps its first `read_at`.
   *
   * @example
   * ```ts
   * const notification = await tf.notifications.markRead(notificationId);
   * ```
   */
  markRead(notificationId: string, options?: RequestOptions): APIPromise<ResultOf<'markNotificationRead'>> {
    return this.call({ operation: 'markNotificationRead', method: 'POST', path: path`/v1/notifications/${notificationId}/read`, options });
  }
}
