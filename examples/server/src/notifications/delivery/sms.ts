/**
 * SMS through a provider the deployment plugs in (Twilio, Vonage, an in-house gateway): the server
 * ships none, so without one every SMS row fails at once with a reason that says so.
 */
import type { DeliveryReceipt, NotificationChannel } from './channel.js';
import { UndeliverableError } from './errors.js';
import { unconfiguredChannel } from './unconfigured.js';

export interface SmsMessage {
  /** The user's `phone_number` as stored. */
  to: string;
  text: string;
}

/**
 * A gateway that sends text messages. `send` throws `UndeliverableError` for a number the gateway
 * refuses for good, any other error for a failure worth retrying.
 */
export interface SmsProvider {
  send(message: SmsMessage): Promise<DeliveryReceipt>;
}

/** Two SMS segments: longer texts are cut rather than billed as many messages. */
const SMS_MAX_LENGTH = 320;

/** The SMS channel over `provider`; without a provider, rows fail as unconfigured. */
export function smsChannel(provider: SmsProvider | undefined): NotificationChannel {
  if (!provider) return unconfiguredChannel('no SMS provider is configured');
  return {
    send(notification) {
      const to = notification.recipient.phone;
      if (!to) return Promise.reject(new UndeliverableError('the recipient has no phone number'));
      return provider.send({ to, text: smsText(notification.title, notification.body) });
    },
  };
}

function smsText(title: string, body: string): string {
  const text = `${title}: ${body}`.replace(/\s+/g, ' ').trim();
  return text.length <= SMS_MAX_LENGTH ? text : `${text.slice(0, SMS_MAX_LENGTH - 1)}…`;
}
