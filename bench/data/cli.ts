/**
 * `npm run bench:data -- --tickets 1000000 --comments 5000000 --history 10000000`
 *
 * Fills the bench database: PostgreSQL database `ticketflow_bench` (or `--database ticketflow_bench_…`)
 * on the server BENCH_DATABASE_URL points at, else a PGlite data directory (`--pglite-dir`). The
 * database is dropped and created again first. Progress goes to stderr, the report to stdout.
 */
import { count } from '../lib/stats.js';
import { commonOptions, parseFlags } from '../lib/options.js';
import { isMain } from '../lib/is-main.js';
import { loadLine, saveJson, table } from '../lib/report.js';
import { generate, type GenerateReport } from './generate.js';

export function printDataReport(report: GenerateReport): void {
  const { phases } = report;
  console.log(`\nData: ${report.target}, seed ${report.scale.seed}`);
  // The three sizes asked for are targets: a ticket's history is at least what the triggers would
  // have written for its story (its comments included), which can exceed the share asked for.
  const requested: Record<string, number> = { tickets: report.scale.tickets, comments: report.scale.comments, ticket_history: report.scale.history };
  console.log(
    table(
      ['table', 'rows', 'asked for'],
      Object.entries(report.rows).map(([name, rows]) => [name, count(rows), requested[name] === undefined ? '' : count(requested[name])]),
    ),
  );
  console.log(
    `schema ${phases.schema.toFixed(1)} s, load ${phases.load.toFixed(1)} s (${count(report.rowsPerSecond)} rows/s), ` +
      `indexes and keys ${phases.indexes.toFixed(1)} s, vacuum analyze ${phases.vacuum.toFixed(1)} s; total ${report.totalSeconds.toFixed(1)} s; ` +
      `database ${(report.databaseBytes / 2 ** 30).toFixed(2)} GiB`,
  );
  console.log(loadLine(report.load));
}

if (isMain(import.meta.url)) {
  const options = commonOptions(parseFlags(process.argv.slice(2), {}));
  const report = await generate({ target: options.target, scale: options.scale, quiet: options.quiet });
  printDataReport(report);
  await saveJson(options.json, report);
}
