/**
 * The request log: every request the mock answered (or failed on purpose), with its operation,
 * parsed body and the status it got, so tests can assert what their code sent.
 */
import type { OperationId } from '../core/operations.js';
import { formSummary, isMultipart } from './multipart.js';
import { operationNamed, type OperationName } from './operations.js';

/**
 * One request the mock received.
 *
 * @example
 * ```ts
 * const [call] = mock.calls('tickets.create'); expect(call.body).toMatchObject({ title: 'VPN down' });
 * ```
 */
export interface MockCall {
  /** The contract's operationId (`createTicket`); `null` for a path outside the contract. */
  operation: OperationId | null;
  /** The SDK method that sends it (`tickets.create`). */
  name: string | null;
  method: string;
  url: string;
  /** The path parameters, by the contract's names (`ticket_id`). */
  params: Record<string, string>;
  /** Query parameters: a repeated one is an array. */
  query: Record<string, string | string[]>;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The JSON body parsed; the text when it is not JSON; `undefined` when there was none. */
  body: unknown;
  /** The status answered; `0` for a network error the mock injected. */
  status: number;
  /** Whether the answer was an `Idempotency-Key` replay. */
  replayed: boolean;
  /** Whether a `mock.fail()` fault answered it. */
  faulted: boolean;
  /** Whether a `mock.override()` handler answered it (instead of the mock). */
  overridden: boolean;
  /** The mock clock when it arrived. */
  at: string;
}

export class CallLog {
  #calls: MockCall[] = [];

  /** @internal */
  record(call: MockCall): MockCall {
    this.#calls.push(call);
    return call;
  }

  /** Every call, or those of one operation (an SDK method path or an operationId). */
  list(name?: OperationName): readonly MockCall[] {
    if (name === undefined) return [...this.#calls];
    const { operationId } = operationNamed(name);
    return this.#calls.filter((call) => call.operation === operationId);
  }

  clear(): void {
    this.#calls = [];
  }
}

/** The body as a test wants to see it: an upload's form summarised, JSON parsed, else the text, else nothing. */
export function loggedBody(contentType: string | null, bytes: Uint8Array): unknown {
  if (isMultipart(contentType)) return formSummary(contentType!, bytes);
  const text = new TextDecoder().decode(bytes);
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
