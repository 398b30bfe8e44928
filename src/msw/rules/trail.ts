/**
 * The ticket history and the events outbox, written as the server's triggers write them: every
 * entry names the acting user and carries the request's change reason, and every change has its
 * event (public or internal) for live streams and webhooks.
 */
import type { HistoryRow } from '../store.js';
import type { Work } from '../world.js';

type Action = HistoryRow['action'];

/** app.record_history. */
export function recordHistory(work: Work, ticketId: string, action: Action, field: string | null, oldValue: unknown, newValue: unknown, isInternal: boolean): void {
  const { store, ids } = work.world;
  store.sequences.history += 1;
  store.tables.history.put({
    id: ids.uuid(),
    seq: store.sequences.history,
    ticket_id: ticketId,
    actor_id: work.actor?.id ?? null,
    action,
    field,
    old_value: jsonb(oldValue ?? null),
    new_value: jsonb(newValue ?? null),
    is_internal: isInternal,
    reason: work.reason,
    created_at: work.now(),
  });
}

/** app.emit: one outbox row; `to` addresses it to one user (a notification) or a chat session. */
export function emit(
  work: Work,
  type: string,
  ticketId: string | null,
  isInternal: boolean,
  payload: Record<string, unknown>,
  to: { userId?: string | null; chatSessionId?: string | null } = {},
): void {
  const { store } = work.world;
  store.sequences.events += 1;
  store.tables.events.put({
    id: String(store.sequences.events),
    seq: store.sequences.events,
    type,
    ticket_id: ticketId,
    actor_id: work.actor?.id ?? null,
    is_internal: isInternal,
    payload: jsonb(payload) as Record<string, unknown>,
    created_at: work.now(),
    chat_session_id: to.chatSessionId ?? null,
    user_id: to.userId ?? null,
  });
}

/**
 * A timestamp as PostgreSQL's `to_jsonb(timestamptz)` writes it in a UTC session
 * (`2026-01-15T09:00:00.12+00:00`): the form history values of time columns have.
 */
export function pgJsonTime(iso: string | null): string | null {
  if (iso === null) return null;
  const [seconds, fraction = ''] = iso.replace(/Z$/, '').split('.');
  const digits = fraction.replace(/0+$/, '');
  return `${seconds!}${digits ? `.${digits}` : ''}+00:00`;
}

/**
 * A JSON value as PostgreSQL's `jsonb` gives it back: object keys ordered by length, then
 * bytewise (so `{"b":1,"a":2}` reads `{"a":2,"b":1}`, and `title` comes before `status`).
 */
export function jsonb(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonb);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, jsonb((value as Record<string, unknown>)[key])]));
}
