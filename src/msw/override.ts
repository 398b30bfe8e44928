/**
 * `mock.override()`: an msw handler for one operation whose answers are checked against the
 * contract at compile time — only a status the operation declares, with that status's body and
 * the headers it requires. Built on msw's `http`, under the mock's base URL and the contract's
 * path, so it goes in front of the mock with `server.use()`; a resolver that returns nothing hands
 * the request on to the mock. Its answers are logged in `mock.calls()` like the mock's own.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { components, operations } from '../generated/api.js';
import type { OperationId } from '../core/operations.js';
import { loggedBody, type CallLog } from './calls.js';
import { codeForStatus } from './faults.js';
import type { World } from './world.js';
import { MockProblem } from './problems.js';
import { operationNamed, type OperationIdOf, type SdkOperationName } from './operations.js';
import { headerRecord, queryRecord } from './request.js';
import { mswPath, requestIdFor } from './router.js';

type ProblemCode = components['schemas']['ProblemCode'];

/**
 * A status the contract declares for operation `K`.
 *
 * @example
 * ```ts
 * const statuses: StatusOf<'getTicket'>[] = [200, 404]; // 201 would not compile
 * ```
 */
export type StatusOf<K extends OperationId> = keyof operations[K]['responses'] & number;

/** JSON bodies are given as values; a file or an event stream as the bytes to send. */
type ContentBody<R> = R extends { content: infer Content }
  ? Content extends { 'application/json': infer Body }
    ? Body
    : Content extends { 'application/problem+json': infer Body }
      ? Body
      : BodyInit
  : null | undefined;

/** Headers the mock sets itself: the request id, and `Idempotent-Replayed` (only ever on a replay). */
type AutomaticHeader = 'X-Request-Id' | 'Idempotent-Replayed';

type DeclaredHeaders<R> = R extends { headers: infer Headers } ? Headers : object;

/** The named headers, without the `[name: string]: unknown` that would swallow them when indexed. */
type NamedHeader<Headers> = keyof { [H in keyof Headers as string extends H ? never : H]: unknown };

/** The response headers the contract requires at that status (an `ETag`, a `Location`). */
type RequiredHeaderName<R> = Exclude<
  { [H in NamedHeader<DeclaredHeaders<R>>]: object extends Pick<DeclaredHeaders<R>, H> ? never : H }[NamedHeader<DeclaredHeaders<R>>],
  AutomaticHeader
>;

/**
 * The options of an override's `reply()`: response headers, which must include those the
 * contract requires at that status.
 *
 * @example
 * ```ts
 * const init: ReplyInit<'getTicket', 200> = { headers: { ETag: '"3"' } };
 * ```
 */
export type ReplyInit<K extends OperationId, S extends StatusOf<K>> = [RequiredHeaderName<operations[K]['responses'][S]>] extends [never]
  ? { headers?: Record<string, string> }
  : { headers: Record<RequiredHeaderName<operations[K]['responses'][S]> & string, string> & Record<string, string> };

/** `reply(status, body, init)`, with `body` and `init` optional where the contract allows. */
type ReplyArguments<K extends OperationId, S extends StatusOf<K>> = [RequiredHeaderName<operations[K]['responses'][S]>] extends [never]
  ? undefined extends ContentBody<operations[K]['responses'][S]>
    ? [body?: ContentBody<operations[K]['responses'][S]>, init?: ReplyInit<K, S>]
    : [body: ContentBody<operations[K]['responses'][S]>, init?: ReplyInit<K, S>]
  : [body: ContentBody<operations[K]['responses'][S]>, init: ReplyInit<K, S>];

type ErrorStatusOf<K extends OperationId> = Extract<StatusOf<K>, 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 503>;

declare const answered: unique symbol;

/**
 * An answer built by an override's helpers for operation `K`: the only kind of answer an override
 * resolver may return, which is what makes it checked.
 *
 * @example
 * ```ts
 * const resolver = ({ reply }: OverrideInfo<'getHealth'>): OverrideReply<'getHealth'> => reply(200, { status: 'ok' });
 * ```
 */
export interface OverrideReply<K extends OperationId> {
  readonly [answered]: K;
  /** The `Response` msw sends. */
  readonly response: Response;
}

/**
 * What an override's resolver receives: the request, its path parameters by the contract's names,
 * its query, and the helpers that build a checked answer.
 *
 * @example
 * ```ts
 * mock.override('tickets.get', ({ params, reply }) => reply(200, { ...ticket, id: params.ticket_id }, { headers: { ETag: '"1"' } }));
 * ```
 */
export interface OverrideInfo<K extends OperationId> {
  /** The request as sent (read its body with `await request.json()`). */
  request: Request;
  /** The path parameters, such as `ticket_id`. */
  params: PathParamsOf<K>;
  /** The query string. */
  query: URLSearchParams;
  /**
   * Answers with a status the contract declares for the operation, that status's body (JSON as a
   * value; a file or an event stream as what to send; none for a 204) and the headers it requires.
   */
  reply: <S extends StatusOf<K>>(status: S, ...rest: ReplyArguments<K, S>) => OverrideReply<K>;
  /**
   * Answers with a problem+json error the contract declares for the operation, filled in as the
   * server fills it: `type`, `title`, `instance`, `request_id`, and `code` (the server's code for
   * the status unless given).
   */
  problem: (status: ErrorStatusOf<K>, fields: ProblemFields, init?: { headers?: Record<string, string> }) => OverrideReply<K>;
  /** Fails the connection instead of answering, as `mock.fail(…, { networkError: true })` does. */
  networkError: () => OverrideReply<K>;
}

