/**
 * How pressing a notification is: as pressing as its ticket, and never less than what it reports
 * demands (a missed target is urgent; a warning or an escalation asks for action soon).
 */
import type { components } from '../../../../src/generated/api.js';
import type { TicketNotificationType } from './notices.js';
import type { TicketAtEvent } from './ticket-at-event.js';

export type NotificationPriority = components['schemas']['NotificationPriority'];

const ORDER: readonly NotificationPriority[] = ['low', 'normal', 'high', 'urgent'];

const BY_TICKET: Record<TicketAtEvent['priority'], NotificationPriority> = {
  low: 'low',
  medium: 'normal',
  high: 'high',
  urgent: 'urgent',
};

const AT_LEAST: Partial<Record<TicketNotificationType, NotificationPriority>> = {
  sla_breach: 'urgent',
  sla_warning: 'high',
  escalated: 'high',
};

/** The priority of a notification of `type` about `ticket`. */
export function notificationPriority(type: TicketNotificationType, ticket: TicketAtEvent): NotificationPriority {
  const ticketLevel = ORDER.indexOf(BY_TICKET[ticket.priority]);
  const floor = ORDER.indexOf(AT_LEAST[type] ?? 'low');
  return ORDER[Math.max(ticketLevel, floor)]!;
}
