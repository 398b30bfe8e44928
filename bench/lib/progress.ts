/**
 * A progress bar on stderr, so that stdout carries only the report. On a terminal it redraws one
 * line; otherwise (CI logs, files) it prints a line every few seconds instead of flooding them.
 */
import { performance } from 'node:perf_hooks';

export interface Progress {
  /** Adds `n` units done. */
  tick(n?: number): void;
  /** Prints the final line (rate and elapsed time). */
  done(): void;
}

export interface ProgressOptions {
  /** Print nothing (tests, smoke runs). */
  quiet?: boolean;
}

const WIDTH = 28;
const LOG_EVERY_MS = 5000;

export function progress(label: string, total: number, options: ProgressOptions = {}): Progress {
  if (options.quiet) return { tick: () => undefined, done: () => undefined };
  const tty = process.stderr.isTTY;
  const started = performance.now();
  let done = 0;
  let drawnAt = 0;

  const line = () => {
    const elapsed = (performance.now() - started) / 1000;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 && total > done ? ` eta ${Math.ceil((total - done) / rate)}s` : '';
    return `${label.padEnd(18)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total} ${Math.round(rate)}/s ${elapsed.toFixed(1)}s${eta}`;
  };

  return {
    tick(n = 1) {
      done += n;
      const now = performance.now();
      if (tty ? now - drawnAt > 100 : now - drawnAt > LOG_EVERY_MS) {
        drawnAt = now;
        process.stderr.write(tty ? `\r${line()}\u001b[K` : `${line()}\n`);
      }
    },
    done() {
      process.stderr.write(tty ? `\r${line()}\u001b[K\n` : `${line()}\n`);
    },
  };
}
