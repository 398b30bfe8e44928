/**
 * HTTP: throughput and latency of the reference server for get ticket, list tickets, create ticket
 * and add comment, beside a minimal Hono + driver baseline running the same queries with no
 * framework work (bench/http/baseline-server.ts), so the server's own overhead is a ratio. Both
 * servers run at once in processes of their own on loopback and are loaded in turn by autocannon
 * from this process, alternating which goes first.
 *
 *   npm run bench:http                                   # PGlite
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:http -- --reuse
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cp, rm } from 'node:fs/promises';
import { DEFAULT_AUTH } from '../examples/server/src/app.js';
import { signAccessToken } from '../examples/server/src/auth/access-tokens.js';
import { systemClock } from '../examples/server/src/clock.js';
import { generate, type GenerateReport } from './data/generate.js';
import type { Endpoint, LoadResult } from './http/load.js';
import { load } from './http/load.js';
import type { ServerConfig } from './http/server-config.js';
import { startChild, type Child } from './lib/child.js';
import { currentLoad, type Load } from './lib/machine.js';
import { commonOptions, parseFlags, positiveInteger, type CommonOptions } from './lib/options.js';
import { isMain } from './lib/is-main.js';
import { loadLine, saveJson, table } from './lib/report.js';
import { ms, times } from './lib/stats.js';
import { describeTarget, openTarget, targetExists, type Target } from './lib/target.js';

export type ServerName = 'reference' | 'baseline';

export interface HttpOptions extends Pick<CommonOptions, 'target' | 'scale' | 'reuse' | 'smoke' | 'quiet'> {
  seconds?: number | undefined;
  connections?: number | undefined;
}

export interface HttpRow extends LoadResult {
  endpoint: string;
  server: ServerName;
}

export interface HttpRatio {
  endpoint: string;
  /** Reference req/s ÷ baseline req/s: the share of the baseline's throughput the server keeps. */
  throughput: number;
  /** Reference p50 ÷ baseline p50. */
  p50: number;
}

export interface HttpReport {
  bench: 'http';
  target: string;
  engine: Target['engine'];
  seconds: number;
  connections: number;
  rows: HttpRow[];
  ratios: HttpRatio[];
  generated: GenerateReport | null;
  load: { before: Load; after: Load };
}

interface Actors {
  agent: string;
  customer: string;
  /** Tickets assigned to the agent: theirs to read and answer. */
  tickets: string[];
}

async function pickActors(target: Target): Promise<Actors> {
  const db = await openTarget(target, 2);
  try {
    const { rows: [agent] } = await db.query<{ id: string }>(
      `select t.assignee_id as id from tickets t join users u on u.id = t.assignee_id and u.role = 'agent'
        group by t.assignee_id order by count(*) desc, t.assignee_id limit 1`,
    );
    const { rows: [customer] } = await db.query<{ id: string }>("select id from users where role = 'customer' order by email limit 1");
    if (!agent || !customer) throw new Error('the bench data has no agent with tickets: generate more data');
    const { rows } = await db.query<{ id: string }>('select id from tickets where assignee_id = $1 order by md5(id::text) limit 200', [agent.id]);
    return { agent: agent.id, customer: customer.id, tickets: rows.map((row) => row.id) };
  } finally {
    await db.close();
  }
}

function endpoints(actors: Actors, tokens: { agent: string; customer: string }): Endpoint[] {
  const ticket = (n: number) => actors.tickets[n % actors.tickets.length]!;
  return [
    { name: 'get ticket', method: 'GET', path: (n) => `/v1/tickets/${ticket(n)}`, token: tokens.agent },
    { name: 'list tickets', method: 'GET', path: () => '/v1/tickets?limit=25', token: tokens.agent },
    {
      name: 'create ticket',
      method: 'POST',
      path: () => '/v1/tickets',
      body: (n) => ({ title: `Load test ${n}: printer not responding`, description: 'Created by bench/http.ts.', priority: 'low' }),
      token: tokens.customer,
    },
    { name: 'add comment', method: 'POST', path: (n) => `/v1/tickets/${ticket(n)}/comments`, body: (n) => ({ body: `Load test reply ${n}.` }), token: tokens.agent },
  ];
}

