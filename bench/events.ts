/**
 * Events: how long an acknowledged write takes to reach live subscribers. N subscribers (1,000 by
 * default, as different staff users) hold `GET /v1/events` open on the reference server; this
 * process then adds comments to a ticket they may all see, one at a time, through the API, and
 * times each from the moment the write was acknowledged (its transaction has committed by then)
 * to its arrival on every stream. The baseline is the same with one subscriber, in the same run.
 *
 *   npm run bench:events                       # PGlite
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:events -- --reuse
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DEFAULT_AUTH } from '../examples/server/src/app.js';
import { signAccessToken } from '../examples/server/src/auth/access-tokens.js';
import { systemClock } from '../examples/server/src/clock.js';
import { generate, type GenerateReport } from './data/generate.js';
import { assertFileLimit } from './events/fd-limit.js';
import { subscribe, type Subscriber } from './events/subscriber.js';
import type { ServerConfig } from './http/server-config.js';
import { startChild, type Child } from './lib/child.js';
import { currentLoad, type Load } from './lib/machine.js';
import { commonOptions, parseFlags, positiveInteger, type CommonOptions } from './lib/options.js';
import { isMain } from './lib/is-main.js';
import { loadLine, saveJson, table } from './lib/report.js';
import { ms, summarize, times, type Summary } from './lib/stats.js';
import { describeTarget, openTarget, targetExists, type Target } from './lib/target.js';

export interface EventsOptions extends Pick<CommonOptions, 'target' | 'scale' | 'reuse' | 'smoke' | 'quiet'> {
  subscribers?: number | undefined;
  events?: number | undefined;
}

export interface EventsPhase {
  subscribers: number;
  events: number;
  /** Deliveries expected (subscribers × events) and seen. */
  expected: number;
  delivered: number;
  /** Milliseconds from the write's acknowledgement to each delivery. */
  latency: Summary;
  /** Seconds it took to open every stream. */
  connectSeconds: number;
}

export interface EventsReport {
  bench: 'events';
  target: string;
  engine: Target['engine'];
  /** The soft open-file limit this ran under. */
  fileLimit: number | null;
  baseline: EventsPhase;
  loaded: EventsPhase;
  ratios: { p50: number; p99: number };
  generated: GenerateReport | null;
  load: { before: Load; after: Load };
}

const DELIVERY_TIMEOUT_MS = 60_000;

/** Agents and managers (the subscribers), and a customer (who files the ticket they all watch). */
async function pickPeople(target: Target): Promise<{ staff: string[]; customer: string }> {
  const db = await openTarget(target, 2);
  try {
    const staff = await db.query<{ id: string }>("select id from users where role in ('agent', 'manager') and is_active order by id");
    const customer = await db.query<{ id: string }>("select id from users where role = 'customer' order by email limit 1");
    if (staff.rows.length === 0 || !customer.rows[0]) throw new Error('the bench data has no staff or no customer: generate more data');
    return { staff: staff.rows.map((row) => row.id), customer: customer.rows[0].id };
  } finally {
    await db.close();
  }
}

interface Api {
  port: number;
  token(userId: string): Promise<string>;
}

