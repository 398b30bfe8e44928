/**
 * Every failure the SDK reports is a {@link TicketflowError}. HTTP answers outside 2xx are
 * {@link APIError}s, one subclass per status the API uses, each carrying the problem body (RFC 9457:
 * a stable `code`, field `errors`), the request id and the headers. Failing to reach the API is a
 * {@link ConnectionError}, {@link TimeoutError} or {@link AbortError}. A 2xx body that breaks the
 * contract, when validation is on, is a {@link ResponseValidationError}.
 *
 * Messages never contain credentials: they are built from the method, path and problem (or zod's
 * issue messages, which name no received value) only.
 */
import type { components } from '../generated/api.js';

/**
 * The problem body the API sends with every error (RFC 9457): {@link APIError.problem}.
 *
 * @example
 * ```ts
 * try {
 *   await tf.tickets.create({ title: '' });
 * } catch (error) {
 *   const problem: Problem | undefined = error instanceof APIError ? error.problem : undefined;
 *   for (const field of problem?.errors ?? []) console.log(`${field.location} ${field.path}: ${field.message}`);
 * }
 * ```
 */
export type Problem = components['schemas']['Problem'];

/**
 * The base class of every error this SDK throws for a failed call ({@link APIError} when the API
 * refused it, {@link ConnectionError} when it could not be reached, …).
 *
 * @example
 * ```ts
 * try {
 *   await tf.tickets.list();
 * } catch (error) {
 *   if (!(error instanceof TicketflowError)) throw error; // not a failed call: a bug, say
 *   console.error(`${error.name}: ${error.message}`);
 * }
 * ```
 */
export class TicketflowError extends Error {
  override name = 'TicketflowError';
}

/**
 * What an {@link APIError} is built from: the SDK makes these from answers, and tests of your own
 * error handling can too.
 *
 * @example
 * ```ts
 * const init: APIErrorInit = { status: 404, method: 'GET', path: '/v1/tickets/42', headers: new Headers({ 'x-request-id': 'req-1' }), problem: undefined };
 * const error = new NotFoundError(init);
 * console.log(error.message, error.requestId); // "GET /v1/tickets/42 failed with 404: no problem details" "req-1"
 * ```
 */
export interface APIErrorInit {
  status: number;
  method: string;
  path: string;
  headers: Headers;
  /** The problem body; `undefined` when the answer was not a problem document. */
  problem: Problem | undefined;
}

/**
 * The API answered with an error status. `code` is stable and meant for programs
 * (`validation_failed`, `precondition_failed`, …); `problem.errors` lists field errors when there are.
 *
 * @example
 * ```ts
 * try {
 *   await tf.tickets.update(id, { priority: 'urgent' }, { ifMatch: etag });
 * } catch (error) {
 *   if (error instanceof PreconditionFailedError) console.log('someone else changed it first');
 * }
 * ```
 */
export class APIError extends TicketflowError {
  override name = 'APIError';
  readonly status: number;
  readonly code: string | undefined;
  readonly problem: Problem | undefined;
  /** The `X-Request-Id` of the failed request: quote it when reporting a problem. */
  readonly requestId: string | undefined;
  readonly headers: Headers;

  constructor({ status, method, path, headers, problem }: APIErrorInit) {
    const detail = problem?.detail ?? problem?.title ?? 'no problem details';
    super(`${method} ${path} failed with ${status}${problem?.code ? ` ${problem.code}` : ''}: ${detail}`);
    this.status = status;
    this.code = problem?.code;
    this.problem = problem;
    this.requestId = problem?.request_id ?? headers.get('x-request-id') ?? undefined;
    this.headers = headers;
  }
}

/**
 * 400: the request is malformed (bad JSON, a bad query parameter or cursor); `problem.errors` says
 * which input.
 *
 * @example
 * ```ts
 * try {
 *   await tf.search.query({ q: '   ' });
 * } catch (error) {
 *   if (error instanceof BadRequestError) console.log(error.code, error.problem?.errors); // 'validation_failed', [{ location: 'query', path: 'q', … }]
 * }
 * ```
 */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
