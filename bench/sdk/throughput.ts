/** Calls per second of each client against the canned server, in alternating rounds. */
import { performance } from 'node:perf_hooks';
import { CLIENTS, getTicket, type ClientName } from './clients.js';

export interface ThroughputRow {
  client: ClientName;
  validate: boolean;
  calls: number;
  callsPerSecond: number;
  /** calls/s ÷ raw fetch's calls/s with the same validation setting. */
  ratioToFetch: number;
}

async function drive(call: () => PromiseLike<unknown>, seconds: number, concurrency: number): Promise<{ calls: number; ms: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let calls = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await call();
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls, ms: performance.now() - started };
}

export async function measureThroughput(baseUrl: string, seconds: number, rounds: number, concurrency: number): Promise<ThroughputRow[]> {
  const totals = new Map<string, { calls: number; ms: number }>();
  const key = (client: ClientName, validate: boolean) => `${client}:${validate}`;
  const slice = seconds / rounds;
  for (let round = 0; round < rounds; round += 1) {
    // Each round starts with a different client, so no client always runs first or last.
    const order = CLIENTS.map((_, i) => CLIENTS[(i + round) % CLIENTS.length]!);
    for (const validate of [false, true]) {
      for (const client of order) {
        const call = getTicket(client, baseUrl, validate);
        await call(); // connection opened, schemas loaded: not timed
        const result = await drive(call, slice, concurrency);
        const total = totals.get(key(client, validate)) ?? { calls: 0, ms: 0 };
        totals.set(key(client, validate), { calls: total.calls + result.calls, ms: total.ms + result.ms });
      }
    }
  }
  const rows: ThroughputRow[] = [];
  for (const validate of [false, true]) {
    const fetchTotal = totals.get(key('fetch', validate))!;
    const fetchRate = (fetchTotal.calls / fetchTotal.ms) * 1000;
    for (const client of CLIENTS) {
      const total = totals.get(key(client, validate))!;
      const rate = (total.calls / total.ms) * 1000;
      rows.push({ client, validate, calls: total.calls, callsPerSecond: rate, ratioToFetch: rate / fetchRate });
    }
  }
  return rows;
}
