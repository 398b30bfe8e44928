/**
 * SDK: calls per second through the SDK beside raw fetch, openapi-fetch and plain ky against the
 * same local keep-alive server (a tiny node:http server answering canned JSON, in a process of its
 * own), validation off and on; memory while walking 10k paginated items; and the bundle size of
 * the SDK's core entry beside openapi-fetch's and ky's, measured the same way.
 *
 *   npm run bench:sdk
 */
import { startChild } from './lib/child.js';
import { currentLoad, type Load } from './lib/machine.js';
import { parseFlags, positiveInteger } from './lib/options.js';
import { isMain } from './lib/is-main.js';
import { loadLine, saveJson, table } from './lib/report.js';
import { times } from './lib/stats.js';
import { measureBundles, type BundleRow } from './sdk/bundle.js';
import type { MemoryRow } from './sdk/memory.js';
import { runClientWorker } from './sdk/run-worker.js';
import type { ThroughputRow } from './sdk/throughput.js';

export interface SdkOptions {
  smoke?: boolean | undefined;
  /** Seconds of calls per client and validation setting, over all rounds. */
  seconds?: number | undefined;
  concurrency?: number | undefined;
}

export interface SdkReport {
  bench: 'sdk';
  seconds: number;
  rounds: number;
  concurrency: number;
  throughput: ThroughputRow[];
  memory: MemoryRow[];
  bundles: BundleRow[];
  load: { before: Load; after: Load };
}

export async function runSdk(options: SdkOptions = {}): Promise<SdkReport> {
  const seconds = options.seconds ?? (options.smoke ? 0.3 : 9);
  // Many short rounds: a shared machine's drift then weighs on every client alike.
  const rounds = options.smoke ? 1 : 9;
  const concurrency = options.concurrency ?? 1;
  const before = currentLoad();
  const server = await startChild(new URL('./sdk/canned-server.ts', import.meta.url), {});
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const { throughput, memory } = await runClientWorker({ baseUrl, seconds, rounds, concurrency });
    const bundles = await measureBundles();
    return { bench: 'sdk', seconds, rounds, concurrency, throughput, memory, bundles, load: { before, after: currentLoad() } };
  } finally {
    await server.stop();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

export function printSdkReport(report: SdkReport): void {
  console.log(`\nSDK: get one ticket, ${report.concurrency} call(s) in flight, ${report.seconds} s per client and setting in ${report.rounds} rounds`);
  console.log(
    table(
      ['client', 'validation', 'calls/s', 'vs fetch'],
      report.throughput.map((row) => [row.client, row.validate ? 'on' : 'off', row.callsPerSecond.toFixed(0), times(row.ratioToFetch)]),
    ),
  );
  console.log('\nMemory walking 10k paginated items (100 pages of 100)');
  console.log(table(['client', 'items', 'peak heap growth', 'retained, all kept'], report.memory.map((row) => [row.client, String(row.items), mb(row.peakWalking), mb(row.retainedCollected)])));
  console.log('\nBundle size (esbuild, minified, browser, gzip -9)');
  console.log(table(['entry', 'minified', 'gzip'], report.bundles.map((row) => [row.name, kb(row.minified), kb(row.gzip)])));
  console.log(loadLine(report.load));
}

if (isMain(import.meta.url)) {
  const values = parseFlags(process.argv.slice(2), { seconds: { type: 'string' }, concurrency: { type: 'string' } });
  const report = await runSdk({ smoke: values.smoke === true, seconds: positiveInteger('seconds', values.seconds), concurrency: positiveInteger('concurrency', values.concurrency) });
  printSdkReport(report);
  await saveJson(typeof values.json === 'string' ? values.json : undefined, report);
}
