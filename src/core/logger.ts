/**
 * What the client writes to the caller's logger, and at which level. The client never reads the
 * environment (the core entry runs where there is no `process`) and logs nothing unless asked:
 * give `logger`, `logLevel` or both. Messages carry the method, URL, status, timing and request id —
 * never headers' secrets nor bodies, so nothing logged can hold a password or a token.
 */

/**
 * Where the client's log lines go: any object with these four methods — `console`, pino, winston,
 * a test spy. Each call gets a message and one details object.
 *
 * @example
 * ```ts
 * const logger: Logger = {
 *   debug: (message, details) => pino.debug(details, message),
 *   info: (message, details) => pino.info(details, message),
 *   warn: (message, details) => pino.warn(details, message),
 *   error: (message, details) => pino.error(details, message),
 * };
 * const tf = new Ticketflow({ baseUrl, apiKey, logger, logLevel: 'info' });
 * ```
 */
export interface Logger {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/**
 * The least severe level written: `debug` (every attempt sent and answered), `info` (credentials
 * renewed, requests held by the throttle), `warn` (a retry is scheduled), `error` (a call failed for
 * good), or `off`.
 *
 * @example
 * ```ts
 * const tf = new Ticketflow({ baseUrl, apiKey, logLevel: 'debug' }); // to the console
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };
const METHODS = ['debug', 'info', 'warn', 'error'] as const;

/** The client's side of logging: levelled, and never throwing into a request. */
export interface Log {
  debug(message: string, details: object): void;
  info(message: string, details: object): void;
  warn(message: string, details: object): void;
  error(message: string, details: object): void;
  /** A hook threw: always reported, unless the level is `off`. */
  hookFailed(message: string, details: object): void;
}

/**
 * The log of a client, from its options (a `TypeError` for anything else than a logger and a level).
 * A logger without a level logs from `warn`; a level without a logger logs to the console; neither
 * logs nothing — except a hook's failure, which goes to the console so that a broken hook cannot go
 * unnoticed (set `logLevel: 'off'` to silence even that).
 */
export function createLog(logger: unknown, logLevel: unknown): Log {
  const level = checkedLevel(logLevel);
  const target = checkedLogger(logger);
  const threshold = RANK[level ?? (target ? 'warn' : 'off')];
  const sink = target ?? console;
  const write = (method: (typeof METHODS)[number], message: string, details: object) => {
    try {
      sink[method](`ticketflow: ${message}`, details);
    } catch {
      // A failing logger must not fail the request it reports on, and has nowhere else to go.
    }
  };
  const at = (method: (typeof METHODS)[number]) => (message: string, details: object) => {
    if (RANK[method] >= threshold) write(method, message, details);
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    hookFailed: (message, details) => {
      if (level !== 'off') write('error', message, details);
    },
  };
}

function checkedLevel(value: unknown): LogLevel | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && Object.hasOwn(RANK, value)) return value as LogLevel;
  throw new TypeError(`logLevel must be one of ${Object.keys(RANK).join(', ')}`);
}

function checkedLogger(value: unknown): Logger | undefined {
  if (value === undefined) return undefined;
  const given = value as Partial<Record<string, unknown>> | null;
  if (typeof given !== 'object' || given === null || METHODS.some((method) => typeof given[method] !== 'function')) {
    throw new TypeError('logger must be an object with debug, info, warn and error methods (console will do)');
  }
  return value as Logger;
}
