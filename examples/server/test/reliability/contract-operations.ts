/**
 * The operations of the OpenAPI contract as the bad-input suite needs them: method, path template,
 * parameters and request body, with every `$ref` resolved into plain JSON Schema objects. Also the
 * one judge of what the contract allows (`allows`): Ajv with the JSON Schema 2020-12 dialect, so a
 * generated request counts as invalid only when the contract itself says it is.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadOpenApiDocument } from '../../src/openapi-document.js';

/** A JSON Schema node with no `$ref` left in it. */
export type Schema = Record<string, any>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
  /** Query arrays: `true` repeats the parameter (`?a=1&a=2`), `false` joins the values with commas. */
  explode: boolean;
}

export interface Operation {
  id: string;
  method: string;
  /** The path template, e.g. `/v1/tickets/{ticket_id}`. */
  path: string;
  parameters: Parameter[];
  body?: { mediaType: string; schema: Schema; required: boolean };
  /** Callable without credentials (login, health). */
  anonymous: boolean;
}

export interface Contract {
  operations: Operation[];
  /** Whether `value` is valid for `schema` (a node of this contract). */
  allows: (schema: Schema, value: unknown) => boolean;
  /** The description of the `ProblemCode` schema, which gives each code its status. */
  problemCodes: Record<string, number | undefined>;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

export function loadContract(): Contract {
  const document = loadOpenApiDocument() as Schema;
  const resolve = resolver(document);
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(document.paths as Schema)) {
    const item = resolve(rawItem);
    for (const method of METHODS) {
      const operation = item[method] as Schema | undefined;
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((raw: Schema): Parameter => {
        const parameter = resolve(raw);
        return {
          name: parameter.name,
          in: parameter.in,
          required: parameter.required === true,
          schema: parameter.schema ?? {},
          explode: parameter.explode ?? true,
        };
      });
      const requestBody = operation.requestBody ? resolve(operation.requestBody) : undefined;
      const [mediaType, media] = Object.entries((requestBody?.content ?? {}) as Schema)[0] ?? [];
      const security = (operation.security ?? document.security ?? []) as unknown[];
      operations.push({
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        parameters,
        ...(mediaType ? { body: { mediaType, schema: media.schema ?? {}, required: requestBody?.required === true } } : {}),
        anonymous: security.length === 0,
      });
    }
  }
  return { operations, allows: validator(), problemCodes: problemCodes(resolve(document.components.schemas.ProblemCode)) };
}

/** Replaces every `$ref` by (a copy of) its target, keeping sibling keywords such as `default`. */
function resolver(document: Schema) {
  const cache = new Map<string, Schema>();
  const target = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${ref}`);
    return ref
      .slice(2)
      .split('/')
      .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<Schema>((node, token) => node[token], document);
  };
  const resolve = (node: unknown, stack: string[] = []): any => {
    if (Array.isArray(node)) return node.map((entry) => resolve(entry, stack));
    if (node === null || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Schema;
    const siblings = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, resolve(value, stack)]));
    if (typeof $ref !== 'string') return siblings;
    if (stack.includes($ref)) throw new Error(`recursive schema ${$ref}: the bad-input generators do not handle it`);
    let resolved = cache.get($ref);
    if (!resolved) {
      resolved = resolve(target($ref), [...stack, $ref]) as Schema;
      cache.set($ref, resolved);
    }
    return { ...resolved, ...siblings };
  };
  return resolve;
}

function validator(): Contract['allows'] {
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  addFormats.default(ajv);
  // Formats that only annotate (a password field, the bytes of an upload).
  ajv.addFormat('password', true);
  ajv.addFormat('binary', true);
  const compiled = new WeakMap<Schema, ValidateFunction>();
  return (schema, value) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    return validate(value);
  };
}

/** `- \`not_found\`: no such resource … (404).` → `{ not_found: 404 }`; codes listed without a status map to undefined. */
function problemCodes(schema: Schema): Record<string, number | undefined> {
  const codes: Record<string, number | undefined> = Object.fromEntries((schema.enum as string[]).map((code) => [code, undefined]));
  for (const line of String(schema.description).split('\n')) {
    const status = /\((\d{3})\)\.?\s*$/.exec(line)?.[1];
    if (!status) continue;
    for (const [, code] of line.split(':')[0]!.matchAll(/`([a-z_]+)`/g)) if (code) codes[code] = Number(status);
  }
  return codes;
}
