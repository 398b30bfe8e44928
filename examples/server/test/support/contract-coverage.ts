/**
 * Which operations of the contract the HTTP tests exercised, with which statuses. Each test process
 * appends what it saw to a file in `.contract-coverage/`; the server project's global teardown
 * (contract-coverage-check.ts) fails the run when an operation was never called successfully.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const COVERAGE_DIR = fileURLToPath(new URL('../../.contract-coverage/', import.meta.url));

const seen = new Set<string>();

export function recordCoverage(operationId: string, status: number): void {
  const entry = `${operationId} ${status}`;
  if (seen.has(entry)) return;
  seen.add(entry);
  mkdirSync(COVERAGE_DIR, { recursive: true });
  appendFileSync(`${COVERAGE_DIR}/${process.pid}.txt`, `${entry}\n`);
}
