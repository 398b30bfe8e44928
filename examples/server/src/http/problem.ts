/**
 * RFC 9457 problem details: the one shape every error response has. Handlers throw a `Problem`;
 * the error handler turns it (and every other failure) into an `application/problem+json` body.
 */
import type { components } from '../../../../src/generated/api.js';

export type ProblemCode = components['schemas']['ProblemCode'];
export type FieldError = components['schemas']['FieldError'];
export type ProblemBody = components['schemas']['Problem'];

/** The fixed, human title of each code. */
const TITLES: Record<ProblemCode, string> = {
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
};

export class Problem extends Error {
  override readonly name = 'Problem';

  constructor(
    readonly status: number,
    readonly code: ProblemCode,
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

/** The 404 for a row that does not exist or that row-level security hides: the two look the same. */
export const notFound = (what: string) => new Problem(404, 'not_found', `No ${what} with this id.`);

export const forbidden = (detail: string) => new Problem(403, 'forbidden', detail);
