/** The email a notification becomes, the same whether it goes over SMTP or into a `.eml` file. */
import type { SendMailOptions } from 'nodemailer';
import type { OutgoingNotification } from './channel.js';

/**
 * The message for `notification` from `from`. Its Message-ID is derived from the notification id,
 * so a message sent again after a crash is recognisably the same one (mail clients drop the copy).
 */
export function emailMessage(notification: OutgoingNotification, from: string): SendMailOptions {
  const ticketNumber = notification.metadata.ticket_number;
  return {
    from,
    to: { name: notification.recipient.name, address: notification.recipient.email },
    subject: notification.title,
    text: notification.body,
    messageId: `<${notification.id}@${domainOf(from)}>`,
    priority: notification.priority === 'urgent' || notification.priority === 'high' ? 'high' : 'normal',
    headers: {
      // RFC 3834: tells autoresponders not to answer, so an out-of-office reply cannot start a loop.
      'Auto-Submitted': 'auto-generated',
      'X-Ticketflow-Notification': notification.id,
      'X-Ticketflow-Type': notification.type,
      ...(typeof ticketNumber === 'string' ? { 'X-Ticketflow-Ticket': ticketNumber } : {}),
    },
  };
}

/** The domain of an address written `name <user@domain>` or `user@domain`. */
function domainOf(address: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(address);
  return match?.[1] ?? 'ticketflow.invalid';
}
