/**
 * Request bodies of the SLA, escalation, notification, webhook and chat operations, validated as
 * the server's own schemas validate them (examples/server/src/api/sla/routes.ts,
 * escalations/routes.ts, notifications/preferences.ts, webhooks/validation.ts, chat/*.ts): the
 * same fields, limits and messages ("must not repeat a date", "must not be blank"), the same
 * trimming, holidays kept in order. Each is held to the contract's type by `satisfies`.
 */
import { z } from 'zod';
import type { OperationId } from '../core/operations.js';
import type { components } from '../generated/api.js';

type Schemas = components['schemas'];

/** `exactOptionalPropertyTypes` spells an optional zod field `?: T | undefined`; the contract spells it `?: T`. */
type WithoutUndefined<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]: Exclude<T[K], undefined> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The schema unchanged; it does not compile unless its input type equals the contract's (the server's check). */
const conforms =
  <Contract>() =>
  <S extends z.ZodType>(schema: S & (Same<WithoutUndefined<z.input<S>>, Contract> extends true ? unknown : { __mismatch: Contract })): S =>
    schema;

const id = z.guid({ error: 'must be a UUID' });
const date = z.iso.date({ error: 'must be a date (YYYY-MM-DD)' });

const priority = z.enum(['urgent', 'high', 'medium', 'low']);
const minutes = (min: number) => z.int().min(min).max(525_600);
const policy = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(10_000).nullable(),
  priority,
  category_id: id.nullable(),
  response_time_minutes: minutes(1),
  resolution_time_minutes: minutes(2),
  escalation_threshold_minutes: minutes(1).nullable(),
  business_hours_only: z.boolean(),
  business_start_hour: z.int().min(0).max(23),
  business_end_hour: z.int().min(1).max(24),
  include_weekends: z.boolean(),
  time_zone: z.string().min(1).max(64),
  // Kept in order, so that a policy reads the same however its dates were sent.
  holidays: z
    .array(date)
    .max(366)
    .refine((dates) => new Set(dates).size === dates.length, 'must not repeat a date')
    .transform((dates) => [...dates].sort()),
  is_active: z.boolean(),
  effective_from: date,
  effective_until: date.nullable(),
};

const SlaPolicyCreate = conforms<Schemas['SlaPolicyCreate']>()(
  z.strictObject({
    name: policy.name,
    priority: policy.priority,
    response_time_minutes: policy.response_time_minutes,
    resolution_time_minutes: policy.resolution_time_minutes,
    description: policy.description.optional(),
    category_id: policy.category_id.optional(),
    escalation_threshold_minutes: policy.escalation_threshold_minutes.optional(),
    business_hours_only: policy.business_hours_only.optional(),
    business_start_hour: policy.business_start_hour.optional(),
    business_end_hour: policy.business_end_hour.optional(),
    include_weekends: policy.include_weekends.optional(),
    time_zone: policy.time_zone.optional(),
    holidays: policy.holidays.optional(),
    is_active: policy.is_active.optional(),
    effective_from: policy.effective_from.optional(),
    effective_until: policy.effective_until.optional(),
  }),
);

const SlaPolicyUpdate = conforms<Schemas['SlaPolicyUpdate']>()(
  z
    .strictObject({
      name: policy.name.optional(),
      description: policy.description.optional(),
      priority: policy.priority.optional(),
      category_id: policy.category_id.optional(),
      response_time_minutes: policy.response_time_minutes.optional(),
      resolution_time_minutes: policy.resolution_time_minutes.optional(),
      escalation_threshold_minutes: policy.escalation_threshold_minutes.optional(),
      business_hours_only: policy.business_hours_only.optional(),
      business_start_hour: policy.business_start_hour.optional(),
      business_end_hour: policy.business_end_hour.optional(),
      include_weekends: policy.include_weekends.optional(),
      time_zone: policy.time_zone.optional(),
      holidays: policy.holidays.optional(),
      is_active: policy.is_active.optional(),
      effective_from: policy.effective_from.optional(),
      effective_until: policy.effective_until.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

/** The columns a PATCH of a policy may set. */
export const POLICY_FIELDS = Object.keys(policy) as (keyof typeof policy)[];

const text = z.string().trim().min(1, 'must not be blank').max(10_000);

const EscalationCreate = conforms<Schemas['EscalationCreate']>()(
  z.strictObject({ reason: text, to_user_id: id.nullable().optional(), escalation_level: z.int().min(1).max(5).optional() }),
);
const EscalationResolve = conforms<Schemas['EscalationResolve']>()(z.strictObject({ resolution_notes: text }));
const EscalationCancel = conforms<Schemas['EscalationCancel']>()(z.strictObject({ reason: text.optional() }));

// exactOptional: conforms() compares the top level only, and the contract's nested fields are `?: boolean`.
const channels = z.strictObject({
  email: z.boolean().exactOptional(),
  sms: z.boolean().exactOptional(),
  in_app: z.boolean().exactOptional(),
  slack: z.boolean().exactOptional(),
});
const NotificationPreferencesUpdate = conforms<Schemas['NotificationPreferencesUpdate']>()(
  z.strictObject({
    ticket_created: channels.optional(),
    ticket_assigned: channels.optional(),
    status_changed: channels.optional(),
    comment_added: channels.optional(),
    escalated: channels.optional(),
    sla_warning: channels.optional(),
    sla_breach: channels.optional(),
    resolution_request: channels.optional(),
    ticket_closed: channels.optional(),
  }),
);

/** The event types a webhook may subscribe to, and a wildcard per resource (the contract's enum). */
const WEBHOOK_EVENT_TYPES = Object.keys({
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
} satisfies Record<Schemas['WebhookEventType'], 1>) as [Schemas['WebhookEventType'], ...Schemas['WebhookEventType'][]];

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: 'must be a known event type (ticket.created) or a resource wildcard (comment.*)' }))
  .max(50)
  .refine((types) => new Set(types).size === types.length, 'must not list a type twice');

/** An absolute http(s) URL, without credentials (every admin can read it), the scheme in lower case. */
const webhookUrl = z
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

const description = z.string().max(500).nullable();

const WebhookCreate = conforms<Schemas['WebhookCreate']>()(
  z.strictObject({ url: webhookUrl, description: description.optional(), event_types: eventTypes.optional(), is_active: z.boolean().optional() }),
);

const WebhookUpdate = conforms<Schemas['WebhookUpdate']>()(
  z
    .strictObject({ url: webhookUrl.optional(), description: description.optional(), event_types: eventTypes.optional(), is_active: z.boolean().optional() })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ChatSessionCreate = conforms<Schemas['ChatSessionCreate']>()(z.strictObject({ subject: z.string().max(255).nullable().optional() }));
const ChatMessageCreate = conforms<Schemas['ChatMessageCreate']>()(
  z.strictObject({ body: z.string().min(1).max(10_000).regex(/\S/, 'must not be blank') }),
);

/** The bodies, by operation, for `validate.ts`. */
export const SERVICE_BODIES: Partial<Record<OperationId, z.ZodObject>> = {
  createSlaPolicy: SlaPolicyCreate,
  updateSlaPolicy: SlaPolicyUpdate,
  createEscalation: EscalationCreate,
  resolveEscalation: EscalationResolve,
  cancelEscalation: EscalationCancel,
  updateNotificationPreferences: NotificationPreferencesUpdate,
  createWebhook: WebhookCreate,
  updateWebhook: WebhookUpdate,
  createChatSession: ChatSessionCreate,
  postChatMessage: ChatMessageCreate,
};
