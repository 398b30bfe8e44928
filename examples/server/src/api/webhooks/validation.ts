/** What a webhook may point at and subscribe to. */
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';

type WebhookEventType = components['schemas']['WebhookEventType'];

/**
 * The event types the database writes to its outbox (`app.emit` in the migrations), and a wildcard
 * per resource. `satisfies Record<…>` makes `tsc` fail when this list and the contract's enum differ.
 */
export const WEBHOOK_EVENT_TYPES = Object.keys({
  'ticket.created': 1, 'ticket.updated': 1, 'ticket.deleted': 1, 'ticket.tagged': 1, 'ticket.untagged': 1,
  'comment.created': 1, 'comment.updated': 1, 'comment.deleted': 1,
  'attachment.created': 1,
  'escalation.created': 1, 'escalation.updated': 1,
  'sla.warning': 1, 'sla.breached': 1,
  'feedback.created': 1, 'feedback.updated': 1,
  'kb_article.created': 1, 'kb_article.updated': 1,
  'notification.created': 1,
  'chat.session_created': 1, 'chat.session_updated': 1, 'chat.message_created': 1,
  'ticket.*': 1, 'comment.*': 1, 'attachment.*': 1, 'escalation.*': 1, 'feedback.*': 1,
  'kb_article.*': 1, 'sla.*': 1, 'notification.*': 1, 'chat.*': 1,
} satisfies Record<WebhookEventType, 1>) as [WebhookEventType, ...WebhookEventType[]];

export const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: 'must be a known event type (ticket.created) or a resource wildcard (comment.*)' }))
  .max(50)
  .refine((types) => new Set(types).size === types.length, 'must not list a type twice');

/**
 * An absolute http(s) URL. Credentials in it are refused: every admin can read the URL, and
 * deliveries are authenticated by their signature instead. The scheme must be written in lower case,
 * as the database's check expects.
 */
export const webhookUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    if (!/^https?:\/\/\S+$/.test(value)) return false;
    try {
      const url = new URL(value);
      return url.hostname !== '' && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an absolute http or https URL without spaces, user name or password');
