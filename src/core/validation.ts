/**
 * Response validation (`validate: true`): checks a success body against the zod schema generated
 * from the contract for its operation. The schemas, and zod with them, are imported on first use,
 * so a client that never turns validation on never loads them (a separate chunk in the ESM build).
 */
import type { OperationId } from './operations.js';
import { ResponseValidationError, type ResponseValidationIssue } from './errors.js';

/** The request being answered, as much of it as an error report needs. */
interface Answered {
  operation: OperationId;
  method: string;
  path: string;
}

/**
 * Resolves when `data`, the parsed body of `response`, matches its operation's response schema (or
 * the operation has none: 204s, downloads); rejects with a {@link ResponseValidationError} when it
 * does not. `data` itself is never changed: the caller keeps what the API sent, extra keys included.
 */
export async function validateResponse(request: Answered, data: unknown, response: Response): Promise<void> {
  if (response.status === 204) return;
  const { responseSchemas } = await import('../generated/schemas.js');
  const schema = responseSchemas[request.operation];
  if (schema === undefined) return;
  const result = schema.safeParse(data);
  if (result.success) return;
  throw new ResponseValidationError({
    operation: request.operation,
    method: request.method,
    path: request.path,
    status: response.status,
    headers: response.headers,
    // Only path, code and message: an issue may carry the received value, which could be anything.
    issues: result.error.issues.map(({ path, code, message }): ResponseValidationIssue => ({
      path: path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
      code,
      message,
    })),
  });
}

/** A `validate` option as given: a boolean or absent. */
export function checkedValidate(value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError('validate must be true or false');
  return value;
}
