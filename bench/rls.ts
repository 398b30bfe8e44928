/**
 * Database under row-level security: p50/p95/p99 of the common operations as a customer, an agent,
 * a manager and an admin, each beside the same query run as the owner (who bypasses RLS), so the
 * cost of the policies is a ratio measured in the same run.
 *
 *   npm run bench:rls                                   # PGlite, generated first
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:rls -- --reuse
 *
 * `--reuse` runs on the data `npm run bench:data` left in the bench database (same flags for the
 * database) instead of generating it again, after applying any migration added since. Reads and
 * writes both run; writes commit (a few hundred rows added to whatever size the database has).
 * `--operations "agent queue,ticket search"` measures only those operations (by name, as in the
 * report).
 */
import { migrate } from '../examples/server/src/db/migrate.js';
import { generate, type GenerateReport } from './data/generate.js';
import { currentLoad, type Load } from './lib/machine.js';
import { BadFlag, commonOptions, parseFlags, positiveInteger, type CommonOptions } from './lib/options.js';
import { isMain } from './lib/is-main.js';
import { loadLine, saveJson, table } from './lib/report.js';
import { count, ms, times } from './lib/stats.js';
import { describeTarget, openTarget, targetExists } from './lib/target.js';
import { loadFixtures, ROLES } from './rls/fixtures.js';
import { measureBinding, measureCell, type Budget, type Cell } from './rls/measure.js';
import { OPERATIONS, type Operation } from './rls/operations.js';

export interface RlsOptions extends Pick<CommonOptions, 'target' | 'scale' | 'reuse' | 'smoke' | 'quiet'> {
  budget?: Partial<Budget>;
  /** Names of the operations to measure; all of them when left out. */
  operations?: readonly string[];
}

export interface RlsReport {
  bench: 'rls';
  target: string;
  engine: CommonOptions['target']['engine'];
  /** Rows in the database measured on. */
  data: { tickets: number; comments: number; ticket_history: number };
  /** The generator's report when this run generated the data. */
  generated: GenerateReport | null;
  budget: Budget;
  cells: Cell[];
  binding: Cell[];
  /** Geometric mean of the operations' p50 ratios (RLS / owner). */
  geomeanRatio: number;
  load: { before: Load; after: Load };
}

export const DEFAULT_BUDGET: Budget = { iterations: 200, seconds: 8, minIterations: 5, warmup: 3 };
export const SMOKE_BUDGET: Budget = { iterations: 3, seconds: 0.5, minIterations: 2, warmup: 1 };

export async function runRls(options: RlsOptions): Promise<RlsReport> {
  const budget = { ...(options.smoke ? SMOKE_BUDGET : DEFAULT_BUDGET), ...options.budget };
  const generated = options.reuse && (await targetExists(options.target)) ? null : await generate({ target: options.target, scale: options.scale, quiet: options.quiet });
  const before = currentLoad();
  const db = await openTarget(options.target, 4);
  try {
    // Data generated before a later migration (an index, a policy) is measured with the schema the
    // server would run on it, not the one it was generated with.
    if (!generated) await migrate(db);
    const [data] = (
      await db.query<{ tickets: number; comments: number; ticket_history: number }>(
        `select (select count(*) from tickets)::int as tickets, (select count(*) from comments)::int as comments,
                (select count(*) from ticket_history)::int as ticket_history`,
      )
    ).rows;
    const fixtures = await loadFixtures(db, options.smoke ? 4 : 16);
    const now = new Date();
    const cells: Cell[] = [];
    for (const operation of selectOperations(options.operations)) {
      for (const role of ROLES) {
        if (!operation.roles.includes(role)) continue;
        cells.push(await measureCell(db, operation, fixtures[role], budget, now));
        if (!options.quiet) process.stderr.write(`rls: ${operation.name} as ${role} done\n`);
      }
    }
    const binding: Cell[] = [];
    for (const role of ROLES) binding.push(await measureBinding(db, fixtures[role], budget));
    const ratios = cells.map((cell) => cell.ratio).filter((value) => Number.isFinite(value) && value > 0);
    return {
      bench: 'rls',
      target: describeTarget(options.target),
      engine: options.target.engine,
      data: data!,
      generated,
      budget,
      cells,
      binding,
      geomeanRatio: Math.exp(ratios.reduce((sum, value) => sum + Math.log(value), 0) / ratios.length),
      load: { before, after: currentLoad() },
    };
  } finally {
    await db.close();
  }
}

/** The operations named, in the report's order; an unknown name is a mistake worth stopping for. */
export function selectOperations(names: readonly string[] | undefined): readonly Operation[] {
  if (!names) return OPERATIONS;
  const unknown = names.filter((name) => !OPERATIONS.some((operation) => operation.name === name));
  if (unknown.length > 0) {
    throw new BadFlag('operations', unknown.join(','), `names among: ${OPERATIONS.map((operation) => operation.name).join(', ')}`);
  }
  return OPERATIONS.filter((operation) => names.includes(operation.name));
}

export function printRlsReport(report: RlsReport): void {
  const { data } = report;
  console.log(`\nRLS: ${report.target}; ${count(data.tickets)} tickets, ${count(data.comments)} comments, ${count(data.ticket_history)} history rows`);
  const row = (cell: Cell) => [
    cell.operation, cell.role, `${cell.rows.rls}/${cell.rows.owner}`,
    ms(cell.rls.p50), ms(cell.rls.p95), ms(cell.rls.p99), ms(cell.owner.p50), ms(cell.owner.p95), ms(cell.owner.p99),
    times(cell.ratio), String(cell.rls.n),
  ];
  console.log(
    table(
      ['operation', 'role', 'rows rls/owner', 'RLS p50', 'p95', 'p99', 'owner p50', 'p95', 'p99', 'ratio p50', 'n'],
      [...report.cells.map(row), ...report.binding.map(row)],
    ),
  );
  console.log(`geometric mean of the p50 ratios: ${times(report.geomeanRatio)}; ${loadLine(report.load)}`);
}

if (isMain(import.meta.url)) {
  const values = parseFlags(process.argv.slice(2), {
    iterations: { type: 'string' },
    seconds: { type: 'string' },
    'min-iterations': { type: 'string' },
    operations: { type: 'string' },
  });
  const options = commonOptions(values);
  const report = await runRls({
    ...options,
    ...(values.operations ? { operations: values.operations.split(',').map((name) => name.trim()) } : {}),
    budget: {
      ...(values.iterations ? { iterations: positiveInteger('iterations', values.iterations)! } : {}),
      ...(values.seconds ? { seconds: positiveInteger('seconds', values.seconds)! } : {}),
      ...(values['min-iterations'] ? { minIterations: positiveInteger('min-iterations', values['min-iterations'])! } : {}),
    },
  });
  if (report.generated) {
    const { printDataReport } = await import('./data/cli.js');
    printDataReport(report.generated);
  }
  printRlsReport(report);
  await saveJson(options.json, report);
}
