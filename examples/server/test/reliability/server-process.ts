/**
 * The real server as a child process, started the way `npm start` starts it (src/main.ts), on a
 * file-backed PGlite in a data directory of its own or on a fresh PostgreSQL database. For the
 * suites that must kill it, restart it on the same data, or measure its memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';

const SERVER_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** Start-up includes migrating and seeding; on a busy machine that takes a while. */
const START_TIMEOUT_MS = 240_000;

export interface ServerOptions {
  dataDir: string;
  /** PostgreSQL; PGlite in `dataDir` when absent. */
  databaseUrl?: string | undefined;
  /** Extra environment (timeouts and the like). */
  env?: Record<string, string>;
}

export interface ServerProcess {
  pid: number;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Everything the process printed. */
  output(): string;
  /** SIGKILL: no shutdown code runs. Resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, the graceful shutdown; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resident memory in bytes (VmRSS). */
  rss(): Promise<number>;
}

/** JWT_SECRET is required with PostgreSQL; one per test run, kept across restarts. */
export const jwtSecret = randomBytes(32).toString('base64url');

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      DATA_DIR: options.dataDir,
      DATABASE_URL: options.databaseUrl ?? '',
      JWT_SECRET: options.databaseUrl ? jwtSecret : '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const origin = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`the server did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output}`));
    };
    const look = () => {
      const match = /Ticketflow API\s+(http:\/\/[^/\s]+)\/v1/.exec(output);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', look);
    void exited.then((code) => fail(new Error(`the server exited with ${code} while starting`)));
  });

  return {
    pid: child.pid!,
    origin,
    output: () => output,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    rss: () => rssOf(child),
  };
}

async function rssOf(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kilobytes === undefined) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(kilobytes) * 1024;
}

/** An access token for a demo user, or for any user with its password. */
export async function login(origin: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${origin}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
