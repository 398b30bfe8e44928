/**
 * Turns the contract's operations into msw handlers, one per operation, under the mock's base URL,
 * and runs each request through the server's pipeline: a fault first if one is set, then
 * authentication, the `Idempotency-Key` replay, the operation's scope, and its handler inside a
 * store transaction (undone if it fails). An operation the kit does not implement yet answers
 * 501 naming it — never a made-up success. Requests to paths outside the contract get the
 * server's 404.
 */
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import type { OperationId } from '../core/operations.js';
import { authenticate, requireScope } from './auth.js';
import { loggedBody, type CallLog, type MockCall } from './calls.js';
import { codeForStatus, type Faults, type FaultOptions } from './faults.js';
import type { HandlerTable, OperationDefinition } from './operation.js';
import { OPERATIONS, type OperationSpec } from './operations.js';
import { isMultipart } from './multipart.js';
import { MockProblem, type ProblemBody } from './problems.js';
import { headerRecord, Incoming } from './request.js';
import { Work, type World } from './world.js';

/** An answer before it becomes a `Response`. */
interface Outcome {
  status: number;
  headers: Record<string, string>;
  /** JSON text, bytes sent as they are (a file), or null for no body. */
  body: string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null;
  replayed?: boolean;
}

export interface RouterParts {
  baseUrl: string;
  world: World;
  handlers: HandlerTable;
  calls: CallLog;
  faults: Faults;
  /** The server's background work, run before each request is answered (`backgroundJobs: 'auto'`). */
  background?: () => void;
}

const SAFE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's `X-Request-Id` when it is safe to echo, as on the server; a new id otherwise. */
export function requestIdFor(request: Request, world: World): string {
  const given = request.headers.get('x-request-id');
  return given && SAFE_REQUEST_ID.test(given) ? given : world.ids.uuid();
}

/** `/v1/tickets/{ticket_id}` → `/v1/tickets/:ticket_id`, msw's form. */
export const mswPath = (template: string) => template.replace(/\{(\w+)\}/g, ':$1');

export function buildHandlers(parts: RouterParts): HttpHandler[] {
  const routes = OPERATIONS.map((spec) =>
    http[spec.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](parts.baseUrl + mswPath(spec.path), ({ request, params }) =>
      serve(parts, spec, request, params as Record<string, string>),
    ),
  );
  // Anything else under the base URL: the server's answer to an unknown route.
  const unknown = http.all(`${parts.baseUrl}/*`, ({ request }) => serve(parts, null, request, {}));
  return [...routes, unknown];
}

async function serve(parts: RouterParts, spec: OperationSpec | null, request: Request, params: Record<string, string>): Promise<Response> {
  const { world } = parts;
  // Bytes first: an upload's content must reach its handler as sent, not through a text decoder.
  const bytes = new Uint8Array(await request.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const contentType = request.headers.get('content-type');
  const incoming = new Incoming(request.method, request.url, request.headers, params, text, bytes);
  incoming.signal = request.signal;
  const call = parts.calls.record({
    operation: spec?.operationId ?? null,
    name: spec?.sdkName ?? null,
    method: request.method,
    url: request.url,
    params,
    query: incoming.queryObject,
    headers: headerRecord(request.headers),
    body: loggedBody(contentType, bytes),
    status: 0,
    replayed: false,
    faulted: false,
    overridden: false,
    at: world.clock.now().toISOString(),
  } satisfies MockCall);
  const requestId = requestIdFor(request, world);

  const fault = spec ? parts.faults.take(spec.operationId) : undefined;
  if (fault) {
    call.faulted = true;
    if (fault.delay !== undefined) await delay(fault.delay);
    if (fault.networkError) return HttpResponse.error();
    if (fault.status !== undefined) return respond(call, requestId, faultOutcome(fault, incoming.path, requestId));
  }

  if (parts.background) {
    try {
      parts.background();
    } catch (error) {
      return respond(call, requestId, failure(error, incoming.path, requestId));
    }
  }
  const outcome = spec ? answer(parts, spec, incoming, requestId) : noRoute(world, incoming, requestId);
  return respond(call, requestId, outcome);
}

/** The server's 404 for a path outside the contract; under `/v1` only once authenticated, as there. */
function noRoute(world: World, req: Incoming, requestId: string): Outcome {
  try {
    if (req.path.startsWith('/v1/')) authenticate(world, req.header('authorization'));
    throw new MockProblem(404, 'not_found', `No route for ${req.method} ${req.path}.`);
  } catch (error) {
    return failure(error, req.path, requestId);
  }
}

function respond(call: MockCall, requestId: string, outcome: Outcome): Response {
  call.status = outcome.status;
  call.replayed = outcome.replayed === true;
  return new HttpResponse(outcome.body, { status: outcome.status, headers: { ...outcome.headers, 'X-Request-Id': requestId } });
}

function problemOutcome(problem: MockProblem, instance: string, requestId: string): Outcome {
  return {
    status: problem.status,
    headers: { ...problem.headers, 'Content-Type': 'application/problem+json' },
    body: JSON.stringify(problem.body(instance, requestId)),
  };
}

function faultOutcome(fault: FaultOptions, instance: string, requestId: string): Outcome {
  const status = fault.status!;
  const retryAfter = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) };
  const code = fault.code ?? codeForStatus(status);
  if (code === 'internal_error') {
    // The server's bare 500: a code outside the contract's list, and nothing about the cause.
    const body = {
      type: 'about:blank',
      title: 'Internal server error',
      status,
      detail: fault.detail ?? 'Something went wrong on our side. Quote the request id when reporting it.',
      instance,
      code,
      request_id: requestId,
    };
    return { status, headers: { 'Content-Type': 'application/problem+json', ...retryAfter }, body: JSON.stringify(body) };
  }
  const detail = fault.detail ?? `Injected by ticketflow/msw: ${status} ${code}.`;
  return problemOutcome(new MockProblem(status, code, detail, undefined, retryAfter), instance, requestId);
}

