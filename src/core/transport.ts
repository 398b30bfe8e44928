/**
 * Sends requests: builds the URL and headers, authenticates, times out, retries what is safe to
 * retry, and turns every failure into a typed error. Resource modules describe operations; this is
 * the only place that talks HTTP (over ky, with its own retries off: retrying needs to know about
 * idempotency keys and credentials, which ky does not).
 */
import ky, { TimeoutError as KyTimeoutError } from 'ky';
import type { WithResponse } from './api-promise.js';
import type { OperationId } from './operations.js';
import { credentialsAuth, staticToken, type Authenticator } from './auth.js';
import { AbortError, apiErrorFor, ConnectionError, TicketflowError, TimeoutError, type Problem } from './errors.js';
import { DEFAULT_RETRY_POLICY, isRetriedStatus, mayRetry, retryDelayMs, type RetryPolicy } from './retry.js';
import { checkedValidate, validateResponse } from './validation.js';
import { CallReport, type Observers } from './call-report.js';
import { checkedHooks, type Hooks } from './hooks.js';
import { createLog, type Logger, type LogLevel } from './logger.js';
import { RateLimitWindow } from './throttle.js';
import { pause } from './wait.js';

/**
 * How the client authenticates: exactly one of an API key, an access token or credentials. With
 * credentials the client logs in when first needed and refreshes the session by itself.
 *
 * @example
 * ```ts
 * const tool = new Ticketflow({ baseUrl, apiKey: process.env.TICKETFLOW_API_KEY! });
 * const app = new Ticketflow({ baseUrl, accessToken: session.accessToken });
 * const script = new Ticketflow({ baseUrl, credentials: { email: 'ops@example.com', password: process.env.PASSWORD! } });
 * ```
 */
export type ClientAuth =
  | { apiKey: string; accessToken?: never; credentials?: never }
  | { accessToken: string; apiKey?: never; credentials?: never }
  | { credentials: { email: string; password: string }; apiKey?: never; accessToken?: never };

/**
 * The options of `new Ticketflow(…)`.
 *
 * @example
 * ```ts
 * const tf = new Ticketflow({
 *   baseUrl: 'https://helpdesk.example.com',
 *   apiKey: process.env.TICKETFLOW_API_KEY!,
 *   timeout: 10_000,
 *   maxRetries: 4,
 *   validate: true,
 *   throttle: true,
 *   logger: console,
 *   logLevel: 'info',
 * });
 * ```
 */
export type ClientOptions = ClientAuth & {
  /** Where the API is, for example `https://helpdesk.example.com` (the `/v1/…` paths are appended). */
  baseUrl: string;
  /** Milliseconds to wait for each attempt's answer; default 60 000. `false`: no limit. */
  timeout?: number | false;
  /** Retries of a failed attempt (connection errors, timeouts, 408, 429, 5xx); default 2. */
  maxRetries?: number;
  /** The fetch to use; default the global one, looked up at each request (so test mocks apply). */
  fetch?: typeof fetch;
  /** Called at each attempt of each request, for logging and metrics; see {@link Hooks}. */
  hooks?: Hooks;
  /** Where log lines go (`console` will do); nothing is logged unless `logger` or `logLevel` is given. */
  logger?: Logger;
  /** The least severe level logged: default `'warn'` with a `logger`; alone, it logs to the console. */
  logLevel?: LogLevel;
  /**
   * Hold requests while the API's rate-limit window is spent (`RateLimit-Remaining: 0`) until it
   * resets, instead of sending them into a 429. Default false. The wait is abortable with the
   * request's `signal` and not part of its `timeout`.
   */
  throttle?: boolean;
  /**
   * Check every success response against the contract's schema (zod, loaded on first use) and
   * reject one that does not match with a `ResponseValidationError`. Default false.
   */
  validate?: boolean;
};

/**
 * Options every SDK method takes as its last argument.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const ticket = await tf.tickets.create(
 *   { title: 'Disk full on build agent 3', priority: 'high' },
 *   { idempotencyKey: `disk-alert-${alertId}`, timeout: 5_000, maxRetries: 5, signal: controller.signal },
 * );
 * ```
 */
export interface RequestOptions {
  /** Milliseconds for each attempt of this request, instead of the client's `timeout`. */
  timeout?: number | false;
  /** Aborts the request (and any retries) when signalled; the call rejects with an `AbortError`. */
  signal?: AbortSignal;
  /** Retries for this request, instead of the client's `maxRetries`. */
  maxRetries?: number;
  /** The `Idempotency-Key` of a POST; by default the SDK makes one per call and reuses it across retries. */
  idempotencyKey?: string;
  /** Extra headers (never `Authorization`: the client sets it). */
  headers?: Record<string, string>;
  /** Validate this response against the contract, or not, whatever the client's `validate` says. */
  validate?: boolean;
}

