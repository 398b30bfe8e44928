/**
 * Background work: the SLA scheduler, notification routing and delivery, webhook dispatch and
 * delivery. Each is a {@link Worker} whose `runOnce` does one bounded batch and says how much it
 * did; tests call `runOnce` directly with a test clock, and `main.ts` keeps them all going with
 * {@link startWorkers}.
 */
import type { Logger } from '../logger.js';

export interface Worker {
  /** Names the worker in logs. */
  readonly name: string;
  /** Does one batch of due work and resolves with how many items it handled (0: nothing was due). */
  runOnce(): Promise<number>;
}

export interface RunningWorkers {
  /** Stops scheduling new batches and waits for the ones in flight. */
  stop(): Promise<void>;
}

export interface WorkerLoopOptions {
  logger: Logger;
  /** Pause after a batch that found nothing to do. */
  idleMs?: number;
}

/**
 * Runs each worker in a loop of its own: again at once while it finds work, after `idleMs` when it
 * finds none, and after a growing backoff (logged, up to a minute) when a batch throws, so one
 * failing worker neither stops nor starves the others. `stop()` cuts any pause short.
 */
export function startWorkers(workers: readonly Worker[], options: WorkerLoopOptions): RunningWorkers {
  const idleMs = options.idleMs ?? 1000;
  const stopping = new AbortController();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping.signal.aborted) return resolve();
      const onStop = () => {
        clearTimeout(timer);
        resolve();
      };
      // The listener goes when the pause ends, or every pause would leave one behind.
      const timer = setTimeout(() => {
        stopping.signal.removeEventListener('abort', onStop);
        resolve();
      }, ms);
      stopping.signal.addEventListener('abort', onStop, { once: true });
    });

  const loop = async (worker: Worker) => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        const handled = await worker.runOnce();
        failures = 0;
        if (handled === 0) await pause(idleMs);
      } catch (error) {
        failures += 1;
        options.logger.log('error', 'worker batch failed', {
          worker: worker.name,
          failures,
          error: error instanceof Error ? error.stack ?? error.message : String(error),
        });
        await pause(Math.min(idleMs * 2 ** failures, 60_000));
      }
    }
  };

  const loops = workers.map(loop);
  return {
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}
