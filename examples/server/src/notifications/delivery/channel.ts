/**
 * What a delivery channel is given and what it answers. A channel only sends: claiming rows,
 * retrying and recording outcomes are the delivery worker's (`delivery-worker.ts`), so a new
 * channel is one small `send` function.
 */
import type { components } from '../../../../../src/generated/api.js';

export type ChannelName = components['schemas']['NotificationChannel'];
export type NotificationType = components['schemas']['NotificationType'];
export type NotificationPriority = components['schemas']['NotificationPriority'];

/** A notification on its way out, with the recipient's addresses read at claim time. */
export interface OutgoingNotification {
  id: string;
  type: NotificationType;
  channel: ChannelName;
  priority: NotificationPriority;
  title: string;
  body: string;
  ticketId: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  recipient: Recipient;
}

export interface Recipient {
  id: string;
  /** First and last name, or the email address when the user has no name. */
  name: string;
  email: string;
  phone: string | null;
}

/**
 * `sent`: handed to a relay that delivers later (an SMTP server, an SMS gateway); `delivered`: in
 * front of the recipient now (stored in the app, posted into Slack).
 */
export interface DeliveryReceipt {
  status: 'sent' | 'delivered';
  /** The provider's id for the message (SMTP Message-ID, SMS id), kept in `external_id`. */
  externalId?: string;
}

export interface NotificationChannel {
  /**
   * Sends one notification. Throws `UndeliverableError` when trying again cannot help, any other
   * error when it might (see `errors.ts`).
   */
  send(notification: OutgoingNotification): Promise<DeliveryReceipt>;
}

/** The channels a delivery worker can use; a channel left out fails its rows as unconfigured. */
export type DeliveryChannels = Partial<Record<ChannelName, NotificationChannel>>;
