/** In-app notifications: the row is the message, so it is delivered once it is stored. */
import type { NotificationChannel } from './channel.js';

/** The in-app channel: every row is `delivered` at once. */
export function inAppChannel(): NotificationChannel {
  return { send: () => Promise.resolve({ status: 'delivered' }) };
}
