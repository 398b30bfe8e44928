/**
 * Whole invalid requests for one operation of the contract. Each starts as a valid request (ids of
 * rows that exist, required parameters, a valid body, the caller's token) and gets exactly one
 * fault, drawn from the families the operation has: the body against its schema, the body's bytes
 * (malformed JSON, invalid UTF-8, over the size limit, the wrong Content-Type, broken uploads), a
 * path parameter (malformed, or the id of nothing), a query parameter, the cursor, a header
 * (If-Match, Idempotency-Key, Last-Event-ID), or the credentials.
 */
import fc from 'fast-check';
import type { Contract, Operation, Parameter } from './contract-operations.js';
import { invalidValue } from './invalid-values.js';
import { invalidText, queryPairs, show, textToUrl, validText, type Text } from './parameter-values.js';
import { badUploads, hugeJson, invalidUtf8, malformedJson, validUpload, wrongContentType, type RawBody } from './raw-bodies.js';
import { validValue } from './valid-values.js';

export interface BadRequest {
  method: string;
  /** Path and query, percent-encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The kind of fault: `body`, `path`, `cursor`, `credentials`, … */
  family: string;
  /** The fault, in words. */
  why: string;
  /**
   * Set when a server may rightly answer 2xx: a cursor whose keys were rewritten but still have the
   * shape of a sort key is indistinguishable from one the server issued. Such a request may still
   * never write, fail with a 5xx, or answer an error that is not a problem.
   */
  mayBeAccepted?: true;
}

/** What the generators need from the world: ids that exist, the caller, and material to forge with. */
export interface Setting {
  /** An existing row's id (or a version number) for a path parameter. */
  pathValue(name: string): string;
  /** The caller's `Authorization` header. */
  authorization: string;
  /** Credentials that must not work: expired, forged, for nobody. */
  badAuthorizations: string[];
  /** Cursors this list really issued to this caller, to tamper with. */
  cursors: string[];
  /** Cursors other lists issued. */
  foreignCursors: string[];
  /** The server's JSON body limit in bytes. */
  maxJsonBytes: number;
}

interface Plan {
  path: Record<string, Text>;
  query: [string, Text][];
  headers: Record<string, string>;
  body?: RawBody;
  family: string;
  why: string;
  mayBeAccepted?: true;
}

interface Family {
  weight: number;
  arbitrary: fc.Arbitrary<Plan>;
}

/** Invalid requests for `operation`, sent by the caller of `setting`. */
export function badRequests(contract: Contract, operation: Operation, setting: Setting): fc.Arbitrary<BadRequest> {
  const families = [
    ...bodyFamilies(contract, operation, setting),
    ...pathFamilies(contract, operation, setting),
    ...queryFamilies(contract, operation, setting),
    ...headerFamilies(contract, operation, setting),
    ...authFamilies(contract, operation, setting),
  ];
  if (families.length === 0) throw new Error(`${operation.id} takes no input that could be wrong`);
  return fc.oneof(...families).map((plan) => toRequest(operation, plan));
}

/** The operations with no input at all (the health checks): nothing about a request to them can be wrong. */
export function takesInput(operation: Operation): boolean {
  return !operation.anonymous || operation.parameters.length > 0 || operation.body !== undefined;
}

function toRequest(operation: Operation, plan: Plan): BadRequest {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => textToUrl(plan.path[name] ?? ''));
  const query = plan.query.map(([name, value]) => `${encodeURIComponent(name)}=${textToUrl(value)}`).join('&');
  const headers = { ...plan.headers };
  if (plan.body?.contentType !== undefined) headers['content-type'] = plan.body.contentType;
  return {
    method: operation.method,
    url: query === '' ? path : `${path}?${query}`,
    headers,
    ...(plan.body === undefined ? {} : { body: plan.body.bytes }),
    family: plan.family,
    why: plan.why,
    ...(plan.mayBeAccepted ? { mayBeAccepted: true as const } : {}),
  };
}

/** The valid request every fault is put into. */
function validPlan(contract: Contract, operation: Operation, setting: Setting): fc.Arbitrary<Plan> {
  const path = Object.fromEntries(
    operation.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => [parameter.name, setting.pathValue(parameter.name)]),
  );
  const required = operation.parameters.filter((parameter) => parameter.in === 'query' && parameter.required);
  const query = fc.tuple(...required.map((parameter) => validText(parameter).map((texts) => queryPairs(parameter, texts)))).map((pairs) => pairs.flat());
  const body = validBody(operation);
  // Sent whenever the operation takes one, as careful clients do: the server claims the key in the
  // database before the handler runs, so a refusal that failed to roll back would leave it behind.
  const takesKey = operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key');
  const key = takesKey ? fc.uuid().map((uuid): Record<string, string> => ({ 'idempotency-key': uuid })) : fc.constant({});
  return fc.record({ query, body, key }).map(({ query: pairs, body: raw, key: keyHeader }) => ({
    path,
    query: pairs,
    headers: { authorization: setting.authorization, ...keyHeader },
    ...(raw === undefined ? {} : { body: raw }),
    family: '',
    why: '',
  }));
}

