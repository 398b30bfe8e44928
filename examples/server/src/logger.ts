/**
 * Structured logs: one JSON object per line. Callers pass fields, never whole requests, so bodies,
 * passwords, tokens and query parameters cannot end up in a log by accident.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/** JSON lines on stdout (info and debug) and stderr (warn and error). */
export function jsonLogger(options: { level?: LogLevel } = {}): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(options.level ?? 'info');
  return {
    log(level, message, fields = {}) {
      if (order.indexOf(level) < min) return;
      const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
      (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
    },
  };
}

/** Keeps every entry in memory: for tests that check what was (and was not) logged. */
export function memoryLogger(): Logger & { entries: { level: LogLevel; message: string; fields: LogFields }[] } {
  const entries: { level: LogLevel; message: string; fields: LogFields }[] = [];
  return {
    entries,
    log(level, message, fields = {}) {
      entries.push({ level, message, fields });
    },
  };
}
