/**
 * Contract checking for the HTTP tests: every response a test receives is checked against the
 * OpenAPI 3.1 document (status, declared headers, content type and JSON body), so the server and the
 * published contract cannot drift apart without a test failing. Requests are routed the way the
 * document describes them (literal path segments beat templated ones), and JSON bodies are validated
 * with Ajv's JSON Schema 2020-12 dialect, the one OpenAPI 3.1 uses.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface ResponseToCheck {
  /** 'GET', 'post', ... */
  method: string;
  /** A full URL or a path with query, e.g. 'http://localhost/v1/tickets/123?limit=2'. */
  url: string;
  status: number;
  headers: Headers;
  /** Parsed JSON for JSON content types, otherwise a string or undefined (not checked beyond the content type). */
  body: unknown;
}

export interface ContractValidator {
  /**
   * The operationId whose path template and method match, or undefined. Literal segments beat
   * templated ones (/v1/tickets/search beats /v1/tickets/{ticket_id}). Paths in the document are
   * complete; servers[] base paths are ignored.
   */
  operationFor(method: string, url: string): string | undefined;
  /** Every problem found, as readable one-line messages; empty when the response conforms. */
  check(response: ResponseToCheck): string[];
  /** All operationIds in the document. */
  readonly operationIds: readonly string[];
}

type Json = Record<string, unknown>;

/** A node of the document and where it is, as unescaped JSON pointer tokens. */
interface Located {
  node: Json;
  at: string[];
}

