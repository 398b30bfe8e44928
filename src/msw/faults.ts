/**
 * Injected failures, so tests can drive their code's error and retry paths: an error status (as
 * a problem body like the server's, `Retry-After` on request), a delay, or a network error. A
 * fault applies before anything else, as if the request never reached the API: nothing changes.
 */
import type { components } from '../generated/api.js';
import { operationNamed, type OperationName } from './operations.js';

type ProblemCode = components['schemas']['ProblemCode'];

/**
 * What `mock.fail()` injects.
 *
 * @example
 * ```ts
 * mock.fail('tickets.list', { status: 429, retryAfter: 30, times: 1 });
 * ```
 */
export interface FaultOptions {
  /** Answer with this status (a problem body). Leave out with `networkError` or a bare `delay`. */
  status?: number;
  /** The problem's code; by default the server's code for that status (`unavailable` for 503). */
  code?: ProblemCode;
  /** The problem's detail. */
  detail?: string;
  /** Seconds to send in `Retry-After`. */
  retryAfter?: number;
  /** Fail the connection instead of answering (`TypeError: Failed to fetch` in the client). */
  networkError?: boolean;
  /** Milliseconds (real time) to wait before answering — or before serving normally, when nothing else is given. */
  delay?: number;
  /** How many requests it applies to; every one until cleared by default. */
  times?: number;
}

/**
 * A fault in place; `remaining` counts down as requests hit it.
 *
 * @example
 * ```ts
 * const fault = mock.fail('*', { networkError: true }); fault.clear();
 * ```
 */
export interface Fault {
  readonly operation: string;
  readonly remaining: number;
  /** Removes the fault. */
  clear(): void;
}

interface ActiveFault {
  operation: string;
  options: FaultOptions;
  remaining: number;
}

/** The server's code for each status it answers. */
const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: 'malformed_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'unavailable',
};

export const codeForStatus = (status: number): ProblemCode | 'internal_error' => CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'malformed_request');

export class Faults {
  #faults: ActiveFault[] = [];

  /** Adds a fault for `name` (an SDK method path, an operationId, or `'*'` for every operation). */
  add(name: OperationName | '*', options: FaultOptions): Fault {
    const operation = name === '*' ? '*' : operationNamed(name).operationId;
    checkOptions(options);
    const fault: ActiveFault = { operation, options, remaining: options.times ?? Number.POSITIVE_INFINITY };
    this.#faults.push(fault);
    return {
      operation,
      get remaining() {
        return fault.remaining;
      },
      clear: () => {
        this.#faults = this.#faults.filter((active) => active !== fault);
      },
    };
  }

  /** The fault that takes this request, counted down; the newest first. */
  take(operationId: string): FaultOptions | undefined {
    for (let i = this.#faults.length - 1; i >= 0; i -= 1) {
      const fault = this.#faults[i]!;
      if (fault.remaining <= 0 || (fault.operation !== '*' && fault.operation !== operationId)) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.#faults.splice(i, 1);
      return fault.options;
    }
    return undefined;
  }

  clear(): void {
    this.#faults = [];
  }
}

function checkOptions(options: FaultOptions): void {
  const { status, times, delay, retryAfter } = options;
  if (status !== undefined && !(Number.isInteger(status) && status >= 400 && status <= 599)) throw new TypeError('ticketflow/msw: fail() status must be an error status, 400 to 599');
  if (times !== undefined && !(Number.isInteger(times) && times >= 1)) throw new TypeError('ticketflow/msw: fail() times must be a whole number, 1 or more');
  if (delay !== undefined && !(Number.isFinite(delay) && delay >= 0)) throw new TypeError('ticketflow/msw: fail() delay must be milliseconds, 0 or more');
  if (retryAfter !== undefined && !(Number.isFinite(retryAfter) && retryAfter >= 0)) throw new TypeError('ticketflow/msw: fail() retryAfter must be seconds, 0 or more');
  if (status === undefined && !options.networkError && delay === undefined) throw new TypeError('ticketflow/msw: fail() needs a status, networkError or delay');
  if (status !== undefined && options.networkError) throw new TypeError('ticketflow/msw: fail() takes a status or networkError, not both');
}
