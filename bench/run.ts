/**
 * `npm run bench`: every benchmark in turn, on PGlite and (with BENCH_DATABASE_URL) PostgreSQL.
 * Per engine: generate the data, then the RLS, HTTP and events benchmarks on it; then the SDK
 * benchmark once. `--smoke` runs all of it at a tiny scale in seconds (the test that keeps the
 * benchmarks from rotting runs that); the other flags are the benchmarks' own (see docs/benchmarks.md).
 *
 *   npm run bench                                   # PGlite, 20k tickets
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench -- --tickets 100000
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { printDataReport } from './data/cli.js';
import { generate, type GenerateReport } from './data/generate.js';
import { deriveScale, type Scale } from './data/scale.js';
import { printEventsReport, runEvents, type EventsReport } from './events.js';
import { printHttpReport, runHttp, type HttpReport } from './http.js';
import { machineInfo, type MachineInfo } from './lib/machine.js';
import { BadFlag, commonOptions, parseFlags, positiveInteger } from './lib/options.js';
import { isMain } from './lib/is-main.js';
import { saveJson } from './lib/report.js';
import { targetFrom, type Target } from './lib/target.js';
import { printRlsReport, runRls, type RlsReport } from './rls.js';
import { printSdkReport, runSdk, type SdkReport } from './sdk.js';

export const BENCHES = ['data', 'rls', 'http', 'events', 'sdk'] as const;
export type BenchName = (typeof BENCHES)[number];
type Engine = Target['engine'];

/** PGlite is one process's embedded database: it gets a smaller share of the scale by default. */
export const PGLITE_MAX_TICKETS = 20_000;

export interface SuiteOptions {
  smoke: boolean;
  quiet: boolean;
  engines: Engine[];
  only: BenchName[];
  scale: Scale;
  pgliteScale: Scale;
  targets: Partial<Record<Engine, Target>>;
  /** Subscribers for the events benchmark. */
  subscribers?: number | undefined;
  /** Seconds per HTTP run. */
  httpSeconds?: number | undefined;
}

export interface EngineReports {
  engine: Engine;
  data?: GenerateReport;
  rls?: RlsReport;
  http?: HttpReport;
  events?: EventsReport;
}

export interface SuiteReport {
  machine: MachineInfo;
  smoke: boolean;
  engines: EngineReports[];
  sdk?: SdkReport;
}

export async function runSuite(options: SuiteOptions): Promise<SuiteReport> {
  const report: SuiteReport = { machine: machineInfo(), smoke: options.smoke, engines: [] };
  const wants = (name: BenchName) => options.only.includes(name);
  const print = !options.quiet;
  for (const engine of options.engines) {
    const target = options.targets[engine];
    if (!target) throw new Error(`no target for ${engine}: set BENCH_DATABASE_URL for PostgreSQL`);
    const scale = engine === 'pglite' ? options.pgliteScale : options.scale;
    const common = { target, scale, smoke: options.smoke, quiet: options.quiet, reuse: true };
    const reports: EngineReports = { engine };
    report.engines.push(reports);
    if (wants('data') || !(wants('rls') || wants('http') || wants('events'))) {
      reports.data = await generate({ target, scale, quiet: options.quiet });
      if (print) printDataReport(reports.data);
    }
    // Later benchmarks reuse the data just generated (or generate it if the data step was skipped
    // and the database is empty).
    if (wants('rls')) {
      reports.rls = await runRls(common);
      if (print) printRlsReport(reports.rls);
    }
    if (wants('http')) {
      reports.http = await runHttp({ ...common, seconds: options.httpSeconds });
      if (print) printHttpReport(reports.http);
    }
    if (wants('events')) {
      reports.events = await runEvents({ ...common, subscribers: options.subscribers });
      if (print) printEventsReport(reports.events);
    }
  }
  if (wants('sdk')) {
    report.sdk = await runSdk({ smoke: options.smoke });
    if (print) printSdkReport(report.sdk);
  }
  return report;
}

/** The suite's options from its flags and environment. */
export function suiteOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): SuiteOptions & { json: string | undefined } {
  const values = parseFlags(argv, {
    engines: { type: 'string' },
    only: { type: 'string' },
    'pglite-tickets': { type: 'string' },
    subscribers: { type: 'string' },
    'http-seconds': { type: 'string' },
  });
  const common = commonOptions(values, env);
  const list = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T[]): T[] => {
    if (value === undefined) return fallback;
    const items = value.split(',').map((item) => item.trim());
    for (const item of items) if (!allowed.includes(item as T)) throw new BadFlag(flag, value, `a comma-separated list of ${allowed.join(', ')}`);
    return items as T[];
  };
  const engines = list<Engine>('engines', values.engines, ['pglite', 'postgres'], env.BENCH_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']);
  const pgliteTickets = positiveInteger('pglite-tickets', values['pglite-tickets']) ?? Math.min(common.scale.tickets, PGLITE_MAX_TICKETS);
  const pgliteScale =
    pgliteTickets === common.scale.tickets ? common.scale : deriveScale({ tickets: pgliteTickets, seed: common.scale.seed, articles: common.smoke ? common.scale.articles : undefined });
  const pgliteDir = values['pglite-dir'] ?? join(tmpdir(), common.smoke ? 'ticketflow-bench-pglite-smoke' : 'ticketflow-bench-pglite');
  return {
    smoke: common.smoke,
    quiet: common.quiet,
    engines,
    only: list<BenchName>('only', values.only, BENCHES, [...BENCHES]),
    scale: common.scale,
    pgliteScale,
    targets: {
      pglite: targetFrom({ dataDir: pgliteDir }),
      ...(env.BENCH_DATABASE_URL ? { postgres: common.target } : {}),
    },
    subscribers: positiveInteger('subscribers', values.subscribers),
    httpSeconds: positiveInteger('http-seconds', values['http-seconds']),
    json: common.json,
  };
}

if (isMain(import.meta.url)) {
  const options = suiteOptions(process.argv.slice(2));
  const report = await runSuite(options);
  await saveJson(options.json, report);
}
