/**
 * `npm start`: prepares the database (migrations, then the demo data when it is empty), serves the
 * API on http://127.0.0.1:4010, runs the background workers (SLA scheduler, notifications, webhooks),
 * and prints where to find it and how to log in.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { removeStrandedFiles } from './attachments/stranded-files.js';
import { systemClock } from './clock.js';
import { loadConfig, type Config } from './config.js';
import { openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { jsonLogger } from './logger.js';
import { fileMailbox, mailboxDir } from './mailbox.js';
import { channelsFromConfig } from './notifications/delivery/index.js';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './seed/demo.js';
import { attachmentsDir, localStorage } from './storage.js';
import { backgroundWorkers } from './workers/background.js';
import { startWorkers } from './workers/worker.js';

// Files of uploads interrupted before this start (a crash) are older than this.
const startedAt = new Date();
const config = loadConfig();
const db = await openDatabase(
  config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: `${config.dataDir}/pgdata` },
);
const storage = localStorage(attachmentsDir(config.dataDir));

const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pgdata`;
console.log(`Database: ${where}`);
const migrated = await migrate(db);
console.log(
  migrated.applied.length > 0
    ? `Applied ${migrated.applied.length} migrations: ${migrated.applied.join(', ')}`
    : `Schema up to date (${migrated.alreadyApplied} migrations applied earlier)`,
);
const seeded = await seedDemo(db, storage);
console.log(seeded.created ? 'Seeded the demo data.' : 'Demo data already present.');
const stranded = await removeStrandedFiles(db, storage, attachmentsDir(config.dataDir), { writtenBefore: startedAt });
if (stranded.objects + stranded.temporary > 0) {
  console.log(`Removed ${stranded.objects} unreferenced attachment files and ${stranded.temporary} partial ones left by interrupted uploads.`);
}

const logger = jsonLogger({ level: config.logLevel });
const app = createApp({
  db,
  storage,
  logger,
  mailbox: fileMailbox(mailboxDir(config.dataDir)),
  auth: { jwtSecret: new TextEncoder().encode(await jwtSecret(config)) },
  corsOrigins: config.corsOrigins,
});

const workers = startWorkers(backgroundWorkers({ db, clock: systemClock, logger, channels: channelsFromConfig(config) }), { logger });

const headersTimeout = config.headersTimeoutSeconds * 1000;
const serverOptions = {
  headersTimeout,
  requestTimeout: config.requestTimeoutSeconds * 1000,
  // How often Node looks for requests past those timeouts (30 s by default, which would let a
  // 60 s headers timeout fire only after up to 90 s).
  connectionsCheckingInterval: Math.max(250, Math.min(30_000, headersTimeout / 4)),
};
const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port, serverOptions }, (info) => {
  const url = `http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
  console.log(`
Ticketflow API   ${url}/v1
API reference    ${url}/docs
OpenAPI          ${url}/openapi.json
Mailbox (dev)    ${config.smtpUrl ? `SMTP (notification emails); resets and invitations in ${mailboxDir(config.dataDir)}` : mailboxDir(config.dataDir)}

Demo logins (password "${DEMO_PASSWORD}"):
${DEMO_USERS.map((user) => `  ${user.role.padEnd(9)} ${user.email}`).join('\n')}

Try it:
  curl -s ${url}/v1/auth/login -H 'content-type: application/json' \\
    -d '{"email":"${DEMO_USERS[4].email}","password":"${DEMO_PASSWORD}"}'
  curl -s ${url}/v1/tickets -H "authorization: Bearer <access_token>"
`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  server.close();
  await workers.stop();
  await app.close();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

/**
 * The key that signs access tokens. With PostgreSQL, instances share the database and must share
 * the key: JWT_SECRET is required. With PGlite (one local instance) a random key is kept in the data
 * directory so that tokens survive a restart.
 */
async function jwtSecret({ jwtSecret, databaseUrl, dataDir }: Config): Promise<string> {
  if (jwtSecret) return jwtSecret;
  if (databaseUrl) {
    console.error('JWT_SECRET is required with DATABASE_URL (every instance must sign tokens with the same key).');
    process.exit(1);
  }
  const file = join(dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}