async function post(api: Api, userId: string, path: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`http://127.0.0.1:${api.port}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await api.token(userId)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { id: string };
}

async function phase(api: Api, staff: string[], ticketId: string, subscribers: number, events: number, quiet: boolean): Promise<EventsPhase> {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const arrivals = new Map<string, number[]>();
  const onData = (data: string, at: number) => {
    // Kept whatever the id: a delivery may beat the write's acknowledgement here.
    const commentId = (JSON.parse(data) as { data?: { comment_id?: string } }).data?.comment_id;
    if (!commentId) return;
    const list = arrivals.get(commentId);
    if (list) list.push(at);
    else arrivals.set(commentId, [at]);
  };
  const streams: Subscriber[] = [];
  const connectStarted = performance.now();
  try {
    // In batches: each stream opens with a short transaction of its own on the server.
    for (let i = 0; i < subscribers; i += 50) {
      const batch = Array.from({ length: Math.min(50, subscribers - i) }, async (_, j) => subscribe(agent, api.port, await api.token(staff[(i + j) % staff.length]!), onData));
      streams.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    if (!quiet) process.stderr.write(`events: ${subscribers} subscribers connected in ${connectSeconds.toFixed(1)} s\n`);
    const failed = Promise.race(streams.map((stream) => stream.ended));
    const latencies: number[] = [];
    let delivered = 0;
    for (let e = 0; e < events; e += 1) {
      const author = staff[e % staff.length]!;
      const started = performance.now();
      const comment = await post(api, author, `/v1/tickets/${ticketId}/comments`, { body: `Event bench ${e}: any update?` });
      const acknowledged = performance.now();
      const deadline = started + DELIVERY_TIMEOUT_MS;
      const seen = () => arrivals.get(comment.id)?.length ?? 0;
      while (seen() < subscribers && performance.now() < deadline) {
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 5)), failed]);
      }
      const times = arrivals.get(comment.id) ?? [];
      delivered += times.length;
      // A delivery before the acknowledgement counts as instant.
      for (const at of times) latencies.push(Math.max(0, at - acknowledged));
      arrivals.clear();
    }
    return { subscribers, events, expected: subscribers * events, delivered, latency: summarize(latencies), connectSeconds };
  } finally {
    for (const stream of streams) stream.close();
    agent.destroy();
  }
}

export async function runEvents(options: EventsOptions): Promise<EventsReport> {
  const subscribers = options.subscribers ?? (options.smoke ? 20 : 1000);
  const events = options.events ?? (options.smoke ? 3 : 20);
  const fileLimit = assertFileLimit(subscribers);
  const generated = options.reuse && (await targetExists(options.target)) ? null : await generate({ target: options.target, scale: options.scale, quiet: options.quiet });
  const { staff, customer } = await pickPeople(options.target);
  const jwtSecret = randomBytes(32).toString('base64url');
  const settings = { ...DEFAULT_AUTH, accessTokenTtlSeconds: 6 * 3600, jwtSecret: Buffer.from(jwtSecret, 'base64url') };
  const tokens = new Map<string, Promise<string>>();
  const before = currentLoad();
  let server: Child | undefined;
  try {
    const config: ServerConfig = { target: options.target, jwtSecret, actors: { agent: staff[0]!, customer }, maxConnections: 10 };
    server = await startChild(new URL('./http/reference-server.ts', import.meta.url), config);
    const api: Api = {
      port: server.port,
      token: (userId) => {
        if (!tokens.has(userId)) tokens.set(userId, signAccessToken(settings, systemClock, { userId, sessionId: randomUUID() }));
        return tokens.get(userId)!;
      },
    };
    // A new, unassigned ticket: every agent and manager may see it (and its comments' events).
    const ticket = await post(api, customer, '/v1/tickets', { title: 'Event benchmark: printer not responding', priority: 'high' });
    const baseline = await phase(api, staff, ticket.id, 1, events, options.quiet);
    const loaded = await phase(api, staff, ticket.id, subscribers, events, options.quiet);
    return {
      bench: 'events',
      target: describeTarget(options.target),
      engine: options.target.engine,
      fileLimit: fileLimit === undefined || !Number.isFinite(fileLimit) ? null : fileLimit,
      baseline,
      loaded,
      ratios: { p50: loaded.latency.p50 / baseline.latency.p50, p99: loaded.latency.p99 / baseline.latency.p99 },
      generated,
      load: { before, after: currentLoad() },
    };
  } finally {
    await server?.stop();
  }
}

export function printEventsReport(report: EventsReport): void {
  console.log(`\nEvents: ${report.target}; acknowledged comment → arrival on every stream (open-file limit ${report.fileLimit ?? 'unknown'})`);
  const row = (phase: EventsPhase) => [
    String(phase.subscribers), String(phase.events), `${phase.delivered}/${phase.expected}`, ms(phase.latency.p50), ms(phase.latency.p99), ms(phase.latency.max), `${phase.connectSeconds.toFixed(1)} s`,
  ];
  console.log(table(['subscribers', 'events', 'delivered', 'p50', 'p99', 'max', 'connect'], [row(report.baseline), row(report.loaded)]));
  console.log(`ratio to one subscriber: p50 ${times(report.ratios.p50)}, p99 ${times(report.ratios.p99)}; ${loadLine(report.load)}`);
}

if (isMain(import.meta.url)) {
  const values = parseFlags(process.argv.slice(2), { subscribers: { type: 'string' }, events: { type: 'string' } });
  const options = commonOptions(values);
  const report = await runEvents({ ...options, subscribers: positiveInteger('subscribers', values.subscribers), events: positiveInteger('events', values.events) });
  printEventsReport(report);
  await saveJson(options.json, report);
}
