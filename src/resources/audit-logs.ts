/** `tf.auditLogs`: the audit log. */
import type { ItemOf, ListQueryOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.auditLogs`: the security audit log (admins only: others get `PermissionDeniedError`).
 *
 * @example
 * ```ts
 * for await (const entry of tf.auditLogs.list({ event_type: ['account_locked'] })) console.log(entry.created_at, entry.user_id, entry.ip_address);
 * ```
 */
export class AuditLogs extends Resource {
  /**
   * Logins, lockouts, password, role and key changes, newest first.
   *
   * @example
   * ```ts
   * for await (const entry of tf.auditLogs.list({ event_type: ['login_failed'], status: 'failure' })) console.log(entry.user_id);
   * ```
   */
  list(query?: ListQueryOf<'listAuditLogs'>, options?: RequestOptions): PagePromise<ItemOf<'listAuditLogs'>> {
    return this.paginate({ operation: 'listAuditLogs', method: 'GET', path: '/v1/audit-logs', query, options });
  }
}
