/**
 * The security audit log, written where the server writes it (`app.audit()` from
 * examples/server/src/auth and the users trigger): logins and their failures, lockouts, refreshes,
 * token reuse, logouts, password changes and resets, role changes and unlocks, profile updates, API
 * keys and invitations. Each entry names the account it is about and who acted (the actor the
 * server had bound at that moment: nobody for anonymous attempts), with the client's user agent;
 * the client address is always null, as the server records it for requests that reach it
 * in-process (msw has no socket to read one from).
 */
import type { components } from '../../generated/api.js';
import type { Incoming } from '../request.js';
import type { Work } from '../world.js';
import { jsonb } from './trail.js';

type AuditLog = components['schemas']['AuditLog'];

/** One entry to write; `actorId` defaults to the work's actor. */
export interface AuditEntry {
  event: AuditLog['event_type'];
  status: AuditLog['status'];
  /** The account the event is about; null when there is none (a login with an unknown email). */
  userId: string | null;
  /** Who the server had bound as the actor; by default the caller of the request. */
  actorId?: string | null;
  message?: string;
  /** Never secrets: no passwords, tokens or keys. */
  metadata?: Record<string, unknown>;
}

/** Writes entries for one request; what the mock's auth functions are handed. */
export type AuditSink = (entry: AuditEntry) => void;

/** app.audit(): appends one entry, at the request's time. */
export function audit(work: Work, req: Pick<Incoming, 'header'> | null, entry: AuditEntry): void {
  const { store, ids } = work.world;
  store.tables.auditLogs.put({
    id: ids.uuid(),
    user_id: entry.userId,
    actor_id: entry.actorId === undefined ? (work.actor?.id ?? null) : entry.actorId,
    event_type: entry.event,
    status: entry.status,
    message: entry.message ?? null,
    ip_address: null,
    user_agent: req?.header('user-agent')?.slice(0, 500) ?? null,
    resource: null,
    metadata: jsonb(entry.metadata ?? {}) as Record<string, unknown>,
    created_at: work.now(),
  });
}

/** A sink writing to the audit log for the request `req`. */
export const auditSink =
  (work: Work, req: Pick<Incoming, 'header'> | null): AuditSink =>
  (entry) =>
    audit(work, req, entry);