function validBody(operation: Operation): fc.Arbitrary<RawBody | undefined> {
  const { body } = operation;
  if (!body) return fc.constant(undefined);
  if (body.mediaType === 'multipart/form-data') return fc.constant(validUpload);
  return validValue(body.schema).map((value) => ({ bytes: JSON.stringify(value), contentType: body.mediaType, why: '' }));
}

/** Replaces one part of the valid request. */
const withFault = (contract: Contract, operation: Operation, setting: Setting, family: string, fault: fc.Arbitrary<(plan: Plan) => Plan>) =>
  fc.tuple(validPlan(contract, operation, setting), fault).map(([plan, apply]) => ({ ...apply(plan), family }));

function bodyFamilies(contract: Contract, operation: Operation, setting: Setting): Family[] {
  const { body } = operation;
  if (!body) return [];
  const replaceBody = (family: string, raw: fc.Arbitrary<RawBody>) =>
    withFault(contract, operation, setting, family, raw.map((bytes) => (plan: Plan) => ({ ...plan, body: bytes, why: bytes.why })));
  if (body.mediaType === 'multipart/form-data') return [{ weight: 6, arbitrary: replaceBody('upload', badUploads()) }];

  const valid = validValue(body.schema);
  const text = valid.map((value) => JSON.stringify(value));
  const schemaBreaker = invalidValue(body.schema, contract.allows);
  const families: Family[] = [
    { weight: 1, arbitrary: replaceBody('malformed JSON', malformedJson(text, body.required)) },
    { weight: 1, arbitrary: replaceBody('invalid UTF-8', invalidUtf8(text)) },
    { weight: 1, arbitrary: replaceBody('huge body', hugeJson(valid, setting.maxJsonBytes)) },
    { weight: 1, arbitrary: replaceBody('content type', wrongContentType(text)) },
  ];
  if (schemaBreaker) {
    const broken = schemaBreaker.map(({ value, why }) => ({
      bytes: JSON.stringify(value) ?? '',
      contentType: body.mediaType,
      why: `body ${why}`,
    }));
    families.push({ weight: 8, arbitrary: replaceBody('body schema', broken) });
  }
  return families;
}

function pathFamilies(contract: Contract, operation: Operation, setting: Setting): Family[] {
  const parameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  if (parameters.length === 0) return [];
  const malformed = fc.oneof(
    ...parameters.map((parameter) =>
      invalidText(contract, parameter).map(({ texts, why }) => (plan: Plan) => ({
        ...plan,
        path: { ...plan.path, [parameter.name]: texts[0]! },
        why: `path ${parameter.name}: ${why}`,
      })),
    ),
  );
  // Well formed, but the id of nothing: the server must say 404 (or 422), not write or fail.
  const unknown = fc.oneof(
    ...parameters.map((parameter) =>
      missingId(parameter).map((value) => (plan: Plan) => ({ ...plan, path: { ...plan.path, [parameter.name]: value }, why: `path ${parameter.name}: no such row (${value})` })),
    ),
  );
  return [
    { weight: 3, arbitrary: withFault(contract, operation, setting, 'path', malformed) },
    { weight: 2, arbitrary: withFault(contract, operation, setting, 'unknown id', unknown) },
  ];
}

const missingId = (parameter: Parameter): fc.Arbitrary<string> =>
  parameter.schema.type === 'integer' ? fc.integer({ min: 1000, max: parameter.schema.maximum ?? 2 ** 31 - 1 }).map(String) : fc.uuid();

function queryFamilies(contract: Contract, operation: Operation, setting: Setting): Family[] {
  const parameters = operation.parameters.filter((parameter) => parameter.in === 'query');
  const families: Family[] = [];
  const others = (plan: Plan, name: string) => plan.query.filter(([key]) => key !== name);
  if (parameters.length > 0) {
    const bad = fc.oneof(
      ...parameters.map((parameter) =>
        invalidText(contract, parameter).map(({ texts, why }) => (plan: Plan) => ({
          ...plan,
          query: [...others(plan, parameter.name), ...queryPairs(parameter, texts)],
          why: `query ${parameter.name}: ${why}`,
        })),
      ),
    );
    families.push({ weight: 4, arbitrary: withFault(contract, operation, setting, 'query', bad) });
  }
  const required = parameters.filter((parameter) => parameter.required);
  if (required.length > 0) {
    const missing = fc.constantFrom(...required).map((parameter) => (plan: Plan) => ({
      ...plan,
      query: others(plan, parameter.name),
      why: `query ${parameter.name}: missing`,
    }));
    families.push({ weight: 1, arbitrary: withFault(contract, operation, setting, 'query', missing) });
  }
  const cursor = parameters.find((parameter) => parameter.name === 'cursor');
  if (cursor) families.push({ weight: 3, arbitrary: withFault(contract, operation, setting, 'cursor', badCursor(operation, setting)) });
  return families;
}