/** One request per endpoint and server before any load: a broken setup fails here, not as a page of non-2xx. */
async function preflight(servers: Record<ServerName, Child>, list: Endpoint[]): Promise<void> {
  for (const [name, child] of Object.entries(servers)) {
    for (const endpoint of list) {
      const response = await fetch(`http://127.0.0.1:${child.port}${endpoint.path(0)}`, {
        method: endpoint.method,
        headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
        ...(endpoint.body ? { body: JSON.stringify(endpoint.body(0)) } : {}),
      });
      if (!response.ok) throw new Error(`${name} server: ${endpoint.method} ${endpoint.path(0)} answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  }
}

export async function runHttp(options: HttpOptions): Promise<HttpReport> {
  const seconds = options.seconds ?? (options.smoke ? 1 : 10);
  const connections = options.connections ?? 10;
  const generated = options.reuse && (await targetExists(options.target)) ? null : await generate({ target: options.target, scale: options.scale, quiet: options.quiet });
  const actors = await pickActors(options.target);
  const jwtSecret = randomBytes(32).toString('base64url');
  const settings = { ...DEFAULT_AUTH, accessTokenTtlSeconds: 6 * 3600, jwtSecret: Buffer.from(jwtSecret, 'base64url') };
  const token = (userId: string) => signAccessToken(settings, systemClock, { userId, sessionId: randomUUID() });
  const list = endpoints(actors, { agent: await token(actors.agent), customer: await token(actors.customer) });

  // PGlite is one process's: the baseline gets a copy of the data directory.
  const baselineTarget: Target = options.target.engine === 'pglite' ? { engine: 'pglite', dataDir: `${options.target.dataDir}-baseline` } : options.target;
  if (baselineTarget.engine === 'pglite') {
    await rm(baselineTarget.dataDir, { recursive: true, force: true });
    await cp((options.target as { dataDir: string }).dataDir, baselineTarget.dataDir, { recursive: true });
  }
  const config = (target: Target): ServerConfig => ({ target, jwtSecret, actors, maxConnections: 10 });
  const before = currentLoad();
  const servers: Partial<Record<ServerName, Child>> = {};
  try {
    servers.reference = await startChild(new URL('./http/reference-server.ts', import.meta.url), config(options.target));
    servers.baseline = await startChild(new URL('./http/baseline-server.ts', import.meta.url), config(baselineTarget));
    const running = servers as Record<ServerName, Child>;
    await preflight(running, list);
    const rows: HttpRow[] = [];
    for (const [i, endpoint] of list.entries()) {
      const order: ServerName[] = i % 2 === 0 ? ['reference', 'baseline'] : ['baseline', 'reference'];
      for (const server of order) {
        const url = `http://127.0.0.1:${running[server].port}`;
        if (!options.smoke) await load(url, endpoint, Math.max(1, Math.round(seconds / 5)), connections);
        rows.push({ endpoint: endpoint.name, server, ...(await load(url, endpoint, seconds, connections)) });
        if (!options.quiet) process.stderr.write(`http: ${endpoint.name} on the ${server} server done\n`);
      }
    }
    const ratios = list.map(({ name }) => {
      const of = (server: ServerName) => rows.find((row) => row.endpoint === name && row.server === server)!;
      return { endpoint: name, throughput: of('reference').requestsPerSecond / of('baseline').requestsPerSecond, p50: of('reference').p50 / of('baseline').p50 };
    });
    return {
      bench: 'http',
      target: describeTarget(options.target),
      engine: options.target.engine,
      seconds,
      connections,
      rows,
      ratios,
      generated,
      load: { before, after: currentLoad() },
    };
  } finally {
    await Promise.all(Object.values(servers).map((child) => child.stop()));
    if (baselineTarget.engine === 'pglite') await rm(baselineTarget.dataDir, { recursive: true, force: true });
  }
}

export function printHttpReport(report: HttpReport): void {
  console.log(`\nHTTP: ${report.target}; autocannon, ${report.connections} connections, ${report.seconds} s per run`);
  console.log(
    table(
      ['endpoint', 'server', 'req/s', 'p50', 'p99', 'requests', 'errors', 'non-2xx'],
      report.rows.map((row) => [row.endpoint, row.server, row.requestsPerSecond.toFixed(0), ms(row.p50), ms(row.p99), String(row.requests), String(row.errors), String(row.non2xx)]),
    ),
  );
  console.log(
    table(
      ['endpoint', 'throughput (reference/baseline)', 'p50 (reference/baseline)'],
      report.ratios.map((ratio) => [ratio.endpoint, times(ratio.throughput), times(ratio.p50)]),
    ),
  );
  console.log(loadLine(report.load));
}

if (isMain(import.meta.url)) {
  const values = parseFlags(process.argv.slice(2), { seconds: { type: 'string' }, connections: { type: 'string' } });
  const options = commonOptions(values);
  const report = await runHttp({ ...options, seconds: positiveInteger('seconds', values.seconds), connections: positiveInteger('connections', values.connections) });
  printHttpReport(report);
  await saveJson(options.json, report);
}
