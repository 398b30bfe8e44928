/**
 * The body of a webhook request: the event envelope described by the contract's `Webhook` schema.
 * Built once, when the event is queued for a webhook, and stored as text, so every attempt sends
 * (and signs) exactly the same bytes.
 */
import type { EventRow } from '../events/read-events.js';
import { iso } from '../http/serialize.js';

/** The JSON text POSTed for `event`. `id` is a string: outbox ids are bigints. */
export function webhookEnvelope(event: EventRow): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created_at: iso(event.created_at),
    actor_id: event.actor_id,
    ticket_id: event.ticket_id,
    chat_session_id: event.chat_session_id,
    user_id: event.user_id,
    is_internal: event.is_internal,
    data: event.payload,
  });
}
