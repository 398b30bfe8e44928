/**
 * Notification preferences, kept in `users.preferences` under `notifications`: for each ticket
 * notification type, which channels deliver it. Only what the user chose is stored, so a change of
 * default reaches everyone who never chose otherwise.
 */
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { conforms } from '../../http/contract.js';

type NotificationPreferences = components['schemas']['NotificationPreferences'];
type ChannelSettings = components['schemas']['NotificationChannelSettings'];

/** The types a user may tune; account messages (password resets, invitations) always go by email. */
export const PREFERENCE_TYPES = [
  'ticket_created', 'ticket_assigned', 'status_changed', 'comment_added', 'escalated',
  'sla_warning', 'sla_breach', 'resolution_request', 'ticket_closed',
] as const satisfies readonly (keyof NotificationPreferences)[];

const DEFAULT_CHANNELS: ChannelSettings = { email: true, sms: false, in_app: true, slack: false };

// exactOptional: conforms() compares the top level only, and the contract's nested fields are `?: boolean`.
const channels = z.strictObject({
  email: z.boolean().exactOptional(),
  sms: z.boolean().exactOptional(),
  in_app: z.boolean().exactOptional(),
  slack: z.boolean().exactOptional(),
});

export const NotificationPreferencesUpdate = conforms<components['schemas']['NotificationPreferencesUpdate']>()(
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

/** What is stored, made whole with defaults. Anything stored that is not a known choice is ignored. */
export function effectivePreferences(stored: unknown): NotificationPreferences {
  const parsed = NotificationPreferencesUpdate.safeParse(stored);
  const chosen = parsed.success ? parsed.data : {};
  return Object.fromEntries(
    PREFERENCE_TYPES.map((type) => [type, { ...DEFAULT_CHANNELS, ...chosen[type] }]),
  ) as NotificationPreferences;
}
