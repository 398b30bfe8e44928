/**
 * Request body validation, in one place. The shape comes from the contract: the zod schemas
 * generated from `openapi/` (`src/generated/schemas.ts`), made strict because the server refuses
 * unknown fields. On top, the few rules of the server that the contract cannot express (a title
 * of spaces is blank, text cannot hold NUL, fields it trims) — the same answer as the server's:
 * a 400 `validation_failed` listing each invalid field.
 */
import { z } from 'zod';
import * as generated from '../generated/schemas.js';
import type { BodyOf, OperationId } from '../core/operations.js';
import type { components } from '../generated/api.js';
import { DIRECTORY_BODIES, DIRECTORY_TRIMMED } from './directory-bodies.js';
import { KB_BODIES } from './kb-bodies.js';
import { MockProblem } from './problems.js';
import { SERVICE_BODIES } from './service-bodies.js';

type FieldError = components['schemas']['FieldError'];
type Location = FieldError['location'];

/** The problem for zod issues, shaped as the server's (examples/server/src/http/input.ts). */
export function validationProblem(location: Location, issues: readonly z.core.$ZodIssue[]): MockProblem {
  const errors: FieldError[] = issues.map((issue) => ({ location, path: issue.path.map(String).join('.'), message: issue.message }));
  const first = errors[0];
  const detail = first ? `${first.path || location}: ${first.message}` : 'The input is invalid.';
  return new MockProblem(400, 'validation_failed', detail, errors);
}

/** Parses `value` with `schema`, or throws the 400 listing every invalid field. */
export function parseInput<S extends z.ZodType>(location: Location, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(location, result.error.issues);
  return result.data;
}

/** A rule of the server's beyond the contract: an error message for a field, or nothing. */
type Rule = (body: Record<string, unknown>) => { path: string; message: string } | undefined;

/** Fields the server trims before checking them, per operation. */
const TRIMMED: Partial<Record<OperationId, readonly string[]>> = {
  login: ['email'],
  createTicket: ['title'],
  updateTicket: ['title'],
  pendTicket: ['reason'],
  resolveTicket: ['resolution_notes'],
  reopenTicket: ['reason'],
  createUser: ['email', 'first_name', 'last_name', 'phone_number'],
  updateUser: ['email', 'first_name', 'last_name', 'phone_number', 'avatar_url'],
  updateCurrentUser: ['first_name', 'last_name', 'phone_number', 'avatar_url'],
  ...DIRECTORY_TRIMMED,
};

const containsNul = (value: unknown) => JSON.stringify(value ?? null).includes('\\u0000');

const noNul =
  (...fields: string[]): Rule =>
  (body) => {
    const field = fields.find((name) => containsNul(body[name]));
    return field === undefined ? undefined : { path: field, message: 'must not contain NUL characters' };
  };

const notBlank =
  (field: string): Rule =>
  (body) =>
    typeof body[field] === 'string' && body[field].trim() === '' ? { path: field, message: 'must not be blank' } : undefined;

const TICKET_TEXT = ['title', 'description', 'resolution_notes', 'environment', 'affected_services', 'metadata'];

const RULES: Partial<Record<OperationId, readonly Rule[]>> = {
  createTicket: [notBlank('title'), noNul(...TICKET_TEXT)],
  updateTicket: [notBlank('title'), noNul(...TICKET_TEXT)],
  pendTicket: [notBlank('reason'), noNul('reason')],
  resolveTicket: [notBlank('resolution_notes'), noNul('resolution_notes')],
  reopenTicket: [notBlank('reason'), noNul('reason')],
  createComment: [notBlank('body')],
  updateComment: [notBlank('body')],
};

/** The contract's schema of each implemented operation's JSON body. */
const BODIES: Partial<Record<OperationId, z.ZodObject>> = {
  login: generated.AuthLoginSchema,
  refreshTokens: generated.AuthRefreshSchema,
  logout: generated.AuthLogoutSchema,
  updateCurrentUser: generated.UserProfileUpdateSchema,
  createUser: generated.UserCreateSchema,
  updateUser: generated.UserUpdateSchema,
  createTicket: generated.TicketCreateSchema,
  updateTicket: generated.TicketUpdateSchema,
  assignTicket: generated.TicketAssignSchema,
  pendTicket: generated.TicketPendSchema,
  resolveTicket: generated.TicketResolveSchema,
  reopenTicket: generated.TicketReopenSchema,
  createComment: generated.CommentCreateSchema,
  updateComment: generated.CommentUpdateSchema,
  ...SERVICE_BODIES,
  ...DIRECTORY_BODIES,
  ...KB_BODIES,
};

const strictBodies = new Map<OperationId, z.ZodType>();

/**
 * The body of `operation`, validated as the server does; throws a 400 `validation_failed`
 * problem. An operation without a body schema takes only an empty object (`start`, `close`).
 */
export function parseBody<K extends OperationId>(operation: K, value: unknown): BodyOf<K> {
  let schema = strictBodies.get(operation);
  if (!schema) {
    const contract = BODIES[operation];
    schema = contract ? contract.strict() : z.strictObject({});
    strictBodies.set(operation, schema);
  }
  const input = trimmed(operation, value);
  const fields = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  // The server's own rules speak first for their fields (its schemas check them in the same step).
  const broken = (RULES[operation] ?? []).map((rule) => rule(fields)).filter((error) => error !== undefined);
  const result = schema.safeParse(input);
  const issues = [
    ...broken.map(({ path, message }): z.core.$ZodIssue => ({ code: 'custom', path: [path], message, input: fields[path] })),
    ...(result.success ? [] : result.error.issues.filter((issue) => !broken.some((error) => error.path === issue.path.map(String).join('.')))).map(inServerWords),
  ];
  if (issues.length > 0) throw validationProblem('body', issues);
  return result.data as BodyOf<K>;
}

/** Where the contract's generic wording and the server's differ, the server's. */
function inServerWords(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.path.length === 0 && issue.message === 'Too small: expected object to have >=1 properties') return { ...issue, message: 'must change at least one field' };
  if (issue.path.join('.') === 'tag_ids' && issue.message.startsWith('Items must be unique')) return { ...issue, message: 'must not repeat a tag' };
  return issue;
}

function trimmed(operation: OperationId, value: unknown): unknown {
  const fields = TRIMMED[operation];
  if (!fields || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  for (const field of fields) {
    const text = copy[field];
    if (typeof text === 'string') copy[field] = text.trim();
  }
  return copy;
}
