/**
 * Reading a live event stream in tests: opens `GET /v1/events` on an app in-process, parses the body
 * with eventsource-parser as it arrives, and lets a test wait for the next event or comment, or check
 * that nothing came. The harness's clients read whole bodies, which a stream never ends.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { App } from '../../src/app.js';
import { loadOpenApiDocument } from '../../src/openapi-document.js';
import { recordCoverage } from '../support/contract-coverage.js';
import { createContractValidator } from '../support/openapi-validator.js';

const document = loadOpenApiDocument();
const contract = createContractValidator(document);
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(document, 'openapi.json');
const validateEvent = ajv.compile({ $ref: 'openapi.json#/components/schemas/Event' });

export interface SseStream {
  response: Response;
  /** The `retry` the server asked for, once received. */
  retry: number | undefined;
  /**
   * The next event, or a failure after `timeoutMs`. Generous by default: on a PostgreSQL server shared
   * with other work (parallel test files creating databases), any transaction running anywhere in the
   * cluster holds events back for a while.
   */
  next(timeoutMs?: number): Promise<EventSourceMessage>;
  /** The next comment line (`open`, `heartbeat`), or a failure after `timeoutMs`. */
  nextComment(timeoutMs?: number): Promise<string>;
  /** Every event that arrives within `ms`. */
  collect(ms: number): Promise<EventSourceMessage[]>;
  /** Resolves when the server ends the body. */
  ended: Promise<void>;
  /** Disconnects, as a client closing the connection does. */
  cancel(): Promise<void>;
}

export interface OpenOptions {
  /** `Bearer …`. */
  authorization: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The parsed `data` of an event, after checking it against the contract's Event schema. */
export function envelope(message: EventSourceMessage): any {
  const value: unknown = JSON.parse(message.data);
  if (!validateEvent(value)) {
    throw new Error(`Event breaks the contract: ${ajv.errorsText(validateEvent.errors)}\n${message.data}`);
  }
  return value;
}

/** Opens a stream; for a 200, waits until the server says it is open (subscribed and reading). */
export async function openStream(app: App, path: string, options: OpenOptions): Promise<SseStream> {
  const response = await app.request(path, {
    headers: { authorization: options.authorization, ...options.headers },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const violations = contract.check({
    method: 'GET',
    url: `http://localhost${path}`,
    status: response.status,
    headers: response.headers,
    body: response.status === 200 ? undefined : await response.clone().json(),
  });
  if (violations.length > 0) throw new Error(`Response breaks the contract:\n  ${violations.join('\n  ')}`);
  recordCoverage('streamEvents', response.status);
  if (response.status !== 200 || !response.body) throw new Error(`expected a stream, got ${response.status}: ${await response.text()}`);

  const events = new Queue<EventSourceMessage>();
  const comments = new Queue<string>();
  const stream: SseStream = {
    response,
    retry: undefined,
    next: (timeoutMs = 20_000) => events.take(timeoutMs, 'event'),
    nextComment: (timeoutMs = 20_000) => comments.take(timeoutMs, 'comment'),
    collect: async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return events.drain();
    },
    ended: Promise.resolve(),
    cancel: () => reader.cancel(),
  };
  const parser = createParser({
    onEvent: (message) => events.put(message),
    onComment: (comment) => comments.put(comment),
    onRetry: (ms) => {
      stream.retry = ms;
    },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  stream.ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    events.close();
    comments.close();
  })();
  const opened = await stream.nextComment();
  if (opened !== 'open') throw new Error(`expected the stream to open with ": open", got ": ${opened}"`);
  return stream;
}

/** Items in arrival order, taken one at a time by waiting readers. */
class Queue<T> {
  private items: T[] = [];
  private waiters: ((item: T | undefined) => void)[] = [];
  private closed = false;

  put(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  drain(): T[] {
    return this.items.splice(0);
  }

  take(timeoutMs: number, what: string): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.closed) return Promise.reject(new Error(`the stream ended before the next ${what}`));
    return new Promise((resolve, reject) => {
      const waiter = (value: T | undefined) => {
        clearTimeout(timer);
        if (value === undefined) reject(new Error(`the stream ended before the next ${what}`));
        else resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((other) => other !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
