/**
 * Tells the hooks and the log what happens to one call, attempt by attempt: the transport says
 * "sending", "answered", "retrying", "failed", and this turns it into hook contexts and log lines,
 * both with credentials redacted and without bodies.
 */
import { AbortError, APIError, TicketflowError } from './errors.js';
import type { ErrorContext, Hooks, RequestContext } from './hooks.js';
import type { Log } from './logger.js';
import type { OperationId } from './operations.js';
import { redactedHeaders, redactedUrl, responseView } from './redact.js';

/** What every call of a client reports to. */
export interface Observers {
  hooks: Hooks;
  log: Log;
}

export class CallReport {
  readonly #observers: Observers;
  readonly #call: Pick<RequestContext, 'operation' | 'method' | 'url'>;
  /** The request's headers, live: each report shows them as the attempt sends them. */
  readonly #headers: Headers;
  #attempt = 0;
  #sentAt: number | undefined;

  constructor(observers: Observers, operation: OperationId, method: RequestContext['method'], url: string, headers: Headers) {
    this.#observers = observers;
    this.#call = { operation, method, url: redactedUrl(url) };
    this.#headers = headers;
  }

  /** A new attempt is being prepared (it may still wait for the throttle or a login). */
  nextAttempt(): void {
    this.#attempt += 1;
    this.#sentAt = undefined;
  }

  /** Requests are held until the rate-limit window resets. */
  held(ms: number): void {
    this.#observers.log.info(`holding ${this.#name()} for ${ms} ms: the rate limit window is spent`, { ...this.#fields(), holdMs: ms });
  }

  /** The attempt goes out now. */
  async sending(): Promise<void> {
    this.#observers.log.debug(`sending ${this.#name()} (attempt ${this.#attempt})`, this.#fields());
    await this.#run('beforeRequest', () => this.#context());
    this.#sentAt = performance.now();
  }

  /** The attempt was answered (any status). */
  async answered(response: Response): Promise<void> {
    const durationMs = this.#elapsedMs() ?? 0;
    const requestId = response.headers.get('x-request-id') ?? undefined;
    this.#observers.log.debug(`${this.#name()} answered ${response.status} in ${durationMs} ms${requestId ? ` (request ${requestId})` : ''}`, {
      ...this.#fields(),
      status: response.status,
      durationMs,
      requestId,
    });
    await this.#run('afterResponse', () => ({ ...this.#context(), response: responseView(response), durationMs, requestId }));
  }

  /** The attempt failed and another follows after `delayMs`. */
  async retrying(error: TicketflowError, delayMs: number): Promise<void> {
    this.#observers.log.warn(`retrying ${this.#name()} in ${delayMs} ms after ${describe(error)}`, { ...this.#fields(), delayMs, error: summary(error) });
    await this.#reportError(error, true);
  }

  /** The attempt was refused with a 401, new credentials were obtained, and it is sent again. */
  async renewed(error: TicketflowError): Promise<void> {
    this.#observers.log.info(`credentials renewed after a 401; sending ${this.#name()} again`, this.#fields());
    await this.#reportError(error, true);
  }

  /** The call failed for good with `error` (what it rejects with). An abort is the caller's wish, not a failure: debug. */
  async failed(error: unknown): Promise<void> {
    const typed = error instanceof TicketflowError ? error : new TicketflowError(error instanceof Error ? error.message : String(error), { cause: error });
    this.#observers.log[typed instanceof AbortError ? 'debug' : 'error'](`${this.#name()} failed: ${describe(typed)}`, { ...this.#fields(), error: summary(typed) });
    await this.#reportError(typed, false);
  }

  #reportError(error: TicketflowError, willRetry: boolean): Promise<void> {
    return this.#run('onError', (): ErrorContext => ({ ...this.#context(), error, willRetry, durationMs: this.#elapsedMs() }));
  }

  /** Calls the hook `name`, if there is one, with the context `contextOf` makes (only then: copies cost). */
  async #run<Name extends keyof Hooks>(name: Name, contextOf: () => Parameters<NonNullable<Hooks[Name]>>[0]): Promise<void> {
    const hook = this.#observers.hooks[name] as ((context: unknown) => unknown) | undefined;
    if (!hook) return;
    try {
      await hook(contextOf());
    } catch (error) {
      this.#observers.log.hookFailed(`the ${name} hook threw; the request goes on`, { ...this.#fields(), hook: name, error });
    }
  }

  #context(): RequestContext {
    return { ...this.#call, attempt: this.#attempt, headers: redactedHeaders(this.#headers) };
  }

  #fields() {
    return { ...this.#call, attempt: this.#attempt };
  }

  #name(): string {
    return `${this.#call.method} ${this.#call.url}`;
  }

  #elapsedMs(): number | undefined {
    return this.#sentAt === undefined ? undefined : Math.round(performance.now() - this.#sentAt);
  }
}

/** The error in a few words, for a log line: its class, and the status and code of an API error. */
function describe(error: TicketflowError): string {
  return error instanceof APIError ? `${error.status}${error.code ? ` ${error.code}` : ''}` : `${error.name}: ${error.message}`;
}

/**
 * What a log line says of an error. Not the error itself: an `APIError` holds every header of the
 * answer, and a logger that prints objects deeply would print a `Set-Cookie` with it.
 */
function summary(error: TicketflowError) {
  return {
    name: error.name,
    message: error.message,
    ...(error instanceof APIError ? { status: error.status, code: error.code, requestId: error.requestId } : {}),
  };
}