/** One request, as a resource module describes it. */
export interface ApiRequest {
  /** The contract's `operationId`: names the call in hooks and logs, and picks its response schema. */
  operation: OperationId;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Built with `path\`…\``, so every parameter is encoded. */
  path: string;
  query?: object | undefined;
  body?: unknown;
  /** `If-Match`, for the operations that take an ETag. */
  ifMatch?: string | undefined;
  options?: RequestOptions | undefined;
  /** Sent without credentials (login, refresh). */
  anonymous?: boolean;
  /**
   * False for the operations the contract calls non-idempotent (no `Idempotency-Key`): they are
   * sent without a key and retried only on 429.
   */
  idempotent?: false;
  /** Called as the request body goes out, and as the response body comes in. */
  progress?: { upload?: ProgressCallback | undefined; download?: ProgressCallback | undefined };
}

/**
 * How far a transfer is: bytes so far, bytes in all (0 when unknown), and the fraction done.
 *
 * @example
 * ```ts
 * await tf.attachments.upload(ticketId, file, {}, {
 *   onProgress: ({ transferredBytes, totalBytes, percent }) => console.log(`${transferredBytes}/${totalBytes} (${Math.round(percent * 100)}%)`),
 * });
 * ```
 */
export interface TransferProgress {
  transferredBytes: number;
  totalBytes: number;
  /** 0 to 1; 0 until the total is known. */
  percent: number;
}

/**
 * Called as a request body goes out or a response body comes in.
 *
 * @example
 * ```ts
 * const onProgress: ProgressCallback = ({ percent }) => bar.update(percent);
 * const blob = await tf.attachments.download(attachmentId, { onProgress });
 * ```
 */
export type ProgressCallback = (progress: TransferProgress) => void;

export class Transport {
  readonly #baseUrl: string;
  readonly #timeout: number | false;
  readonly #retry: RetryPolicy;
  readonly #fetch: typeof fetch;
  readonly #auth: Authenticator;
  readonly #validate: boolean;
  readonly #observers: Observers;
  /** The API limits anonymous requests per address and the others per caller: two windows. */
  readonly #throttle: { anonymous: RateLimitWindow; caller: RateLimitWindow } | undefined;

