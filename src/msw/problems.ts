/**
 * RFC 9457 problem details with the same shape, titles and `code`s as the reference server
 * (examples/server/src/http/problem.ts): handlers throw a `MockProblem`, the router answers it as
 * `application/problem+json`.
 */
import type { components } from '../generated/api.js';

type ProblemCode = components['schemas']['ProblemCode'];
type FieldError = components['schemas']['FieldError'];

/**
 * The codes a mock answer can carry: the contract's, and `not_implemented` for an operation the
 * kit does not mock yet (a 501 the real API never sends).
 */
export type MockProblemCode = ProblemCode | 'not_implemented';

/** A problem body: the contract's `Problem`, with the kit's own `not_implemented` code allowed. */
export type ProblemBody = Omit<components['schemas']['Problem'], 'code'> & { code: MockProblemCode };

/** The fixed title of each code, word for word the server's. */
const TITLES: Record<MockProblemCode, string> = {
  malformed_request: 'The request is malformed',
  validation_failed: 'The request is invalid',
  invalid_cursor: 'The cursor is invalid',
  unauthenticated: 'Authentication required',
  invalid_credentials: 'Invalid credentials',
  token_expired: 'The access token has expired',
  forbidden: 'Forbidden',
  insufficient_scope: 'Insufficient scope',
  not_found: 'Not found',
  conflict: 'Conflict',
  invalid_transition: 'Invalid transition',
  precondition_failed: 'Precondition failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  unprocessable: 'Unprocessable',
  idempotency_key_reused: 'Idempotency key reused',
  empty_file: 'The file is empty',
  mime_type_mismatch: 'The file does not match its declared type',
  invalid_file_name: 'The file name is invalid',
  missing_file: 'No file was sent',
  unexpected_field: 'Unexpected form field',
  malformed_multipart: 'The multipart body is malformed',
  description_too_long: 'The description is too long',
  request_aborted: 'The request body was cut short',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  not_implemented: 'Not implemented by ticketflow/msw',
};

/** An error answer, thrown by a handler and turned into problem+json by the router. */
export class MockProblem extends Error {
  override readonly name = 'MockProblem';

  constructor(
    readonly status: number,
    readonly code: MockProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    /** Extra response headers, such as `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  body(instance: string, requestId: string): ProblemBody {
    return {
      type: `https://ticketflow.dev/problems/${this.code}`,
      title: TITLES[this.code],
      status: this.status,
      detail: this.detail,
      instance,
      code: this.code,
      request_id: requestId,
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

/** The 404 for a row that does not exist or that the caller may not see: the two look the same. */
export const notFound = (what: string) => new MockProblem(404, 'not_found', `No ${what} with this id.`);

export const forbidden = (detail: string) => new MockProblem(403, 'forbidden', detail);

/** What the server says when row-level security refuses a write and no rule of its own names why. */
export const MAY_NOT_MAKE_CHANGE = 'You may not make this change.';

/** A 400 naming one field, as the server's own checks outside its schemas answer. */
export const fieldProblem = (location: FieldError['location'], path: string, message: string, detail = `${path}: ${message}`) =>
  new MockProblem(400, 'validation_failed', detail, [{ location, path, message }]);

/** A reference to a row that does not exist: the server's foreign-key answer. */
export const unknownReference = (field: string) => new MockProblem(422, 'unprocessable', `${field} does not refer to an existing record.`);
