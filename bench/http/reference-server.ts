/**
 * The reference server as `npm start` runs it (the same app, pipeline and pool size), minus the
 * background workers and with rate limiting off: a load test is one caller far above any limit.
 */
import { serve } from '@hono/node-server';
import { createApp } from '../../examples/server/src/app.js';
import { memoryStorage } from '../../examples/server/src/storage.js';
import { announce, childConfig, onStop } from '../lib/child.js';
import { openTarget } from '../lib/target.js';
import type { ServerConfig } from './server-config.js';

const config = childConfig<ServerConfig>();
const db = await openTarget(config.target, config.maxConnections);
const app = createApp({
  db,
  storage: memoryStorage(),
  // Access logs to a pipe nobody reads would only measure the pipe.
  logger: { log: () => undefined },
  auth: { jwtSecret: Buffer.from(config.jwtSecret, 'base64url'), accessTokenTtlSeconds: 6 * 3600 },
  limits: { rateLimit: 0 },
});
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => announce(info.port));
onStop(async () => {
  server.close();
  await app.close();
  await db.close();
});