/** Runs the pipeline; every failure becomes its problem answer. */
function answer(parts: RouterParts, spec: OperationSpec, req: Incoming, requestId: string): Outcome {
  const { world } = parts;
  try {
    const definition = parts.handlers[spec.operationId] as OperationDefinition<OperationId> | undefined;
    if (!definition) {
      throw new MockProblem(501, 'not_implemented', `ticketflow/msw does not mock ${spec.operationId} (${spec.sdkName}, ${spec.method} ${spec.path}) yet; override it with server.use(), or see docs/msw.md.`);
    }
    if (new TextEncoder().encode(req.text).byteLength > world.settings.maxJsonBytes && !(req.header('content-type') ?? '').toLowerCase().startsWith('multipart/')) {
      throw new MockProblem(413, 'payload_too_large', `The body exceeds ${world.settings.maxJsonBytes} bytes.`);
    }
    if (definition.anonymous) return run(parts, definition, new Work(world, null), req, requestId);
    const actor = authenticate(world, req.header('authorization'));
    const work = new Work(world, actor);
    // An upload is received, and may be refused, before Idempotency-Key is looked at, as on the server.
    const identity = definition.receive && isMultipart(req.header('content-type')) ? definition.receive({ world, work, req }) : undefined;
    const key = req.method === 'POST' ? req.header('idempotency-key') : undefined;
    if (key === undefined) return run(parts, definition, work, req, requestId, () => requireScope(actor, definition.scope, req.method));
    return idempotent(parts, definition, work, req, requestId, key, identity);
  } catch (error) {
    return failure(error, req.path, requestId);
  }
}

function run(parts: RouterParts, definition: OperationDefinition<OperationId>, work: Work, req: Incoming, requestId: string, guard?: () => void, store?: (outcome: Outcome) => void): Outcome {
  try {
    return parts.world.store.transaction(() => {
      guard?.();
      const result = definition.handle({ world: parts.world, work, req });
      if ('problem' in result) return problemOutcome(result.problem, req.path, requestId);
      if ('stream' in result) return { status: result.status, headers: result.headers, body: result.stream };
      const outcome: Outcome = {
        status: result.status,
        headers: { ...(result.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...result.headers },
        body: result.raw ?? (result.body === undefined ? null : JSON.stringify(result.body)),
      };
      store?.(outcome);
      return outcome;
    });
  } catch (error) {
    return failure(error, req.path, requestId);
  }
}

/** Response headers a replay repeats; the rest (the request id) belong to the replay. */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

/**
 * `Idempotency-Key` on a POST, per caller: a first request runs and its successful answer is kept
 * for 24 hours (mock time); the same request again gets that answer with `Idempotent-Replayed`;
 * the key with a different request is a 422. Failed requests keep nothing, so they can be retried.
 */
function idempotent(parts: RouterParts, definition: OperationDefinition<OperationId>, work: Work, req: Incoming, requestId: string, key: string, identity?: string): Outcome {
  if (key.length < 1 || key.length > 255) {
    throw new MockProblem(400, 'validation_failed', 'Idempotency-Key must be 1 to 255 characters.', [
      { location: 'header', path: 'Idempotency-Key', message: 'must be 1 to 255 characters' },
    ]);
  }
  const { world } = parts;
  const { idempotency } = world.store.tables;
  const id = `${work.me.id} ${key}`;
  const requestHash = `${req.method} ${req.path}\n${identity ?? req.text}`;
  const now = world.clock.now();
  const stored = idempotency.get(id);
  if (stored && Date.parse(stored.expires_at) > now.getTime()) {
    if (stored.request_hash !== requestHash) throw new MockProblem(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
    return { status: stored.status, headers: { ...stored.headers, 'Idempotent-Replayed': 'true' }, body: stored.body, replayed: true };
  }
  return run(parts, definition, work, req, requestId, () => requireScope(work.me, definition.scope, req.method), (outcome) => {
    if (outcome.status >= 400 || outcome.body instanceof Uint8Array || outcome.body instanceof ReadableStream) return;
    const headers = Object.fromEntries(Object.entries(outcome.headers).filter(([name]) => REPLAYED_HEADERS.includes(name.toLowerCase())));
    idempotency.put({ id, request_hash: requestHash, status: outcome.status, headers, body: outcome.body, expires_at: new Date(now.getTime() + 24 * 3600 * 1000).toISOString() });
  });
}

function failure(error: unknown, instance: string, requestId: string): Outcome {
  if (error instanceof MockProblem) return problemOutcome(error, instance, requestId);
  // A bug in the mock: answered as the server answers its own bugs, with the cause in the detail.
  const body: Omit<ProblemBody, 'code'> & { code: string } = {
    type: 'about:blank',
    title: 'Internal server error',
    status: 500,
    detail: `ticketflow/msw failed: ${error instanceof Error ? error.message : String(error)}`,
    instance,
    code: 'internal_error',
    request_id: requestId,
  };
  return { status: 500, headers: { 'Content-Type': 'application/problem+json' }, body: JSON.stringify(body) };
}
