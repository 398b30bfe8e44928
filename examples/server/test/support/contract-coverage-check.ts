/**
 * Global setup of the server test project: clears the contract-coverage records before the run and,
 * after a full run (`vitest run` with no file filter), fails it when an operation of the OpenAPI
 * document was never answered with a success status by any HTTP test. A filtered run (one file,
 * one project) only reports, since it cannot be expected to cover everything.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadOpenApiDocument } from '../../src/openapi-document.js';
import { COVERAGE_DIR } from './contract-coverage.js';

export function setup() {
  rmSync(COVERAGE_DIR, { recursive: true, force: true });
  return teardown;
}

function teardown() {
  const seen = new Map<string, Set<number>>();
  let files: string[] = [];
  try {
    files = readdirSync(COVERAGE_DIR);
  } catch {
    // No HTTP test ran.
  }
  for (const file of files) {
    for (const line of readFileSync(join(COVERAGE_DIR, file), 'utf8').split('\n').filter(Boolean)) {
      const [operationId = '', status = '0'] = line.split(' ');
      if (!seen.has(operationId)) seen.set(operationId, new Set());
      seen.get(operationId)!.add(Number(status));
    }
  }
  const missing = operationIds().filter((id) => ![...(seen.get(id) ?? [])].some((status) => status < 400));
  if (missing.length === 0) return;
  const message = `No HTTP test got a success response from ${missing.length} operation(s): ${missing.join(', ')}`;
  const filtered = process.argv.slice(2).some((arg) => !arg.startsWith('-') && arg !== 'run');
  if (filtered) {
    console.warn(`contract coverage (filtered run, not enforced): ${message}`);
    return;
  }
  throw new Error(message);
}

function operationIds(): string[] {
  const document = loadOpenApiDocument() as { paths: Record<string, Record<string, { operationId?: string }>> };
  return Object.values(document.paths).flatMap((item) =>
    Object.values(item)
      .map((operation) => (typeof operation === 'object' ? operation.operationId : undefined))
      .filter((id): id is string => typeof id === 'string'),
  );
}