/**
 * 401: no valid credentials (a revoked or expired API key, a wrong password). With `credentials`
 * the client has already tried a refresh and a new login before this reaches you.
 *
 * @example
 * ```ts
 * try {
 *   await tf.auth.me();
 * } catch (error) {
 *   if (error instanceof AuthenticationError) console.log('sign in again:', error.code); // 'unauthenticated', 'token_expired', …
 * }
 * ```
 */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
/**
 * 403: authenticated, but not allowed to do this (the role, or an API key's scopes).
 *
 * @example
 * ```ts
 * try {
 *   await tf.auditLogs.list();
 * } catch (error) {
 *   if (error instanceof PermissionDeniedError) console.log(error.code); // 'forbidden', or 'insufficient_scope' for an API key
 * }
 * ```
 */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
/**
 * 404: no such resource, or one the caller may not see.
 *
 * @example
 * ```ts
 * const ticket = await tf.tickets.get(ticketId).catch((error: unknown) => {
 *   if (error instanceof NotFoundError) return null; // deleted, or not visible to this caller
 *   throw error;
 * });
 * ```
 */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
/**
 * 409: the request conflicts with the resource's state (a workflow step out of order, a duplicate).
 *
 * @example
 * ```ts
 * try {
 *   await tf.chat.sessions.accept(sessionId);
 * } catch (error) {
 *   if (error instanceof ConflictError) console.log('another agent took it:', error.code, error.problem?.detail); // 'invalid_transition'
 * }
 * ```
 */
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
/**
 * 412: the `If-Match` ETag is stale: someone changed the resource first, and nothing was changed.
 *
 * @example
 * ```ts
 * const { data: ticket, response } = await tf.tickets.get(ticketId).withResponse();
 * try {
 *   await tf.tickets.update(ticket.id, { priority: 'urgent' }, { ifMatch: response.headers.get('etag')! });
 * } catch (error) {
 *   if (error instanceof PreconditionFailedError) console.log('changed meanwhile: reload, then decide again');
 * }
 * ```
 */
export class PreconditionFailedError extends APIError {
  override name = 'PreconditionFailedError';
}
/**
 * 422: well-formed but invalid (a missing field, a reference to nothing, a reused idempotency key).
 *
 * @example
 * ```ts
 * try {
 *   await tf.settings.update({ time_zone: 'Mars/Olympus_Mons' });
 * } catch (error) {
 *   if (error instanceof UnprocessableEntityError) console.log(error.code, error.problem?.detail); // 'unprocessable', '… is not a known IANA time zone.'
 * }
 * ```
 */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
/**
 * 429: rate limited; `retryAfterSeconds` says when to come back. The SDK waits and retries 429s
 * itself (`maxRetries`): this is what is left when that did not help.
 *
 * @example
 * ```ts
 * try {
 *   await tf.tickets.create({ title: 'Printer on fire' });
 * } catch (error) {
 *   if (error instanceof RateLimitError) console.log(`try again in ${error.retryAfterSeconds ?? 60} s`);
 * }
 * ```
 */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  /** From `Retry-After`, when the API sent one. */
  readonly retryAfterSeconds: number | undefined;
  constructor(init: APIErrorInit) {
    super(init);
    const header = Number(init.headers.get('retry-after'));
    this.retryAfterSeconds = Number.isFinite(header) && header >= 0 ? header : undefined;
  }
}
/**
 * 5xx: the API failed; `requestId` is what its operators need to find out why.
 *
 * @example
 * ```ts
 * try {
 *   await tf.stats.tickets();
 * } catch (error) {
 *   if (error instanceof InternalServerError) console.error(`the API failed (${error.status}); quote request ${error.requestId}`);
 * }
 * ```
 */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

const BY_STATUS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The error for an HTTP error answer: the subclass of its status, else {@link APIError}. */
export function apiErrorFor(init: APIErrorInit): APIError {
  const ErrorClass = BY_STATUS[init.status] ?? (init.status >= 500 ? InternalServerError : APIError);
  return new ErrorClass(init);
}

