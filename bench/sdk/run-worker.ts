/** Builds the measuring process (client-worker.ts) into plain JavaScript and runs it with `node`. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { WorkerConfig } from './client-worker.js';
import type { MemoryRow } from './memory.js';
import type { ThroughputRow } from './throughput.js';

/** Inside the repository, so that the bundle's external packages resolve from its node_modules. */
const OUT_DIR = fileURLToPath(new URL('../../node_modules/.cache/ticketflow-bench/sdk/', import.meta.url));

export async function runClientWorker(config: WorkerConfig): Promise<{ throughput: ThroughputRow[]; memory: MemoryRow[] }> {
  await build({
    entryPoints: { 'client-worker': fileURLToPath(new URL('./client-worker.ts', import.meta.url)) },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // The SDK's on-demand schemas stay a chunk of their own, loaded by import() as in a user's build.
    splitting: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    define: { __TICKETFLOW_VERSION__: '"0.0.0-bench"' },
    logLevel: 'silent',
  });
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', join(OUT_DIR, 'client-worker.mjs'), JSON.stringify(config)], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { throughput: ThroughputRow[]; memory: MemoryRow[] };
}