  constructor(options: ClientOptions) {
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
      throw new TypeError('baseUrl must be an http:// or https:// URL');
    }
    // A password in the URL would travel in every request and show in errors.
    if (new URL(options.baseUrl).username !== '') throw new TypeError('baseUrl must not contain credentials');
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#timeout = checkedTimeout(options.timeout) ?? 60_000;
    this.#retry = { ...DEFAULT_RETRY_POLICY, maxRetries: checkedRetries(options.maxRetries) ?? DEFAULT_RETRY_POLICY.maxRetries };
    const given = options.fetch;
    this.#fetch = (input, init) => (given ?? globalThis.fetch)(input, init);
    this.#validate = checkedValidate(options.validate) ?? false;
    this.#observers = { hooks: checkedHooks(options.hooks), log: createLog(options.logger, options.logLevel) };
    if (options.throttle !== undefined && typeof options.throttle !== 'boolean') throw new TypeError('throttle must be true or false');
    const maxHoldMs = this.#retry.maxDelayMs;
    this.#throttle = options.throttle ? { anonymous: new RateLimitWindow(maxHoldMs), caller: new RateLimitWindow(maxHoldMs) } : undefined;
    this.#auth = authenticatorOf(options, (path, body) =>
      this.request<never>({ operation: path === '/v1/auth/login' ? 'login' : 'refreshTokens', method: 'POST', path, body, anonymous: true, idempotent: false }).then((result) => result.data),
    );
  }

  /**
   * Sends `request` (retrying as allowed) and resolves with the parsed body and the response; with
   * validation on, only once the body has matched its operation's schema.
   */
  async request<T>(request: ApiRequest): Promise<WithResponse<T>> {
    const validate = checkedValidate(request.options?.validate) ?? this.#validate;
    return this.#call(request, 'application/json', async (response) => {
      let data: unknown;
      try {
        data = await bodyOf(response);
      } catch (cause) {
        throw transportError(cause, request.method, request.path, request.options?.signal);
      }
      if (validate) await validateResponse(request, data, response);
      return { data: data as T, response };
    });
  }

  /**
   * Sends `request` (retrying as allowed) and resolves with the successful response, its body
   * unread: for streams. Every failure rejects with a typed error.
   */
  send(request: ApiRequest, accept = 'application/json'): Promise<Response> {
    return this.#call(request, accept, (response) => Promise.resolve(response));
  }

  /**
   * One call: its attempts, then `consume` on the successful response. A failure of either is the
   * call's failure, reported once to the hooks and the log (an invalid body included).
   */
  async #call<R>(request: ApiRequest, accept: string, consume: (response: Response) => Promise<R>): Promise<R> {
    const { method, options = {} } = request;
    const url = this.#baseUrl + request.path + queryString(request.query);
    const headers = new Headers(options.headers);
    headers.set('accept', accept);
    if (request.ifMatch !== undefined) headers.set('if-match', request.ifMatch);
    const idempotent = request.idempotent !== false;
    if (method === 'POST' && idempotent) headers.set('idempotency-key', options.idempotencyKey ?? randomKey());
    const maxRetries = checkedRetries(options.maxRetries) ?? this.#retry.maxRetries;
    const timeout = checkedTimeout(options.timeout) ?? this.#timeout;
    const report = new CallReport(this.#observers, request.operation, method, url, headers);
    try {
      return await consume(await this.#attempts({ request, url, headers, idempotent, maxRetries, timeout, report }));
    } catch (error) {
      await report.failed(error);
      throw error;
    }
  }

  /** The retry loop of {@link Transport.send}: every attempt, reported as it goes. */
  async #attempts({ request, url, headers, idempotent, maxRetries, timeout, report }: PreparedCall): Promise<Response> {
    const { method, options = {} } = request;
    const { signal } = options;
    const window = this.#throttle?.[request.anonymous ? 'anonymous' : 'caller'];
    let renewed = false;

    for (let retry = 0; ; retry += 1) {
      report.nextAttempt();
      await window?.wait(signal, (ms) => report.held(ms));
      if (!request.anonymous) headers.set('authorization', await this.#auth.header(signal));
      await report.sending();
      let response: Response;
      try {
        response = await ky(url, {
          method,
          headers,
          ...(request.body instanceof FormData ? { body: request.body } : request.body === undefined ? {} : { json: request.body }),
          ...(request.progress?.upload ? { onUploadProgress: request.progress.upload } : {}),
          ...(request.progress?.download ? { onDownloadProgress: request.progress.download } : {}),
          timeout,
          ...(signal ? { signal } : {}),
          retry: 0,
          throwHttpErrors: false,
          fetch: this.#fetch,
        });
      } catch (cause) {
        const error = transportError(cause, method, request.path, signal);
        if (error instanceof AbortError || !mayRetry(method, idempotent, undefined) || retry >= maxRetries) throw error;
        const delay = retryDelayMs(this.#retry, retry + 1, undefined) ?? 0;
        await report.retrying(error, delay);
        await pause(delay, signal);
        continue;
      }
      window?.observe(response.headers);
      await report.answered(response);
      if (response.ok) return response;

      const sentWith = headers.get('authorization') ?? '';
      const error = apiErrorFor({ status: response.status, method, path: request.path, headers: response.headers, problem: await problemOf(response) });
      if (response.status === 401 && !request.anonymous && !renewed && (await this.#auth.renew(sentWith, signal))) {
        renewed = true; // once per call: a second 401 is the answer
        retry -= 1; // a renewal is not a retry
        await report.renewed(error);
        continue;
      }
      if (!mayRetry(method, idempotent, response.status) || !isRetriedStatus(response.status) || retry >= maxRetries) throw error;
      const delay = retryDelayMs(this.#retry, retry + 1, response);
      if (delay === null) throw error; // the API asks for a longer wait than the policy allows
      await report.retrying(error, delay);
      await pause(delay, signal);
    }
  }
}

/** A request ready to go: what {@link Transport.send} works out once for all its attempts. */
interface PreparedCall {
  request: ApiRequest;
  url: string;
  headers: Headers;
  idempotent: boolean;
  maxRetries: number;
  timeout: number | false;
  report: CallReport;
}

function authenticatorOf(options: ClientAuth, requestTokens: Parameters<typeof credentialsAuth>[1]): Authenticator {
  const given = [options.apiKey, options.accessToken, options.credentials].filter((value) => value !== undefined);
  if (given.length !== 1) throw new TypeError('pass exactly one of apiKey, accessToken or credentials');
  if (options.credentials) return credentialsAuth(options.credentials, requestTokens);
  const token = options.apiKey ?? options.accessToken;
  if (typeof token !== 'string' || token === '') throw new TypeError('apiKey and accessToken must be non-empty strings');
  return staticToken(token);
}

/** `?a=1&b=x&b=y`: arrays repeat the parameter; undefined and null are left out. */
function queryString(query: object | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function bodyOf(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? response.json() : response.text();
}

async function problemOf(response: Response): Promise<Problem | undefined> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null && 'code' in body ? (body as Problem) : undefined;
  } catch {
    return undefined;
  }
}

function transportError(cause: unknown, method: string, path: string, signal: AbortSignal | undefined): TicketflowError {
  if (cause instanceof TicketflowError) return cause;
  if (signal?.aborted) return new AbortError(`${method} ${path} was aborted`, { cause });
  // Not kept as the cause: ky's error holds the Request, and with it the Authorization header.
  if (cause instanceof KyTimeoutError) return new TimeoutError(`${method} ${path} timed out`);
  return new ConnectionError(`${method} ${path} could not reach the API: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

function checkedRetries(value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) throw new TypeError('maxRetries must be a whole number, 0 or more');
  return value;
}

/** setTimeout's limit: a longer timeout would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

function checkedTimeout(value: number | false | undefined): number | false | undefined {
  if (value !== undefined && value !== false && !(Number.isFinite(value) && value > 0 && value <= MAX_TIMEOUT_MS)) {
    throw new TypeError(`timeout must be false or a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  }
  return value;
}

/** A random UUID (v4); `crypto.randomUUID` is missing from pages served over plain http. */
function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
