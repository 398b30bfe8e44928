/**
 * How an operation is mocked: a handler gets the request and the unit of work, and returns an
 * answer whose body type is the contract's result for that operation — so a mocked answer that
 * does not match the contract does not compile. Errors are thrown as `MockProblem`s (the request's
 * changes are undone), or returned with `refuse()` when the changes must stand (a failed login
 * still counts towards a lockout).
 */
import type { OperationId, ResultOf } from '../core/operations.js';
import type { ScopeArea } from './auth.js';
import type { MockProblem } from './problems.js';
import type { Incoming } from './request.js';
import type { Work, World } from './world.js';

/** A successful answer with a body of type `T`. */
export interface Answer<T> {
  readonly status: number;
  readonly body: T;
  readonly headers?: Record<string, string>;
  /** Bytes sent as they are in place of `body` as JSON (a file's content); `headers` give their Content-Type. */
  readonly raw?: Uint8Array<ArrayBuffer>;
}

/** An error answer whose changes are kept. */
export interface Refused {
  readonly status: number;
  readonly problem: MockProblem;
}

/** What a handler of operation `K` returns: its contract result (nothing for a 204), or a refusal. */
export type AnswerOf<K extends OperationId> = ([ResultOf<K>] extends [void] ? Answer<undefined> : Answer<ResultOf<K>>) | Refused | (K extends 'streamEvents' ? Streamed : never);

/** An answer whose body goes on after the request (the live event stream): written to as it runs. */
export interface Streamed {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly stream: ReadableStream<Uint8Array>;
}

export interface HandlerContext {
  world: World;
  work: Work;
  req: Incoming;
}

export interface OperationDefinition<K extends OperationId> {
  /** Served without credentials (login, refresh, logout, health). */
  anonymous?: true;
  /** The API key scope area the operation belongs to; none: any valid caller. */
  scope?: ScopeArea;
  /**
   * For a request sent as `multipart/*` (an upload): what the server's upload middleware does after
   * authentication and before `Idempotency-Key` is looked at — it may refuse the request. Returns
   * what identifies the upload to `Idempotency-Key` in place of the body's bytes (the server hashes
   * the file's digest, name, type and description, not the multipart framing). Must not write.
   */
  receive?(context: HandlerContext): string;
  handle(context: HandlerContext): AnswerOf<K>;
}

/** Handlers by operationId; one module per area contributes some. */
export type HandlerTable = { [K in OperationId]?: OperationDefinition<K> };

export const ok = <T>(body: T, headers?: Record<string, string>): Answer<T> => ({ status: 200, body, ...(headers ? { headers } : {}) });

export const created = <T>(body: T, headers?: Record<string, string>): Answer<T> => ({ status: 201, body, ...(headers ? { headers } : {}) });

export const accepted = <T>(body: T): Answer<T> => ({ status: 202, body });

export const noContent = (): Answer<undefined> => ({ status: 204, body: undefined });

/** An error answer that keeps the request's changes. */
export const refuse = (problem: MockProblem): Refused => ({ status: problem.status, problem });
