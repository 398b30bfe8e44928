/** A channel the deployment has not set up: its rows fail at once, saying what to configure. */
import type { NotificationChannel } from './channel.js';
import { UndeliverableError } from './errors.js';

/** A channel whose every send fails for good with `reason` (which ends up in `failed_reason`). */
export function unconfiguredChannel(reason: string): NotificationChannel {
  return { send: () => Promise.reject(new UndeliverableError(reason)) };
}
