/**
 * Notification preferences, kept in `users.preferences` under `notifications` as the server keeps
 * them (examples/server/src/api/notifications/preferences.ts): for each ticket notification type,
 * which channels deliver it. Only what the user chose is stored; the rest is the default.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';

type NotificationPreferences = components['schemas']['NotificationPreferences'];
type ChannelSettings = components['schemas']['NotificationChannelSettings'];

/** The types a user may tune; account messages (password resets, invitations) always go by email. */
export const PREFERENCE_TYPES = [
  'ticket_created', 'ticket_assigned', 'status_changed', 'comment_added', 'escalated',
  'sla_warning', 'sla_breach', 'resolution_request', 'ticket_closed',
] as const satisfies readonly (keyof NotificationPreferences)[];

const DEFAULT_CHANNELS: ChannelSettings = { email: true, sms: false, in_app: true, slack: false };

const channels = z.strictObject({
  email: z.boolean().exactOptional(),
  sms: z.boolean().exactOptional(),
  in_app: z.boolean().exactOptional(),
  slack: z.boolean().exactOptional(),
});

const Stored = z.strictObject(Object.fromEntries(PREFERENCE_TYPES.map((type) => [type, channels.optional()])) as Record<(typeof PREFERENCE_TYPES)[number], z.ZodOptional<typeof channels>>);

/** What is stored, made whole with defaults. Anything stored that is not a known choice is ignored. */
export function effectivePreferences(stored: unknown): NotificationPreferences {
  const parsed = Stored.safeParse(stored);
  const chosen: Partial<Record<string, Partial<ChannelSettings>>> = parsed.success ? parsed.data : {};
  return Object.fromEntries(PREFERENCE_TYPES.map((type) => [type, { ...DEFAULT_CHANNELS, ...chosen[type] }])) as NotificationPreferences;
}