/**
 * Cursors the list never issued: junk, too long, another list's, and this list's own with its sort
 * key rewritten (ill-typed keys must be refused; well-typed ones may be served, see `mayBeAccepted`),
 * and this list's own cursor reused with other filters.
 */
function badCursor(operation: Operation, setting: Setting): fc.Arbitrary<(plan: Plan) => Plan> {
  const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
  const strict = fc.oneof(
    fc.constantFrom('null', '0', 'eyJ9', '!!!', '%', 'x'.repeat(1025)).map((value) => ({ value, why: `junk ${show(value)}` })),
    fc.string({ minLength: 1, maxLength: 60 }).map((value) => ({ value, why: `random ${show(value)}` })),
    fc.base64String({ minLength: 4, maxLength: 80 }).map((value) => ({ value, why: `random base64 ${value}` })),
    fc.jsonValue().map((payload) => ({ value: encode(payload), why: `forged ${JSON.stringify(payload)?.slice(0, 60)}` })),
    fc.record({ f: fc.string(), k: fc.array(fc.oneof(fc.string(), fc.integer())) }).map((payload) => ({ value: encode(payload), why: `forged fingerprint ${JSON.stringify(payload).slice(0, 60)}` })),
    ...(setting.foreignCursors.length > 0 ? [fc.constantFrom(...setting.foreignCursors).map((value) => ({ value, why: "another list's cursor" }))] : []),
  );
  const rewritten = setting.cursors.length === 0
    ? []
    : [
        fc.tuple(fc.constantFrom(...setting.cursors), sortKeys()).map(([value, { keys, what, wellTyped }]) => {
          const payload = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { f: string; k: unknown[] };
          return { value: encode({ ...payload, k: keys(payload.k) }), why: `a real cursor with its key rewritten (${what})`, refused: !wellTyped };
        }),
        // Mostly lands in the sort key, and mostly leaves it well typed.
        fc.tuple(fc.constantFrom(...setting.cursors), fc.nat()).map(([value, at]) => ({ value: flipOne(value, at), why: 'a real cursor with one character changed', refused: false })),
      ];
  const bad = fc
    .oneof(strict.map(({ value, why }) => ({ value, why, refused: true })), ...rewritten)
    .map(({ value, why, refused }) => (plan: Plan) => ({
      ...plan,
      query: [...plan.query.filter(([name]) => name !== 'cursor'), ['cursor', value] as [string, Text]],
      why: `cursor: ${why}`,
      ...(refused ? {} : { mayBeAccepted: true as const }),
    }));
  const rebound = reusedWithOtherFilters(operation, setting);
  return rebound ? fc.oneof({ weight: 4, arbitrary: bad }, { weight: 1, arbitrary: rebound }) : bad;
}

/** A cursor this list issued without filters, sent back with one: it is bound to the filters it came with. */
function reusedWithOtherFilters(operation: Operation, setting: Setting): fc.Arbitrary<(plan: Plan) => Plan> | undefined {
  const filters = operation.parameters.filter((parameter) => parameter.in === 'query' && !parameter.required && !['cursor', 'limit'].includes(parameter.name));
  if (setting.cursors.length === 0 || filters.length === 0) return undefined;
  // A default value, or no value, is the same list the cursor came from.
  const changes = (parameter: Parameter, texts: string[]) =>
    texts.length > 0 && !(texts.length === 1 && parameter.schema.default !== undefined && texts[0] === String(parameter.schema.default));
  const filter = fc.oneof(...filters.map((parameter) => validText(parameter).filter((texts) => changes(parameter, texts)).map((texts) => ({ parameter, texts }))));
  return fc.tuple(fc.constantFrom(...setting.cursors), filter).map(([cursor, { parameter, texts }]) => (plan: Plan) => ({
    ...plan,
    query: [...plan.query.filter(([name]) => name !== 'cursor'), ['cursor', cursor], ...queryPairs(parameter, texts)],
    why: `cursor: reused with ${parameter.name}=${texts.join(',').slice(0, 60)}`,
  }));
}

