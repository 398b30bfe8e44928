/**
 * The server's background work, run against the mock's store and clock: the SLA scheduler (plans
 * tickets, fires due warnings, breaches and escalations), then notification routing, then webhook
 * dispatch — each until it has caught up, each pass in a transaction of its own, acting as no one
 * (the engine), as the server's workers do.
 */
import { routeNotifications } from './rules/notifications.js';
import { runSlaScheduler } from './rules/sla-engine.js';
import { dispatchWebhooks } from './rules/webhooks.js';
import { Work, type World } from './world.js';

/**
 * When the background work runs: `'auto'` before each request the mock answers (as if the server's
 * workers had caught up in between), `'manual'` only when `mock.runBackgroundJobs()` is called.
 *
 * @example
 * ```ts
 * createTicketflowMock({ backgroundJobs: 'manual' });
 * ```
 */
export type BackgroundJobs = 'auto' | 'manual';

/**
 * One of the server's background jobs: `'sla'` the SLA scheduler, `'notifications'` notification
 * routing, `'webhooks'` webhook dispatch.
 *
 * @example
 * ```ts
 * mock.runBackgroundJobs({ only: ['sla'] });
 * ```
 */
export type BackgroundJob = 'sla' | 'notifications' | 'webhooks';

const JOBS: Record<BackgroundJob, (work: Work, now: Date) => number> = {
  sla: runSlaScheduler,
  notifications: (work) => routeNotifications(work),
  webhooks: (work) => dispatchWebhooks(work),
};

/** Runs the background jobs (all, or `only` those), in the server's order, until none has anything left to do. */
export function runBackgroundJobs(world: World, only?: readonly BackgroundJob[]): void {
  for (const name of Object.keys(JOBS) as BackgroundJob[]) {
    if (only && !only.includes(name)) continue;
    while (world.store.transaction(() => JOBS[name](new Work(world, null), world.clock.now())) > 0);
  }
}
