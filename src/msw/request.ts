/**
 * One incoming request, read once (the body as text), with the server's ways of reading input:
 * path parameters, query parameters (a repeated one is an array), a JSON body (415 when not sent
 * as JSON, 400 when not JSON, then validated), and `If-Match`.
 */
import type { z } from 'zod';
import type { BodyOf, OperationId } from '../core/operations.js';
import { fieldProblem, MockProblem } from './problems.js';
import { parseBody, parseInput } from './validate.js';

export class Incoming {
  readonly url: URL;

  constructor(
    readonly method: string,
    url: string,
    readonly headers: Headers,
    readonly pathParams: Record<string, string>,
    /** The body as text; empty when none was sent. */
    readonly text: string,
    /** The body as sent (an upload's bytes, which text would mangle). */
    readonly bytes: Uint8Array = new TextEncoder().encode(text),
  ) {
    this.url = new URL(url);
  }

  /** Aborted when the client goes away (a live stream ends with it); set by the router. */
  signal: AbortSignal | null = null;

  /** The request path, such as `/v1/tickets/…` (without the query). */
  get path(): string {
    return this.url.pathname;
  }

  header(name: string): string | undefined {
    return this.headers.get(name) ?? undefined;
  }

  /** Query parameters: once → a string, repeated → an array, as Hono's `c.req.queries()` reads them. */
  get queryObject(): Record<string, string | string[]> {
    return queryRecord(this.url.searchParams);
  }

  params<S extends z.ZodType>(schema: S): z.output<S> {
    return parseInput('path', schema, this.pathParams);
  }

  query<S extends z.ZodType>(schema: S): z.output<S> {
    return parseInput('query', schema, this.queryObject);
  }

  /** The JSON body of `operation`, which must be sent as `application/json`. */
  json<K extends OperationId>(operation: K): BodyOf<K> {
    const type = this.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json' && !type?.endsWith('+json')) {
      throw new MockProblem(415, 'unsupported_media_type', 'Send the body as application/json.');
    }
    let value: unknown;
    try {
      value = JSON.parse(this.text);
    } catch {
      throw new MockProblem(400, 'malformed_request', 'The body is not valid JSON.');
    }
    return parseBody(operation, value);
  }

  /** A body the operation may leave out entirely: blank reads as `{}`. */
  optionalJson<K extends OperationId>(operation: K): BodyOf<K> {
    if (this.text.trim() === '') return parseBody(operation, {});
    return this.json(operation);
  }

  /**
   * The versions `If-Match` allows, or `null` when any will do (no header, or `*`). Weak tags
   * never match a write (RFC 9110), so a header of only weak tags allows none.
   */
  ifMatch(): number[] | null {
    const header = this.header('if-match');
    if (header === undefined || header.trim() === '*') return null;
    const versions: number[] = [];
    for (const tag of header.split(',').map((part) => part.trim())) {
      const match = /^(W\/)?"(\d{1,9})"$/.exec(tag);
      if (!match) {
        throw fieldProblem('header', 'If-Match', 'must be "*" or a list of entity tags such as "3"', 'If-Match must be "*" or entity tags such as "3", as sent in ETag.');
      }
      if (!match[1]) versions.push(Number(match[2]));
    }
    return versions;
  }
}

/** A query string as the request log shows it: a repeated parameter is an array. */
export function queryRecord(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  search.forEach((value, key) => {
    const held = out[key];
    out[key] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
  });
  return out;
}

/** Request headers as the request log shows them: lower-case names. */
export function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}