/** Rewrites of a cursor's sort key; a well-typed one cannot be told from a key the server issued. */
function sortKeys(): fc.Arbitrary<{ keys: (original: unknown[]) => unknown; what: string; wellTyped: boolean }> {
  return fc.oneof(
    fc.constantFrom(
      { keys: (original: unknown[]) => original.slice(1), what: 'one value short', wellTyped: false },
      { keys: (original: unknown[]) => [...original, 'extra'], what: 'one value too many', wellTyped: false },
      { keys: () => 'not-an-array', what: 'not an array', wellTyped: false },
      { keys: (original: unknown[]) => original.map(() => ({})), what: 'objects', wellTyped: false },
      { keys: (original: unknown[]) => original.map(() => [1]), what: 'arrays', wellTyped: false },
      { keys: (original: unknown[]) => original.map(() => true), what: 'booleans', wellTyped: false },
    ),
    fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double({ noNaN: true }), fc.constant(null)), { minLength: 1, maxLength: 4 }).map((values) => ({
      keys: (original: unknown[]) => original.map((_, index) => values[index % values.length]),
      what: `well typed: ${JSON.stringify(values).slice(0, 60)}`,
      wellTyped: true,
    })),
  );
}

function flipOne(cursor: string, at: number): string {
  const index = at % cursor.length;
  const replacement = cursor[index] === 'A' ? 'B' : 'A';
  return `${cursor.slice(0, index)}${replacement}${cursor.slice(index + 1)}`;
}

function headerFamilies(contract: Contract, operation: Operation, setting: Setting): Family[] {
  const declared = new Set(operation.parameters.filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name.toLowerCase()));
  const faults: fc.Arbitrary<(plan: Plan) => Plan>[] = [];
  const setHeader = (name: string, why: string) => (value: string) => (plan: Plan) => ({
    ...plan,
    headers: { ...plan.headers, [name]: value },
    why: `header ${name}: ${why} ${show(value)}`,
  });
  if (declared.has('if-match')) {
    // Never `*` (any version) nor a list naming a version the row might have: a precondition that cannot hold.
    const garbage = fc.oneof(
      fc.constantFrom('"', 'W/', '3', 'W/"1"', '"abc"', '"1', '1"', '"-1"', '"9999999999"', ', ,', '"1" "2"', 'null'),
      fc.string({ unit: fc.constantFrom(...'"W/,* 0123456789abc'), minLength: 1, maxLength: 12 }),
    ).filter((value) => value.trim() !== '*' && !/(^|,)\s*"\d{1,9}"\s*(,|$)/.test(value));
    faults.push(garbage.map(setHeader('if-match', 'a tag that cannot match')));
    faults.push(fc.integer({ min: 10_000, max: 999_999_999 }).map((version) => `"${version}"`).map(setHeader('if-match', 'a stale version')));
  }
  if (declared.has('idempotency-key')) {
    faults.push(fc.integer({ min: 256, max: 2000 }).map((length) => 'k'.repeat(length)).map(setHeader('idempotency-key', 'too long')));
  }
  if (declared.has('last-event-id')) {
    // Not blank: an empty Last-Event-ID is what EventSource sends for "none", and means that.
    // Trimmed, as HTTP trims header values on the way.
    const bad = fc.oneof(fc.constantFrom('abc', '-1', '1.5', '1e3', '99999999999999999999', '9223372036854775808', '1 2'), fc.string({ unit: fc.constantFrom(...'0123456789abc-+. '), minLength: 1, maxLength: 25 }))
      .map((value) => value.trim())
      .filter((value) => value !== '' && (!/^[0-9]{1,19}$/.test(value) || BigInt(value) > 2n ** 63n - 1n));
    faults.push(bad.map(setHeader('last-event-id', 'not an event id')));
  }
  if (faults.length === 0) return [];
  return [{ weight: 2, arbitrary: withFault(contract, operation, setting, 'header', fc.oneof(...faults)) }];
}

function authFamilies(contract: Contract, operation: Operation, setting: Setting): Family[] {
  if (operation.anonymous) return [];
  const malformed = [
    '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer a b', 'bearer', 'Bearer tf_', 'Bearer tf_short', 'Bearer \u00e9t\u00e9',
    `Bearer ${'x'.repeat(64 * 1024)}`,
  ];
  const apiKeys = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 48, maxLength: 48 }).map(
    (random) => `Bearer tf_${random.slice(0, 8)}_${random.slice(8)}`,
  );
  const junk = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/='), minLength: 1, maxLength: 300 }).map((token) => `Bearer ${token}`);
  const authorization = fc.oneof(
    fc.constantFrom(...malformed, ...setting.badAuthorizations),
    apiKeys,
    junk,
    fc.constant(undefined),
  );
  const fault = authorization.map((value) => (plan: Plan) => {
    const headers = { ...plan.headers };
    delete headers.authorization;
    return {
      ...plan,
      headers: value === undefined ? headers : { ...headers, authorization: value },
      why: value === undefined ? 'no credentials' : `credentials ${show(value)}`,
    };
  });
  return [{ weight: 2, arbitrary: withFault(contract, operation, setting, 'credentials', fault) }];
}
