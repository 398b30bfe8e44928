/**
 * Flags shared by every benchmark: where the data lives, how much of it, and `--smoke` (a tiny scale
 * that runs in seconds, for the test that keeps the benchmarks from rotting).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { deriveScale, SMOKE_TICKETS, type Scale } from '../data/scale.js';
import { targetFrom, type Target } from './target.js';

/** A flag whose value is not what it should be. */
export class BadFlag extends Error {
  constructor(flag: string, value: string, expected: string) {
    super(`--${flag} ${JSON.stringify(value)}: expected ${expected}`);
    this.name = 'BadFlag';
  }
}

export const COMMON_FLAGS = {
  smoke: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
  reuse: { type: 'boolean', default: false },
  tickets: { type: 'string' },
  comments: { type: 'string' },
  history: { type: 'string' },
  articles: { type: 'string' },
  seed: { type: 'string' },
  database: { type: 'string' },
  'pglite-dir': { type: 'string' },
  json: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export interface CommonOptions {
  smoke: boolean;
  quiet: boolean;
  /** Use the data already in the bench database instead of generating it again. */
  reuse: boolean;
  scale: Scale;
  target: Target;
  /** Where to write the report as JSON. */
  json: string | undefined;
}

export function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const normalised = value.replace(/_/g, '');
  if (!/^[0-9]+$/.test(normalised) || Number(normalised) < 1) throw new BadFlag(flag, value, 'a positive integer');
  return Number(normalised);
}

/** Parses the common flags plus `extra`; unknown flags are an error. */
export function parseFlags<const Extra extends NonNullable<ParseArgsConfig['options']>>(argv: string[], extra: Extra) {
  const { values } = parseArgs({ args: argv, options: { ...COMMON_FLAGS, ...extra }, strict: true, allowPositionals: false });
  return values;
}

export function commonOptions(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv = process.env): CommonOptions {
  const smoke = values.smoke === true;
  const str = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const tickets = positiveInteger('tickets', str('tickets')) ?? (smoke ? SMOKE_TICKETS : undefined);
  const scale = deriveScale({
    tickets,
    comments: positiveInteger('comments', str('comments')),
    history: positiveInteger('history', str('history')),
    articles: positiveInteger('articles', str('articles')) ?? (smoke ? 10 : undefined),
    seed: positiveInteger('seed', str('seed')),
  });
  return {
    smoke,
    quiet: values.quiet === true,
    reuse: values.reuse === true,
    scale,
    target: targetFrom({
      adminUrl: env.BENCH_DATABASE_URL,
      database: str('database') ?? (smoke ? 'ticketflow_bench_smoke' : undefined),
      dataDir: str('pglite-dir'),
    }),
    json: str('json'),
  };
}
