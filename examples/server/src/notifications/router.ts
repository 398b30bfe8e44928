/**
 * Notification routing: a durable consumer of the event outbox (named `notifications`) that turns
 * ticket events into `pending` notification rows for the delivery worker. It runs as the owner, so
 * it sees every ticket and user; what a customer may learn is decided by the rules in
 * `recipients.ts`, not by row-level security.
 *
 * Exactly once comes from the consumer: the rows of a batch are inserted in the transaction that
 * moves the consumer's position past it, and only one instance holds the position at a time.
 */
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { EventRow } from '../events/read-events.js';
import { eventConsumer } from '../workers/event-consumer.js';
import type { Worker } from '../workers/worker.js';
import { noticesFor } from './notices.js';
import { insertNotifications, loadRecipients, notificationRows } from './recipients.js';
import { ticketChanges, ticketsAtEvents } from './ticket-at-event.js';

export interface NotificationRouterOptions {
  db: Database;
  clock: Clock;
  /** Events per transaction. */
  batchSize?: number;
}

/** Notifications are about tickets; `notification.*` events are the router's own output. */
const routable = (event: EventRow) => event.ticket_id !== null && !event.type.startsWith('notification.');

/** The worker that creates notifications from events. */
export function notificationRouter({ db, clock, batchSize }: NotificationRouterOptions): Worker {
  return eventConsumer({
    db,
    name: 'notifications',
    ...(batchSize === undefined ? {} : { batchSize }),
    async handle(tx, batch) {
      const events = batch.filter(routable);
      if (events.length === 0) return;
      const tickets = await ticketsAtEvents(tx, events);
      const changes = await ticketChanges(tx, events);
      const routed = [];
      for (const event of events) {
        const ticket = tickets.get(event.id);
        if (!ticket) continue; // deleted since
        routed.push({ event, ticket, notices: await noticesFor(tx, event, ticket, changes.get(event.id)) });
      }
      const recipients = await loadRecipients(
        tx,
        routed.flatMap(({ notices }) => notices.flatMap((notice) => notice.to.filter((id): id is string => id !== null))),
      );
      const rows = routed.flatMap(({ event, ticket, notices }) => notificationRows(event, ticket, notices, recipients));
      await insertNotifications(tx, rows, clock.now());
    },
  });
}
