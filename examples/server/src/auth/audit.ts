/**
 * Writing the security audit log. `app.audit()` is the only way rows get in: it records the bound
 * actor (`app.user_id`, null for anonymous attempts) and the client address and user agent from the
 * transaction's settings, so anonymous work binds the client first with `bindClient`.
 */
import type { Queryable } from '../db/database.js';
import type { ClientInfo } from './client-info.js';

export type AuditEvent =
  | 'login' | 'logout' | 'login_failed' | 'token_refreshed' | 'refresh_token_reuse' | 'password_change'
  | 'password_reset_request' | 'password_reset_complete' | 'account_locked' | 'account_unlocked'
  | 'profile_updated' | 'api_key_created' | 'api_key_revoked' | 'user_invited' | 'invitation_accepted';

export type AuditStatus = 'success' | 'failure' | 'blocked' | 'warning';

export interface AuditEntry {
  event: AuditEvent;
  status: AuditStatus;
  /** The account the event is about; null when there is none (a login with an unknown email). */
  userId: string | null;
  message?: string;
  /** Never secrets: no passwords, tokens or keys. */
  metadata?: Record<string, unknown>;
}

export async function audit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.query('select app.audit($1::audit_event_type, $2::audit_event_status, $3::uuid, $4, $5::jsonb)', [
    entry.event,
    entry.status,
    entry.userId,
    entry.message ?? null,
    JSON.stringify(entry.metadata ?? {}),
  ]);
}

/** Records the client on every audit row of this transaction (until `bindActor` sets them again). */
export async function bindClient(tx: Queryable, client: ClientInfo): Promise<void> {
  await tx.query("select set_config('app.client_ip', $1, true), set_config('app.user_agent', $2, true)", [
    client.ip ?? '',
    client.userAgent ?? '',
  ]);
}
