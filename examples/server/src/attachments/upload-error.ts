/**
 * A rejected upload, carrying what the route needs for its response. Only failures caused by the
 * request are UploadErrors; storage failures propagate unchanged, because they are the server's
 * fault (500) and must not be reported to the client as a bad request.
 */
export type UploadErrorCode =
  | 'unsupported_media_type'
  | 'malformed_multipart'
  | 'request_aborted'
  | 'missing_file'
  | 'unexpected_field'
  | 'description_too_long'
  | 'invalid_file_name'
  | 'payload_too_large'
  | 'empty_file'
  | 'mime_type_mismatch';

export type UploadErrorStatus = 400 | 413 | 415 | 422;

export class UploadError extends Error {
  override readonly name = 'UploadError';

  constructor(
    readonly status: UploadErrorStatus,
    readonly code: UploadErrorCode,
    message: string,
  ) {
    super(message);
  }
}
