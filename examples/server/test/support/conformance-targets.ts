/**
 * The reference server as targets of the SDK's conformance suite (test/conformance/): the harness's
 * app and test world, reached in-process (the app's `request` as the SDK's fetch) or over a real
 * port with the global fetch, on either database engine. The world's users get passwords, so the
 * SDK signs in with credentials; the mailbox, the background workers and a movable clock are the
 * target's capabilities.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { ConformanceTarget, Role, TargetFactory, TargetMail } from '../../../../test/conformance/target.js';
import { ROLES } from '../../../../test/conformance/target.js';
import { hashPassword } from '../../src/auth/password.js';
import type { Clock } from '../../src/clock.js';
import type { Database, Engine } from '../../src/db/database.js';
import { notificationRouter } from '../../src/notifications/router.js';
import { slaScheduler } from '../../src/sla/scheduler.js';
import type { Worker } from '../../src/workers/worker.js';
import { createApiHarness, type ApiHarness } from './api-harness.js';

/** The time now, moved forward by `advance`: the server's clock stays close to the database's `now()`. */
function movableClock(): Clock & { advance(seconds: number): void } {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
}

/** The target's view of the harness: everything but how it is reached. */
async function referenceServer(engine: Engine): Promise<{ api: ApiHarness; target: Omit<ConformanceTarget, 'baseUrl' | 'fetch' | 'close'> }> {
  const clock = movableClock();
  const api = await createApiHarness(engine, {
    // Short heartbeats, so that a stream the client ended is noticed and closed soon.
    app: { clock, limits: { heartbeatSeconds: 1, rateLimit: 100_000, authRateLimit: 100_000 } },
  });
  const { world } = api;
  const users = {} as ConformanceTarget['users'];
  for (const role of ROLES) {
    const password = `conformance ${role} password`;
    await api.db.query('update users set password_hash = $2 where id = $1', [world.users[role], await hashPassword(password)]);
    users[role satisfies Role] = { id: world.users[role], email: `${role}@world.test`, password };
  }
  const id = (name: string) => world.ids[name]!;
  const scheduler = slaScheduler({ db: api.db, clock, logger: api.logger });
  const router = notificationRouter({ db: api.db, clock });

  return {
    api,
    target: {
      users,
      fixtures: {
        departments: { support: id('support'), infra: id('infra') },
        teams: { alpha: id('alpha'), beta: id('beta') },
        category: id('network'),
        tags: { vip: id('vip'), outage: id('outage') },
        urgentSlaPolicy: world.rows.sla_policies!.p1!.params[0] as string,
        failedDelivery: { webhookId: id('hook'), deliveryId: id('hookDelivery') },
      },
      mailTo: (email) => Promise.resolve(api.mailbox.messages.filter((message) => message.to.toLowerCase() === email.toLowerCase()).map(withToken)),
      runBackgroundJobs: async () => {
        while ((await scheduler.runOnce()) > 0);
        await consumeThrough(api.db, router, 'notifications');
      },
      advanceClock: (seconds) => {
        clock.advance(seconds);
        return Promise.resolve();
      },
    },
  };
}

function withToken(message: { text: string }): TargetMail {
  const token = /token: (\S+)/.exec(message.text)?.[1];
  if (!token) throw new Error(`no token in the mail: ${message.text.slice(0, 200)}`);
  return { text: message.text, token };
}

/**
 * Runs an event consumer until it has passed the newest event. It reads only events whose
 * transaction is older than every one still running, so on a shared PostgreSQL server another
 * test's open transaction can hold it back for a moment: it is waited for, never skipped.
 */
async function consumeThrough(db: Database, consumer: Worker, name: string): Promise<void> {
  const { rows: newest } = await db.query<{ id: string | null }>('select max(id)::text as id from events');
  const lastId = newest[0]?.id;
  if (!lastId) return;
  for (let tries = 0; tries < 500; tries += 1) {
    await consumer.runOnce();
    const { rows } = await db.query<{ done: boolean }>(
      `select (c.tx_id, c.event_id) >= (e.tx_id, e.id) as done from event_consumers c, events e where c.name = $1 and e.id = $2`,
      [name, lastId],
    );
    if (rows[0]?.done) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the ${name} consumer never got past event ${lastId}`);
}

/** The app in-process: its `request` is the SDK's fetch, so no socket is involved. */
export function inProcessTarget(engine: Engine): TargetFactory {
  return {
    name: `reference server in-process, ${engine}`,
    async create() {
      const { api, target } = await referenceServer(engine);
      const fetch: typeof globalThis.fetch = (input, init) =>
        Promise.resolve(api.app.request(input instanceof Request ? input : new Request(String(input), init)));
      return { ...target, baseUrl: 'http://ticketflow.test', fetch, close: () => api.close() };
    },
  };
}

/** The app listening on a loopback port, called with the global fetch as any other client would. */
export function portTarget(engine: Engine): TargetFactory {
  return {
    name: `reference server on a port, ${engine}`,
    async create() {
      const { api, target } = await referenceServer(engine);
      let server: ServerType | undefined;
      const baseUrl = await new Promise<string>((resolve) => {
        server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`));
      });
      const close = async () => {
        if (server && 'closeAllConnections' in server) server.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
        await api.close();
      };
      return { ...target, baseUrl, close };
    },
  };
}