/**
 * The API could not be reached (DNS, refused or reset connection); `cause` holds the fetch error.
 *
 * @example
 * ```ts
 * try {
 *   await tf.health.get();
 * } catch (error) {
 *   if (error instanceof ConnectionError) console.error('cannot reach the API:', error.cause);
 * }
 * ```
 */
export class ConnectionError extends TicketflowError {
  override name = 'ConnectionError';
}
/**
 * No answer within the timeout (the client's `timeout`, or the request's own), which each attempt
 * has in full.
 *
 * @example
 * ```ts
 * try {
 *   await tf.stats.sla({ interval: 'month' }, { timeout: 5_000, maxRetries: 0 });
 * } catch (error) {
 *   if (error instanceof TimeoutError) console.log('no answer within 5 s:', error.message);
 * }
 * ```
 */
export class TimeoutError extends TicketflowError {
  override name = 'TimeoutError';
}
/**
 * The caller's `signal` aborted the request (or the wait before a retry).
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 1_000);
 * try {
 *   await tf.search.query({ q: 'printer' }, { signal: controller.signal });
 * } catch (error) {
 *   if (error instanceof AbortError) console.log('cancelled');
 * }
 * ```
 */
export class AbortError extends TicketflowError {
  override name = 'AbortError';
}

/**
 * One way a response body breaks the contract: where (`['data', 0, 'status']`), zod's issue code and
 * its message. Messages name the expected type or values, never the value received.
 *
 * @example
 * ```ts
 * const issue: ResponseValidationIssue = { path: ['data', 0, 'status'], code: 'invalid_value', message: 'Invalid option: expected one of "open"|"pending"' };
 * ```
 */
export interface ResponseValidationIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

/**
 * What a {@link ResponseValidationError} is built from.
 *
 * @example
 * ```ts
 * const error = new ResponseValidationError({
 *   operation: 'getTicket', method: 'GET', path: '/v1/tickets/42', status: 200,
 *   headers: new Headers({ 'x-request-id': 'req-1' }),
 *   issues: [{ path: ['status'], code: 'invalid_value', message: 'Invalid option' }],
 * });
 * ```
 */
export interface ResponseValidationErrorInit {
  /** The contract's operationId. */
  operation: string;
  method: string;
  path: string;
  status: number;
  /** The response's headers. */
  headers: Headers;
  issues: ResponseValidationIssue[];
}

/**
 * With `validate: true`, a success response whose body does not match the contract: the API (or
 * something between it and you) sent what this SDK version does not expect. Not an
 * {@link APIError}: the API answered 2xx, and the call did happen. Unknown extra fields are not an
 * error, so an API that has grown newer fields still validates.
 *
 * @example
 * ```ts
 * try {
 *   await tf.tickets.get(ticketId, { validate: true });
 * } catch (error) {
 *   if (error instanceof ResponseValidationError) {
 *     console.error(error.operation, error.requestId, error.issues.map((issue) => issue.path.join('.')));
 *   }
 * }
 * ```
 */
export class ResponseValidationError extends TicketflowError {
  override name = 'ResponseValidationError';
  /** The contract's operationId, for example `getTicket`. */
  readonly operation: string;
  /** The status of the (successful) answer. */
  readonly status: number;
  /** The `X-Request-Id` of the request: quote it when reporting the problem. */
  readonly requestId: string | undefined;
  /** The response's headers. */
  readonly headers: Headers;
  /** Every mismatch found, with its path in the body. */
  readonly issues: ResponseValidationIssue[];

  constructor({ operation, method, path, status, headers, issues }: ResponseValidationErrorInit) {
    const shown = issues.slice(0, 3).map((issue) => `${issue.path.length === 0 ? '(body)' : issue.path.join('.')}: ${issue.message}`);
    const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
    super(`${method} ${path} (${operation}) answered ${status} with a body that does not match the contract: ${shown.join('; ')}${more}`);
    this.operation = operation;
    this.status = status;
    this.requestId = headers.get('x-request-id') ?? undefined;
    this.headers = headers;
    this.issues = issues;
  }
}

