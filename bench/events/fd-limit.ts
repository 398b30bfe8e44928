/** The open-file limit: 1,000 subscribers need 1,000 sockets in this process and as many in the server's. */
import { readFileSync } from 'node:fs';

/** The soft limit on open files of this process (children inherit it), or undefined where /proc is missing. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((entry) => entry.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
  } catch {
    return undefined;
  }
}

/** Thrown when the limit is too low for the subscribers asked for. */
export class FileLimitTooLow extends Error {
  constructor(readonly limit: number, readonly needed: number) {
    super(`the open-file limit is ${limit}, and ${needed} subscribers need at least ${needed + 256}: raise it (ulimit -n ${needed * 2}) or ask for fewer`);
    this.name = 'FileLimitTooLow';
  }
}

export function assertFileLimit(subscribers: number): number | undefined {
  const limit = openFileLimit();
  if (limit !== undefined && limit < subscribers + 256) throw new FileLimitTooLow(limit, subscribers);
  return limit;
}
