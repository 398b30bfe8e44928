/**
 * How a channel says a send failed. Every error but `UndeliverableError` is worth another attempt
 * (a server down, a timeout, a 4xx SMTP reply); `UndeliverableError` fails the row at once (no
 * address, no provider, a permanent rejection), since retrying would only repeat the answer.
 */

/** A failed send that may succeed later. */
export class DeliveryError extends Error {
  override readonly name: string = 'DeliveryError';
  /** The earliest retry the provider asked for (a `Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A send that cannot succeed however often it is tried. */
export class UndeliverableError extends DeliveryError {
  override readonly name: string = 'UndeliverableError';
}

/** True for errors that must not be retried; checks the name too, so errors from another realm count. */
export function isUndeliverable(error: unknown): boolean {
  return error instanceof UndeliverableError || (error instanceof Error && error.name === 'UndeliverableError');
}

/** The `retryAfterMs` of a DeliveryError, if the provider asked for one. */
export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof DeliveryError ? error.retryAfterMs : undefined;
}
