/**
 * `tf.auditLogs` (examples/server/src/api/insights/audit-logs.ts): the security audit log, newest
 * first, for admins only (others get 403, not an empty list). What is in it is written where the
 * server writes it; see `rules/audit.ts`.
 */
import { z } from 'zod';
import { AuditLogEventTypeSchema } from '../../generated/schemas.js';
import { ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden } from '../problems.js';
import { id, repeated, page, timestamp } from './shared.js';

const STATUSES = ['success', 'failure', 'blocked', 'warning'] as const;

const ListQuery = z.strictObject({
  ...page,
  event_type: repeated(z.enum(AuditLogEventTypeSchema.options, { error: 'must be an audit event type' })).optional(),
  user_id: id.optional(),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }).optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
});

export const auditLogHandlers: HandlerTable = {
  listAuditLogs: {
    scope: 'admin',
    handle({ world, work, req }) {
      if (work.me.role !== 'admin') throw forbidden('Only admins may use the audit log.');
      const query = req.query(ListQuery);
      const eventTypes = query.event_type ? [...new Set(query.event_type)].sort() : null;
      const userId = query.user_id?.toLowerCase();
      const after = query.created_after === undefined ? undefined : Date.parse(query.created_after);
      const before = query.created_before === undefined ? undefined : Date.parse(query.created_before);
      const rows = world.store.tables.auditLogs.where((row) => {
        const at = Date.parse(row.created_at);
        return (
          (eventTypes === null || eventTypes.includes(row.event_type)) &&
          (userId === undefined || row.user_id === userId) &&
          (query.status === undefined || row.status === query.status) &&
          (after === undefined || at >= after) &&
          (before === undefined || at < before)
        );
      });
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('audit_logs', {
            event_type: eventTypes,
            user_id: query.user_id,
            status: query.status,
            created_after: query.created_after,
            created_before: query.created_before,
          }),
          descending: true,
          keyLength: 2,
          keyOf: (row) => [row.created_at, row.id],
          serialize: (row) => row,
        }),
      );
    },
  },
};