interface Route {
  template: string;
  method: string;
  operation: Located;
  pattern: RegExp;
  /** Per path segment, 1 when literal and 0 when templated: a higher sequence is more specific. */
  specificity: number[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** The key the whole document is registered under in Ajv, so `#/components/...` refs resolve inside it. */
const DOCUMENT_ID = 'openapi.json';

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isJsonMediaType = (type: string) => type === 'application/json' || type.endsWith('+json');

/** 'Application/JSON; charset=utf-8' → 'application/json'. */
const mediaTypeOf = (value: string) => (value.split(';')[0] ?? '').trim().toLowerCase();

export function createContractValidator(source: object): ContractValidator {
  const document = structuredClone(source) as Json;

  const nodeAt = (at: readonly string[]) => valueAt(document, at);
  const follow = (at: string[]) => followRefs(document, at);
  forgiveRequiredWriteOnly(document);

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  // writeOnly is an annotation to Ajv; in a response, a present writeOnly property is a leak.
  ajv.removeKeyword('writeOnly');
  ajv.addKeyword({
    keyword: 'writeOnly',
    schemaType: 'boolean',
    errors: false,
    error: { message: 'is writeOnly and must not appear in a response' },
    validate: (writeOnly: boolean) => !writeOnly,
  });
  ajv.addSchema(document, DOCUMENT_ID);

  const validators = new Map<string, ValidateFunction>();
  /** The compiled schema at `at`, compiled once (keyed by location, so shared responses compile once). */
  const validatorAt = (at: readonly string[]): ValidateFunction => {
    const pointer = at.map((token) => encodeURIComponent(token.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');
    const ref = `${DOCUMENT_ID}#/${pointer}`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  };

  const operationIdOf = (route: Route) =>
    typeof route.operation.node.operationId === 'string' ? route.operation.node.operationId : undefined;
  const routes: Route[] = [];
  for (const template of Object.keys(isObject(document.paths) ? document.paths : {})) {
    const item = follow(['paths', template]);
    if (!item) continue;
    const segments = template.split('/');
    const pattern = templatePattern(segments);
    const specificity = segments.map((segment) => (segment.includes('{') ? 0 : 1));
    for (const method of METHODS) {
      if (isObject(item.node[method])) {
        routes.push({ template, method, operation: { node: item.node[method], at: [...item.at, method] }, pattern, specificity });
      }
    }
  }
  const operationIds = routes.flatMap((route) => operationIdOf(route) ?? []); // In document order.
  // Stable: equally specific templates keep document order.
  routes.sort((a, b) => compareSpecificity(b.specificity, a.specificity));

  const pathOf = (url: string) => new URL(url, 'http://localhost').pathname;
  const routeFor = (method: string, url: string) => {
    const path = pathOf(url);
    return routes.find((route) => route.method === method.toLowerCase() && route.pattern.test(path));
  };

  function check({ method, url, status, headers, body }: ResponseToCheck): string[] {
    const label = `${method.toUpperCase()} ${pathOf(url)} ${String(status)}`;
    const problems: string[] = [];
    const report = (message: string) => problems.push(`${label}: ${message}`);
    const reportErrors = (where: string, errors: ErrorObject[] | null | undefined) => {
      for (const error of errors ?? []) report(describeError(where, error));
    };

    const route = routeFor(method, url);
    if (!route) {
      report('the response came from an undocumented operation (no path template and method in the document match)');
      return problems;
    }
    const name = operationIdOf(route) ?? `${route.method.toUpperCase()} ${route.template}`;
    const responsesAt = [...route.operation.at, 'responses'];
    const responses = nodeAt(responsesAt);
    const key = [String(status), `${String(status).charAt(0)}XX`, 'default'].find(
      (candidate) => isObject(responses) && candidate in responses,
    );
    const response = key === undefined ? undefined : follow([...responsesAt, key]);
    if (!response) {
      report(`status ${String(status)} is not documented for ${name}`);
      return problems;
    }

    const declaredHeaders = isObject(response.node.headers) ? response.node.headers : {};
    for (const header of Object.keys(declaredHeaders)) {
      if (header.toLowerCase() === 'content-type') continue; // Ignored by the OpenAPI spec.
      const declared = follow([...response.at, 'headers', header]);
      if (!declared) continue;
      const value = headers.get(header);
      if (value === null) {
        if (declared.node.required === true) report(`required header ${header} is missing`);
        continue;
      }
      if (!('schema' in declared.node)) continue;
      const schemaAt = [...declared.at, 'schema'];
      const validate = validatorAt(schemaAt);
      if (!validate(coerceHeader(value, follow(schemaAt)?.node))) reportErrors(`header ${header}`, validate.errors);
    }

    const hasBody = body !== undefined && body !== null && body !== '';
    if (status === 204 || status === 304) {
      if (hasBody) report(`a ${String(status)} response must not have a body`);
      return problems;
    }
    const content = isObject(response.node.content) ? response.node.content : {};
    const declaredTypes = Object.keys(content);
    if (declaredTypes.length === 0) {
      if (hasBody) report(`the response has a body but ${name} declares no content for ${key ?? ''}`);
      return problems;
    }
    const contentType = headers.get('content-type');
    if (contentType === null) {
      report(`the content-type header is missing; expected ${declaredTypes.join(' or ')}`);
      return problems;
    }
    const actual = mediaTypeOf(contentType);
    const matched = bestMediaType(actual, declaredTypes);
    if (matched === undefined) {
      report(`content-type ${actual} is not one of the documented ${declaredTypes.join(', ')}`);
      return problems;
    }
    const mediaType = content[matched];
    if (isJsonMediaType(actual) && isObject(mediaType) && 'schema' in mediaType) {
      const validate = validatorAt([...response.at, 'content', matched, 'schema']);
      if (!validate(body)) reportErrors('body', validate.errors);
    }
    return [...new Set(problems)];
  }

  return {
    operationFor: (method, url) => {
      const route = routeFor(method, url);
      return route && operationIdOf(route);
    },
    check,
    operationIds,
  };
}

function valueAt(document: Json, at: readonly string[]): unknown {
  return at.reduce<unknown>((node, token) => (typeof node === 'object' && node !== null ? (node as Json)[token] : undefined), document);
}

/** '#/components/schemas/A~1B' → ['components', 'schemas', 'A/B']; only local refs are supported. */
function refTokens(ref: string): string[] {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}: only local refs are supported`);
  return ref.slice(2).split('/').map((token) => decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The object at `start`, following local `$ref`s until a non-reference is reached. */
function followRefs(document: Json, start: string[]): Located | undefined {
  let at = start;
  let node = valueAt(document, at);
  const seen = new Set<string>();
  while (isObject(node) && typeof node.$ref === 'string') {
    if (seen.has(node.$ref)) throw new Error(`circular $ref ${node.$ref}`);
    seen.add(node.$ref);
    at = refTokens(node.$ref);
    node = valueAt(document, at);
  }
  return isObject(node) ? { node, at } : undefined;
}

/**
 * OpenAPI's reading of `required` with writeOnly: a required writeOnly property is required in
 * requests only. Drop such names from `required` so responses are not asked for them.
 */
function forgiveRequiredWriteOnly(document: Json): void {
  const isWriteOnly = (schema: unknown): boolean => {
    const target = isObject(schema) && typeof schema.$ref === 'string' ? followRefs(document, refTokens(schema.$ref))?.node : schema;
    return isObject(target) && target.writeOnly === true;
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isObject(node)) return;
    const { properties, required } = node;
    if (isObject(properties) && Array.isArray(required)) {
      node.required = required.filter((name) => !(typeof name === 'string' && isWriteOnly(properties[name])));
    }
    Object.values(node).forEach(visit);
  };
  visit(document);
}

/** The declared media type `actual` matches, preferring an exact match over `type/*` over `*\/*`. */
function bestMediaType(actual: string, declared: string[]): string | undefined {
  const [type] = actual.split('/');
  const rank = (candidate: string) => {
    const wanted = mediaTypeOf(candidate);
    if (wanted === actual) return 3;
    if (wanted === `${type ?? ''}/*`) return 2;
    if (wanted === '*/*') return 1;
    return 0;
  };
  const best = [...declared].sort((a, b) => rank(b) - rank(a))[0];
  return best !== undefined && rank(best) > 0 ? best : undefined;
}

/** Header values are strings: read them as the number or boolean the schema asks for. */
function coerceHeader(value: string, schema: Json | undefined): unknown {
  const types = new Set([schema?.type].flat());
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) {
    return Number(value);
  }
  if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** 'body/data/0/status must be equal to one of the allowed values (new, open, …)'. */
function describeError(where: string, error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  let detail = '';
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    const values = params.allowedValues as unknown[];
    detail = ` (${values.slice(0, 10).map(show).join(', ')}${values.length > 10 ? ', …' : ''})`;
  } else if (error.keyword === 'const') {
    detail = ` (${show(params.allowedValue)})`;
  } else if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
    detail = ` (${show(params.additionalProperty ?? params.unevaluatedProperty)})`;
  }
  return `${where}${error.instancePath} ${error.message ?? 'is invalid'}${detail}`;
}

function compareSpecificity(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** ['', 'v1', 'tickets', '{ticket_id}'] → /^\/v1\/tickets\/[^/]+$/: a parameter never spans segments. */
function templatePattern(segments: readonly string[]): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const segment = (text: string) =>
    text.split(/(\{[^}]*\})/).map((part) => (part.startsWith('{') ? '[^/]+' : escape(part))).join('');
  return new RegExp(`^${segments.map(segment).join('/')}$`);
}
