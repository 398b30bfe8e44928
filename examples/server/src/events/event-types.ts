/** The event types of the outbox, as the contract lists them, and the `types` filter of a stream. */
import type { components } from '../../../../src/generated/api.js';

export type EventType = components['schemas']['EventType'];

export const EVENT_TYPES = [
  'ticket.created', 'ticket.updated', 'ticket.deleted', 'ticket.tagged', 'ticket.untagged',
  'comment.created', 'comment.updated', 'comment.deleted', 'attachment.created',
  'escalation.created', 'escalation.updated', 'feedback.created', 'feedback.updated',
  'kb_article.created', 'kb_article.updated', 'sla.warning', 'sla.breached', 'notification.created',
  'chat.session_created', 'chat.session_updated', 'chat.message_created',
] as const satisfies readonly EventType[];

// Fails to compile when the contract gains a type this list lacks.
const everyType: [Exclude<EventType, (typeof EVENT_TYPES)[number]>] extends [never] ? true : never = true;
void everyType;

/** The resources events are about: `ticket` for `ticket.*`. */
export const EVENT_FAMILIES: readonly string[] = [...new Set(EVENT_TYPES.map((type) => type.split('.')[0]!))];

/** Which events a stream carries: exact types and whole families; `null` means every event. */
export interface TypeFilter {
  types: string[];
  families: string[];
}

/**
 * Reads `ticket.*,comment.created` (entries already split) into a filter, or the first entry that is
 * neither a known type nor `<family>.*`.
 */
export function parseTypeFilter(entries: readonly string[]): { ok: true; filter: TypeFilter } | { ok: false; invalid: string } {
  const filter: TypeFilter = { types: [], families: [] };
  for (const entry of entries) {
    if ((EVENT_TYPES as readonly string[]).includes(entry)) {
      filter.types.push(entry);
    } else if (entry.endsWith('.*') && EVENT_FAMILIES.includes(entry.slice(0, -2))) {
      filter.families.push(entry.slice(0, -2));
    } else {
      return { ok: false, invalid: entry };
    }
  }
  return { ok: true, filter };
}
