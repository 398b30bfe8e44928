/**
 * `npm run bench -- --smoke` in a test, so that the benchmarks cannot rot: every benchmark runs at
 * a tiny scale and must produce the report fields docs/benchmarks.md reads. No timing is asserted
 * (a shared machine makes any threshold flaky); what is asserted is what the numbers stand for:
 * the generator wrote the scale asked for, the RLS benchmark really ran under row-level security
 * (a customer's dashboard counts fewer tickets than the owner's), every HTTP request succeeded and
 * every subscriber received every event. PostgreSQL too when TEST_DATABASE_URL is set, in a
 * database of its own that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMOKE_TICKETS } from '../../../bench/data/scale.js';
import { adminQuery } from '../../../bench/lib/target.js';
import { OPERATIONS } from '../../../bench/rls/operations.js';
import { runSuite, suiteOptions, type EngineReports, type SuiteReport } from '../../../bench/run.js';
import { LIST_ITEMS } from '../../../bench/sdk/canned.js';

const adminUrl = process.env.TEST_DATABASE_URL;
const database = `ticketflow_bench_smoke_${randomBytes(4).toString('hex')}`;

describe('npm run bench -- --smoke', () => {
  let report: SuiteReport;
  let pgliteDir: string;

  beforeAll(async () => {
    pgliteDir = await mkdtemp(join(tmpdir(), 'tf-bench-smoke-'));
    const env = adminUrl ? { BENCH_DATABASE_URL: adminUrl } : {};
    const options = suiteOptions(['--smoke', '--quiet', '--pglite-dir', join(pgliteDir, 'data'), '--database', database], env);
    report = await runSuite(options);
  }, 900_000);

  afterAll(async () => {
    await rm(pgliteDir, { recursive: true, force: true });
    if (adminUrl) await adminQuery(adminUrl, `drop database if exists ${database} with (force)`);
  });

  it('says what it ran on', () => {
    expect(report.smoke).toBe(true);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(report.machine.date))).toBe(false);
    expect(report.engines.map((engine) => engine.engine)).toEqual(adminUrl ? ['pglite', 'postgres'] : ['pglite']);
  });

  describe.each(adminUrl ? ['pglite', 'postgres'] : ['pglite'])('on %s', (engine) => {
    const of = (): EngineReports => report.engines.find((entry) => entry.engine === engine)!;

    it('generates the data asked for, with its phases and load', () => {
      const data = of().data!;
      expect(data.rows.tickets).toBe(SMOKE_TICKETS);
      expect(data.rows.comments).toBeGreaterThan(0);
      // Every ticket has at least its `created` entry.
      expect(data.rows.ticket_history).toBeGreaterThanOrEqual(SMOKE_TICKETS);
      expect(Object.keys(data.phases).sort()).toEqual(['indexes', 'load', 'schema', 'vacuum']);
      expect(data.databaseBytes).toBeGreaterThan(0);
      expect(data.load.before).toHaveLength(3);
    });

    it('times every operation for every role it is offered to, under RLS and as the owner', () => {
      const rls = of().rls!;
      const expected = OPERATIONS.flatMap((operation) => operation.roles.map((role) => `${operation.name}/${role}`));
      expect(rls.cells.map((cell) => `${cell.operation}/${cell.role}`)).toEqual(expected);
      for (const cell of [...rls.cells, ...rls.binding]) {
        expect(cell.rls.n).toBeGreaterThan(0);
        expect(cell.owner.n).toBe(cell.rls.n);
        expect(Number.isFinite(cell.ratio)).toBe(true);
      }
      expect(rls.binding.map((cell) => cell.role)).toEqual(['customer', 'agent', 'manager', 'admin']);
      expect(Number.isFinite(rls.geomeanRatio)).toBe(true);
    });

    // Not a customer: their statistics name their own tickets (as the server's do), so the owner
    // counts the same ones.
    it('really runs under row-level security: an agent counts only the tickets in their reach, an admin all', () => {
      const stats = (role: string) => of().rls!.cells.find((cell) => cell.operation === 'dashboard stats' && cell.role === role)!;
      expect(stats('agent').rows.rls).toBeLessThan(stats('agent').rows.owner);
      expect(stats('admin').rows.rls).toBe(stats('admin').rows.owner);
    });

    it('loads the reference server and the baseline on every endpoint without a failed request', () => {
      const http = of().http!;
      expect(http.rows.map((row) => `${row.endpoint}/${row.server}`).sort()).toEqual(
        ['add comment', 'create ticket', 'get ticket', 'list tickets'].flatMap((endpoint) => [`${endpoint}/baseline`, `${endpoint}/reference`]),
      );
      for (const row of http.rows) {
        expect(row.errors).toBe(0);
        expect(row.non2xx).toBe(0);
        expect(typeof row.requestsPerSecond).toBe('number');
      }
      expect(http.ratios.map((ratio) => ratio.endpoint)).toEqual(['get ticket', 'list tickets', 'create ticket', 'add comment']);
    });

    it('delivers every event to every subscriber', () => {
      const events = of().events!;
      for (const phase of [events.baseline, events.loaded]) {
        expect(phase.delivered).toBe(phase.expected);
        expect(phase.latency.n).toBe(phase.expected);
      }
      expect(events.baseline.subscribers).toBe(1);
      expect(events.loaded.subscribers).toBeGreaterThan(1);
    });
  });

  it('compares the SDK with fetch, openapi-fetch and ky, and measures memory and bundles', () => {
    const sdk = report.sdk!;
    expect(sdk.throughput.map((row) => `${row.client}/${row.validate}`).sort()).toEqual(
      ['fetch', 'ky', 'openapi-fetch', 'sdk'].flatMap((client) => [`${client}/false`, `${client}/true`]),
    );
    for (const row of sdk.throughput) expect(row.calls).toBeGreaterThan(0);
    expect(sdk.throughput.filter((row) => row.client === 'fetch').map((row) => row.ratioToFetch)).toEqual([1, 1]);
    expect(sdk.memory.map((row) => [row.client, row.items])).toEqual([['fetch', LIST_ITEMS], ['sdk', LIST_ITEMS]]);
    expect(sdk.bundles).toHaveLength(4);
    for (const bundle of sdk.bundles) expect(bundle.gzip).toBeLessThan(bundle.minified);
  });
});
