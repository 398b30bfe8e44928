/** The security audit log: append-only, read by admins, written only through `app.audit()` and triggers. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { id, oneOrMany, page, timestamp } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { adminOnly } from './admin-only.js';

type AuditLog = components['schemas']['AuditLog'];
type AuditLogEventType = components['schemas']['AuditLogEventType'];
type AuditLogStatus = components['schemas']['AuditLogStatus'];

/** Every type the contract names; `Record` makes `tsc` fail when the contract gains or loses one. */
const EVENT_TYPES = Object.keys({
  login: 1, logout: 1, login_failed: 1, token_refreshed: 1, refresh_token_reuse: 1, password_change: 1,
  password_reset_request: 1, password_reset_complete: 1, email_verification: 1, account_locked: 1,
  account_unlocked: 1, role_changed: 1, profile_updated: 1, mfa_enabled: 1, mfa_disabled: 1,
  api_key_created: 1, api_key_revoked: 1, user_invited: 1, invitation_accepted: 1,
} satisfies Record<AuditLogEventType, 1>) as [AuditLogEventType, ...AuditLogEventType[]];

const STATUSES = ['success', 'failure', 'blocked', 'warning'] as const satisfies readonly AuditLogStatus[];

interface AuditLogRow {
  id: string;
  user_id: string | null;
  actor_id: string | null;
  event_type: AuditLogEventType;
  event_status: AuditLogStatus;
  message: string | null;
  ip_address: string | null;
  user_agent: string | null;
  resource: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  created_key: string;
}

const toAuditLog = (row: AuditLogRow): AuditLog => ({
  id: row.id,
  user_id: row.user_id,
  actor_id: row.actor_id,
  event_type: row.event_type,
  status: row.event_status,
  message: row.message,
  ip_address: row.ip_address,
  user_agent: row.user_agent,
  resource: row.resource,
  metadata: row.metadata,
  created_at: iso(row.created_at),
});

const ListQuery = z.strictObject({
  ...page,
  event_type: oneOrMany(z.enum(EVENT_TYPES, { error: 'must be an audit event type' })).optional(),
  user_id: id.optional(),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }).optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
});

export function auditLogRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('admin'))
    .use(adminOnly('the audit log'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const eventTypes = query.event_type ? [...new Set(query.event_type)].sort() : null;
      const filters = {
        event_type: eventTypes,
        user_id: query.user_id,
        status: query.status,
        created_after: query.created_after,
        created_before: query.created_before,
      };
      const print = fingerprint('audit_logs', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      // Enum arrays travel as text[] (PGlite serialises only built-in array types) and are cast in SQL.
      const { rows } = await c.get('tx').query<AuditLogRow>(
        `select id, user_id, actor_id, event_type, event_status, message, ip_address, user_agent, resource, metadata,
                created_at, created_at::text as created_key
           from audit_logs
          where ($1::text[] is null or event_type = any ($1::text[]::audit_event_type[]))
            and ($2::uuid is null or user_id = $2)
            and ($3::audit_event_status is null or event_status = $3)
            and ($4::timestamptz is null or created_at >= $4)
            and ($5::timestamptz is null or created_at < $5)
            and ($6::timestamptz is null or (created_at, id) < ($6, $7::uuid))
          order by created_at desc, id desc
          limit $8`,
        [
          eventTypes,
          query.user_id ?? null,
          query.status ?? null,
          query.created_after ?? null,
          query.created_before ?? null,
          after?.[0] ?? null,
          after?.[1] ?? null,
          query.limit + 1,
        ],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toAuditLog));
    });
}
