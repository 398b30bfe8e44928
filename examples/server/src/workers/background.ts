/**
 * The server's background work, in one list: the SLA scheduler, notification routing and delivery,
 * webhook dispatch and delivery. `main.ts` runs them with {@link startWorkers}; every instance of the
 * server may run them all, as each worker claims its items so that no two instances act on one.
 */
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { notificationDelivery, type DeliveryChannels } from '../notifications/delivery/index.js';
import { notificationRouter } from '../notifications/router.js';
import { slaScheduler } from '../sla/scheduler.js';
import { webhookDelivery } from '../webhooks/delivery-worker.js';
import { webhookDispatcher } from '../webhooks/dispatcher.js';
import type { Worker } from './worker.js';

export interface BackgroundOptions {
  /** The owner connection: the workers act for the system, not for a user. */
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Where notifications go out (`channelsFromConfig` for the configured ones). */
  channels: DeliveryChannels;
}

export function backgroundWorkers({ db, clock, logger, channels }: BackgroundOptions): Worker[] {
  return [
    slaScheduler({ db, clock, logger }),
    notificationRouter({ db, clock }),
    notificationDelivery({ db, clock, channels, logger }),
    webhookDispatcher({ db, clock }),
    webhookDelivery({ db, clock, logger }),
  ];
}
