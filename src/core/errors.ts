/**
 * Every failure the SDK reports is a {@link TicketflowError}. HTTP answers outside 2xx are
 * {@link APIError}s, one subclass per status the API uses, each carrying the problem body (RFC 9457:
 * a stable `code`, field `errors`), the request id and the headers. Failing to reach the API is a
 * {@link ConnectionError}, {@link TimeoutError} or {@link AbortError}.
 *
 * Messages never contain credentials: they are built from the method, path and problem only.
 */
import type { components } from '../generated/api.js';

/** The problem body the API sends with every error (RFC 9457). */
export type Problem = components['schemas']['Problem'];

/** The base class of every error this SDK throws. */
export class TicketflowError extends Error {
  override name = 'TicketflowError';
}

/** What an {@link APIError} is built from. */
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

/** 400: the request is malformed (bad JSON, a bad query parameter or cursor). */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
/** 401: no valid credentials. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
/** 403: authenticated, but not allowed to do this. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
/** 404: no such resource, or one the caller may not see. */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
/** 409: the request conflicts with the resource's state (a workflow step out of order, a duplicate). */
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
/** 412: the `If-Match` ETag is stale: someone changed the resource first. */
export class PreconditionFailedError extends APIError {
  override name = 'PreconditionFailedError';
}
/** 422: well-formed but invalid (a missing field, a reference to nothing, a reused idempotency key). */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
/** 429: rate limited; `retryAfterSeconds` says when to come back. */
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
/** 5xx: the API failed. */
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

/** The API could not be reached (DNS, refused or reset connection); `cause` holds the fetch error. */
export class ConnectionError extends TicketflowError {
  override name = 'ConnectionError';
}
/** No answer within the timeout (the client's `timeout`, or the request's own). */
export class TimeoutError extends TicketflowError {
  override name = 'TimeoutError';
}
/** The caller's `signal` aborted the request. */
export class AbortError extends TicketflowError {
  override name = 'AbortError';
}

