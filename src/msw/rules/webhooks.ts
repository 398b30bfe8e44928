/**
 * Webhook dispatch, as the server's dispatcher does it (examples/server/src/webhooks/
 * dispatcher.ts, envelope.ts, event-types.ts): a consumer of the events outbox that records one
 * `pending` delivery per event and active webhook subscribed to its type, holding the envelope the
 * server would POST. The mock sends nothing: deliveries stay `pending` with no attempts, until a
 * test records an outcome with `mock.seed.webhookDelivery()`.
 */
import type { EventRow, WebhookDeliveryRow, WebhookRow } from '../store.js';
import type { Work } from '../world.js';

const CONSUMER = 'webhooks';

/**
 * Whether a webhook listing `subscribed` wants an event of `type`: an empty list means every type;
 * otherwise the exact type or its `<resource>.*` wildcard must be listed.
 */
export function subscribesTo(subscribed: readonly string[], type: string): boolean {
  if (subscribed.length === 0) return true;
  const resource = type.slice(0, type.indexOf('.'));
  return subscribed.includes(type) || subscribed.includes(`${resource}.*`);
}

/** The JSON text POSTed for `event` (the contract's `Webhook` envelope); `id` is a string, as outbox ids are bigints. */
export function webhookEnvelope(event: EventRow): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created_at: event.created_at,
    actor_id: event.actor_id,
    ticket_id: event.ticket_id,
    chat_session_id: event.chat_session_id ?? null,
    user_id: event.user_id ?? null,
    is_internal: event.is_internal,
    data: event.payload,
  });
}

/** Queues deliveries for the events written since the last run; answers how many events it read. */
export function dispatchWebhooks(work: Work): number {
  const { store, ids } = work.world;
  const { events, webhooks, webhookDeliveries, eventConsumers } = store.tables;
  const position = eventConsumers.get(CONSUMER)?.seq ?? 0;
  const batch = events.where((event) => event.seq > position).sort((a, b) => a.seq - b.seq);
  if (batch.length === 0) return 0;
  const hooks: WebhookRow[] = webhooks.where((hook) => hook.is_active);
  for (const event of batch) {
    for (const hook of hooks) {
      // A subscription starts when it is made: earlier events are not replayed to it.
      if (!subscribesTo(hook.event_types, event.type) || Date.parse(hook.created_at) > Date.parse(event.created_at)) continue;
      if (webhookDeliveries.where((d) => d.webhook_id === hook.id && d.event_id === event.id).length > 0) continue;
      const now = work.now();
      webhookDeliveries.put({
        id: ids.uuid(),
        webhook_id: hook.id,
        event_id: event.id,
        event_type: event.type as WebhookDeliveryRow['event_type'],
        status: 'pending',
        attempt_count: 0,
        next_attempt_at: now,
        last_attempt_at: null,
        delivered_at: null,
        created_at: now,
        attempts: [],
        body: webhookEnvelope(event),
        round_attempts: 0,
      });
    }
  }
  eventConsumers.put({ id: CONSUMER, seq: batch.at(-1)!.seq });
  return batch.length;
}
