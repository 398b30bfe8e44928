/**
 * Servers under test run in processes of their own, so that the load generator and the server do
 * not share one event loop. The child prints one JSON line `{"port": …}` once it listens and stops
 * on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Child {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

const STARTUP_MS = 180_000;

/** Starts `script` (a .ts file next to the caller) with `config` as its one argument. */
export function startChild(script: URL, config: unknown, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script.pathname} did not start within ${STARTUP_MS / 1000} s`));
    }, STARTUP_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script.pathname} exited with ${code} before listening`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const { port } = JSON.parse(line) as { port: number };
      resolve({ port, process: child, stop });
    });
  });
}

/** In the child: tells the parent where it listens. */
export const announce = (port: number): void => {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
};

/** In the child: runs `cleanup` on SIGTERM, then exits. */
export function onStop(cleanup: () => Promise<void>): void {
  process.once('SIGTERM', () => {
    cleanup().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

/** The config a child was started with. */
export const childConfig = <T>(): T => JSON.parse(process.argv[2] ?? '{}') as T;
