/**
 * The loop that keeps the background workers going (`startWorkers`): it runs a worker again at once
 * while it finds work, keeps going after a batch throws (logging it), and stops in the middle of a
 * pause instead of waiting it out.
 */
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../src/logger.js';
import { startWorkers, type Worker } from '../src/workers/worker.js';

/** A worker that answers `results` in turn (an Error is thrown), then reports idle on the last one. */
function scripted(results: (number | Error)[]) {
  let calls = 0;
  let idle!: () => void;
  const reachedIdle = new Promise<void>((resolve) => (idle = resolve));
  const worker: Worker = {
    name: 'scripted',
    runOnce() {
      const next = results[calls] ?? 0;
      calls += 1;
      if (calls === results.length) idle();
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
  return { worker, reachedIdle, calls: () => calls };
}

describe('startWorkers', () => {
  it('runs again at once while there is work, and stop() cuts a long idle pause short', async () => {
    const script = scripted([3, 2, 0]);
    // Idle for ten minutes after the third batch: were stop() to wait that out, the test would time out.
    const running = startWorkers([script.worker], { logger: memoryLogger(), idleMs: 10 * 60_000 });
    await script.reachedIdle;
    await running.stop();
    expect(script.calls()).toBe(3);
  });

  it('logs a failing batch and goes on', async () => {
    const logger = memoryLogger();
    const script = scripted([new Error('database went away'), 1, 0]);
    const running = startWorkers([script.worker], { logger, idleMs: 1 });
    await script.reachedIdle;
    await running.stop();
    expect(script.calls()).toBe(3);
    const errors = logger.entries.filter((entry) => entry.level === 'error');
    expect(errors.map((entry) => [entry.message, entry.fields.worker, entry.fields.failures])).toEqual([['worker batch failed', 'scripted', 1]]);
    expect(errors[0]!.fields.error).toContain('database went away');
  });
});
