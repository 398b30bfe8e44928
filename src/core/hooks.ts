/**
 * Hooks: the caller's functions the client calls at each attempt of each request, for logging,
 * metrics and tracing. They observe; they cannot change the request (its options do that).
 *
 * Each is called once per attempt — retries and the re-send after credentials were renewed are
 * attempts too — and awaited, so keep them quick. A hook that throws (or rejects) never changes the
 * outcome of the request: its error is written to the logger at `error` level (to the console when
 * no logger is given, unless `logLevel` is `'off'`) and otherwise ignored. Telemetry that breaks must
 * not break the calls it watches.
 */
import type { TicketflowError } from './errors.js';
import type { OperationId } from './operations.js';

/**
 * One attempt, as hooks see it. Nothing in it can hold a credential: the `Authorization` header
 * and any header named like an API key, a cookie, a token, a secret or a session are `[redacted]`,
 * and bodies are never given.
 *
 * @example
 * ```ts
 * const tf = new Ticketflow({
 *   baseUrl, apiKey,
 *   hooks: { beforeRequest: ({ operation, attempt }) => console.log(`${operation} #${attempt}`) },
 * });
 * ```
 */
export interface RequestContext {
  /** The contract's `operationId` (`getTicket`, `createTicket`, `login`, …). */
  operation: OperationId;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The full URL, query included; never with credentials. */
  url: string;
  /** 1 for the first attempt of the call, 2 for the next (a retry, or the re-send after a renewal), … */
  attempt: number;
  /** The request's headers (lower-case names), credentials `[redacted]`. A copy: changing it changes nothing. */
  headers: Record<string, string>;
}

/**
 * An attempt the API answered, whatever the status (an error status is also reported to `onError`).
 *
 * @example
 * ```ts
 * const hooks: Hooks = {
 *   afterResponse: ({ operation, response, durationMs }) => {
 *     histogram.record(durationMs, { operation, status: response.status });
 *   },
 * };
 * ```
 */
export interface ResponseContext extends RequestContext {
  /** Status and headers of the answer (credentials redacted). It has no body: the SDK reads that. */
  response: Response;
  /** From sending the attempt to the answer's headers, in milliseconds. */
  durationMs: number;
  /** The answer's `X-Request-Id`: quote it when reporting a problem. */
  requestId: string | undefined;
}

/**
 * An attempt that failed — an error status, no answer (connection, timeout, abort) — or a call that
 * failed before its attempt went out (its login failed, its signal aborted a wait). The last one of
 * a failed call has `willRetry: false`, and its `error` is what the call rejects with.
 *
 * @example
 * ```ts
 * const hooks: Hooks = {
 *   onError: ({ operation, error, willRetry }) => {
 *     if (!willRetry) failures.add(1, { operation, error: error.name });
 *   },
 * };
 * ```
 */
export interface ErrorContext extends RequestContext {
  error: TicketflowError;
  /** Whether another attempt follows. */
  willRetry: boolean;
  /** How long the attempt took, when it was sent. */
  durationMs: number | undefined;
}

/**
 * The hooks of a client (`new Ticketflow({ hooks })`); each is optional and may be async.
 *
 * @example
 * ```ts
 * const tf = new Ticketflow({
 *   baseUrl, apiKey,
 *   hooks: {
 *     beforeRequest: ({ method, url, attempt }) => console.log('→', method, url, attempt),
 *     afterResponse: ({ response, durationMs, requestId }) => console.log('←', response.status, durationMs, requestId),
 *     onError: ({ error, willRetry }) => console.log('✗', error.name, willRetry ? 'retrying' : 'giving up'),
 *   },
 * });
 * ```
 */
export interface Hooks {
  /** Just before an attempt is sent (after any wait for the throttle or a login). */
  beforeRequest?: (context: RequestContext) => void | Promise<void>;
  /** When an attempt is answered, before its body is read. */
  afterResponse?: (context: ResponseContext) => void | Promise<void>;
  /** When an attempt fails, or the call fails before sending it. */
  onError?: (context: ErrorContext) => void | Promise<void>;
}

const HOOK_NAMES = ['beforeRequest', 'afterResponse', 'onError'] as const;

/** `hooks` if it is made of hooks; a `TypeError` otherwise (a misspelt name would never be called). */
export function checkedHooks(hooks: unknown): Hooks {
  if (hooks === undefined) return {};
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) throw new TypeError('hooks must be an object of functions');
  for (const [name, hook] of Object.entries(hooks)) {
    if (!(HOOK_NAMES as readonly string[]).includes(name)) throw new TypeError(`hooks.${name} is not a hook: use ${HOOK_NAMES.join(', ')}`);
    if (hook !== undefined && typeof hook !== 'function') throw new TypeError(`hooks.${name} must be a function`);
  }
  return hooks;
}
