/**
 * Reading request input through zod schemas. Every failure is a 4xx problem that names the
 * offending fields; a handler only ever sees input that matches the contract.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../context.js';
import { Problem, type FieldError } from './problem.js';

type Location = FieldError['location'];

function validationProblem(location: Location, issues: z.core.$ZodIssue[]): Problem {
  const errors: FieldError[] = issues.map((issue) => ({
    location,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = errors[0];
  const detail = first ? `${first.path || location}: ${first.message}` : 'The input is invalid.';
  return new Problem(400, 'validation_failed', detail, errors);
}

/** Parses `value` with `schema`, or throws a 400 problem listing every invalid field. */
export function parseInput<S extends z.ZodType>(location: Location, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(location, result.error.issues);
  return result.data;
}

/** The JSON body, which must be sent as `application/json`. */
export async function readJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new Problem(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await bodyText(c);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Problem(400, 'malformed_request', 'The body is not valid JSON.');
  }
  return parseInput('body', schema, value);
}

/** Query parameters; a parameter given twice is an array, so schemas can accept repeated filters. */
export function readQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  assertDecodableQuery(c.req.url);
  const all = c.req.queries();
  const value = Object.fromEntries(Object.entries(all).map(([key, values]) => [key, values.length === 1 ? values[0] : values]));
  return parseInput('query', schema, value);
}

/** Path parameters. */
export function readParams<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.output<S> {
  return parseInput('path', schema, c.req.param());
}

/**
 * A body an operation may leave out entirely (`POST …/close`, `POST …/cancel` with or without a
 * reason): an empty or blank body reads as `{}`; anything sent must still be valid JSON of the
 * right type.
 */
export async function readOptionalJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  if ((await bodyText(c)).trim() === '') return parseInput('body', schema, {});
  return readJson(c, schema);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text. Read as bytes and decoded strictly: JSON must be UTF-8 (RFC 8259), and a
 * lenient decoder would turn invalid bytes into U+FFFD and store them as if the client had sent
 * them. (Reading bytes also keeps Hono's body cache exact for later reads.)
 */
async function bodyText(c: Context<AppEnv>): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  try {
    return utf8.decode(bytes);
  } catch {
    throw new Problem(400, 'malformed_request', 'The body is not valid UTF-8.');
  }
}

/**
 * Hono keeps a `%` escape it cannot decode (`%FF`, `%zz`, a lone `%`) as literal text, so
 * `q=%FF` would search for the three characters "%FF". Such a query is malformed, not a value.
 */
function assertDecodableQuery(url: string): void {
  const start = url.indexOf('?');
  if (start === -1) return;
  for (const part of url.slice(start + 1).split(/[&=]/)) {
    try {
      decodeURIComponent(part.replaceAll('+', ' '));
    } catch {
      throw new Problem(400, 'malformed_request', 'The query string is not valid percent-encoded UTF-8.');
    }
  }
}
