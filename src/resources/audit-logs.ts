/** `tf.auditLogs`: the audit log. */
import type { ItemOf, ListQueryOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/** The security audit log (admins only: others get `PermissionDeniedError`). */
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
