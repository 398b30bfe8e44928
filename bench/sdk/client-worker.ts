/**
 * The SDK benchmark's measuring process. It is bundled with esbuild and run by plain `node`, not
 * through tsx: tsx's loader hooks make every `import()` cost about half a millisecond, and the
 * SDK's response validation loads its schemas with `import()`, so running it under tsx would time
 * the loader instead of the SDK. Prints its results as one JSON line.
 */
import { measureMemory } from './memory.js';
import { measureThroughput } from './throughput.js';

export interface WorkerConfig {
  baseUrl: string;
  seconds: number;
  rounds: number;
  concurrency: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const throughput = await measureThroughput(config.baseUrl, config.seconds, config.rounds, config.concurrency);
const memory = await measureMemory(config.baseUrl);
process.stdout.write(`${JSON.stringify({ throughput, memory })}\n`);