/**
 * The fields of a problem an override gives; the rest is filled in.
 *
 * @example
 * ```ts
 * const fields: ProblemFields = { detail: 'No ticket with this id.' };
 * ```
 */
export interface ProblemFields {
  detail: string;
  code?: ProblemCode;
  errors?: components['schemas']['FieldError'][];
}

/**
 * The path parameters of operation `K`, by the contract's names.
 *
 * @example
 * ```ts
 * const params: PathParamsOf<'getComment'> = { ticket_id: ticketId, comment_id: commentId };
 * ```
 */
export type PathParamsOf<K extends OperationId> = operations[K]['parameters'] extends { path: infer Path } ? { [P in keyof Path]: string } : Record<string, never>;

/**
 * An override's resolver: a checked answer, or nothing to hand the request on to the mock.
 *
 * @example
 * ```ts
 * const onlyFirstPage: OverrideResolver<'listTickets'> = ({ query, reply }) => (query.has('cursor') ? undefined : reply(200, { data: [], next_cursor: null }));
 * ```
 */
export type OverrideResolver<K extends OperationId> = (info: OverrideInfo<K>) => OverrideReply<K> | undefined | void | Promise<OverrideReply<K> | undefined | void>;

/**
 * An operation by its SDK method path (`tickets.get`) or operationId (`getTicket`), as the
 * compiler knows them: a misspelt one does not compile.
 *
 * @example
 * ```ts
 * const names: OverridableOperation[] = ['tickets.get', 'getTicket'];
 * ```
 */
export type OverridableOperation = OperationId | SdkOperationName;

/** Operations whose success body is sent as it is (a file, an event stream), not as JSON. */
const RAW_SUCCESS = new Set<OperationId>(['downloadAttachment', 'streamEvents']);

interface OverrideParts {
  baseUrl: string;
  world: World;
  calls: CallLog;
}

export function overrideHandler<N extends OverridableOperation>(parts: OverrideParts, name: N, resolver: OverrideResolver<OperationIdOf<N>>): HttpHandler {
  if (typeof resolver !== 'function') throw new TypeError('ticketflow/msw: override() takes an operation and a resolver function');
  const spec = operationNamed(name);
  const method = spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  return http[method](parts.baseUrl + mswPath(spec.path), async ({ request, params }) => {
    const url = new URL(request.url);
    // Drawn only when answering, so an override that hands on leaves the mock's seeded ids as they were.
    let requestId: string | undefined;
    const idOfAnswer = () => (requestId ??= requestIdFor(request, parts.world));
    // The one place a `Response` becomes a checked answer: the helpers below, typed by the contract.
    const answer = (response: Response) => ({ response }) as unknown as OverrideReply<OperationIdOf<N>>;
    const build = (status: number, body: unknown, headers: Record<string, string> | undefined) => {
      const isJson = body !== undefined && body !== null && !(status < 300 && RAW_SUCCESS.has(spec.operationId));
      const contentType = isJson ? { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } : {};
      const payload = isJson ? JSON.stringify(body) : ((body ?? null) as BodyInit | null);
      return answer(new Response(payload, { status, headers: { ...contentType, ...headers, 'X-Request-Id': idOfAnswer() } }));
    };
    const info = {
      request: request.clone(),
      params: params as PathParamsOf<OperationIdOf<N>>,
      query: url.searchParams,
      reply: (status: number, body?: unknown, init?: { headers?: Record<string, string> }) => build(status, body, init?.headers),
      problem: (status: number, fields: ProblemFields, init?: { headers?: Record<string, string> }) => {
        // Every status an override may answer as a problem has a code in the server's table.
        const code = fields.code ?? (codeForStatus(status) as ProblemCode);
        return build(status, new MockProblem(status, code, fields.detail, fields.errors).body(url.pathname, idOfAnswer()), init?.headers);
      },
      networkError: () => answer(HttpResponse.error()),
    } as OverrideInfo<OperationIdOf<N>>;
    const result = await resolver(info);
    if (result === undefined) return undefined;
    parts.calls.record({
      operation: spec.operationId,
      name: spec.sdkName,
      method: request.method,
      url: request.url,
      params: params as Record<string, string>,
      query: queryRecord(url.searchParams),
      headers: headerRecord(request.headers),
      body: loggedBody(request.headers.get('content-type'), new Uint8Array(await request.clone().arrayBuffer())),
      status: result.response.type === 'error' ? 0 : result.response.status,
      replayed: false,
      faulted: false,
      overridden: true,
      at: parts.world.clock.now().toISOString(),
    });
    return result.response;
  });
}
