/**
 * Turns the schemas of the bundled OpenAPI 3.1 document into zod 4 source text: one exported const
 * per `components.schemas` entry (`Ticket` → `TicketSchema`) and `responseSchemas`, each operation's
 * success JSON response by operationId. `scripts/generate.ts` writes it to `src/generated/schemas.ts`.
 *
 * Only the JSON Schema the contract uses is understood; anything else (an unknown keyword, format
 * or type combination) throws, so a contract change that needs the emitter to grow fails
 * generation instead of silently validating less. What zod has no exact built-in for (code-point
 * lengths, ajv-formats' formats, `uniqueItems`, `min/maxProperties`) comes from
 * `src/core/schema-checks.ts`; `test/client/schemas-contract.test.ts` checks the result against ajv.
 *
 * Two deliberate differences from the contract:
 * - Objects let unknown keys through (`z.looseObject`) although the contract says
 *   `additionalProperties: false` (or `unevaluatedProperties: false`): adding a response field is a
 *   compatible change a minor API version may make, and an SDK built before it must keep working.
 *   Known keys are checked, and required ones enforced, all the same.
 * - Integers must be safe integers (`z.int()`): beyond 2^53 `JSON.parse` has already rounded the
 *   value, so it is not the number the server sent.
 */

type Schema = Record<string, unknown>;

/** Keywords that describe and never constrain: skipped. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'title', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
/** Formats that ajv-formats accepts any string for: annotations too. */
const ANNOTATION_FORMATS = new Set(['password', 'binary']);
/** Formats checked by a helper of `src/core/schema-checks.ts`, by name. */
const STRING_FORMATS: Record<string, string> = { uuid: 'uuid', email: 'email', uri: 'uri', date: 'date', 'date-time': 'dateTime' };
/** What each type may carry besides annotations. */
const TYPE_KEYWORDS: Record<string, string[]> = {
  string: ['type', 'format', 'minLength', 'maxLength', 'pattern'],
  integer: ['type', 'format', 'minimum', 'maximum'],
  number: ['type', 'minimum', 'maximum'],
  boolean: ['type'],
  null: ['type'],
  array: ['type', 'items', 'minItems', 'maxItems', 'uniqueItems'],
  object: ['type', 'properties', 'required', 'additionalProperties', 'unevaluatedProperties', 'minProperties', 'maxProperties'],
};
const SCHEMA_REF = '#/components/schemas/';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

class UnsupportedSchemaError extends Error {
  constructor(at: string, problem: string) {
    super(`zod-emitter: ${problem} at ${at}; teach scripts/zod-emitter.ts this construct rather than loosening the check`);
  }
}

/** The name of the generated const for component schema `name`. */
export const schemaConstName = (name: string) => `${name}Schema`;

/** The source text of `src/generated/schemas.ts` for `document` (a bundled OpenAPI 3.1 document). */
export function emitZodSchemas(document: Schema, banner = ''): string {
  const components = isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  const emitter = new Emitter(components);
  const lines = [
    banner,
    // A namespace import tree-shakes: `{ z }` would pull in every locale of zod's messages.
    "import * as z from 'zod';",
    "import type { OperationId } from '../core/operations.js';",
    "import * as check from '../core/schema-checks.js';",
    '',
  ];
  for (const name of emitter.order()) {
    lines.push(`export const ${schemaConstName(name)} = ${emitter.emit(components[name], `#/components/schemas/${name}`, 0)};`, '');
  }
  lines.push(
    '/** The schema of each operation\'s success (200, 201 or 202) JSON response; none for 204 or non-JSON answers. */',
    'export const responseSchemas: Partial<Record<OperationId, z.ZodType>> = {',
  );
  for (const [operationId, { schema, at }] of successSchemas(document)) {
    lines.push(`  ${operationId}: ${emitter.emit(schema, at, 1)},`);
  }
  lines.push('};', '');
  return lines.join('\n');
}

/** Each operation's success JSON schema, in document order. */
function successSchemas(document: Schema): Map<string, { schema: Schema; at: string }> {
  const result = new Map<string, { schema: Schema; at: string }>();
  const responses = isObject(document.components) && isObject(document.components.responses) ? document.components.responses : {};
  for (const [path, item] of Object.entries(isObject(document.paths) ? document.paths : {})) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation) || !isObject(operation.responses) || typeof operation.operationId !== 'string') continue;
      const operationAt = `${method.toUpperCase()} ${path}`;
      if (!IDENTIFIER.test(operation.operationId)) throw new UnsupportedSchemaError(operationAt, `operationId ${operation.operationId} is not an identifier`);
      const found: { schema: Schema; at: string }[] = [];
      for (const status of ['200', '201', '202']) {
        let response = operation.responses[status];
        if (isObject(response) && typeof response.$ref === 'string') response = responses[response.$ref.replace('#/components/responses/', '')];
        const content = isObject(response) && isObject(response.content) ? response.content : {};
        for (const [mediaType, media] of Object.entries(content)) {
          if ((mediaType === 'application/json' || mediaType.endsWith('+json')) && isObject(media) && isObject(media.schema)) {
            found.push({ schema: media.schema, at: `${operationAt} ${status} ${mediaType}` });
          }
        }
      }
      if (found.length === 0) continue;
      // The transport validates the body whatever its 2xx status: different schemas per status would need a map by status.
      if (new Set(found.map(({ schema }) => JSON.stringify(schema))).size > 1) throw new UnsupportedSchemaError(operationAt, 'success responses with different JSON schemas');
      result.set(operation.operationId, found[0]!);
    }
  }
  return result;
}

class Emitter {
  readonly #components: Schema;

  constructor(components: Schema) {
    this.#components = components;
  }

  /** Component names, each after the ones it refers to (the contract has no recursive schema). */
  order(): string[] {
    const done = new Set<string>();
    const visiting: string[] = [];
    const visit = (name: string) => {
      if (done.has(name)) return;
      if (visiting.includes(name)) {
        // z.lazy or getters would be needed here, and explicit types with them: not needed yet.
        throw new UnsupportedSchemaError(`#/components/schemas/${name}`, `recursive schema (${[...visiting, name].join(' → ')})`);
      }
      visiting.push(name);
      for (const ref of refsIn(this.#components[name])) visit(this.#refName(ref, `#/components/schemas/${name}`));
      visiting.pop();
      done.add(name);
    };
    for (const name of Object.keys(this.#components)) {
      if (!IDENTIFIER.test(name)) throw new UnsupportedSchemaError(`#/components/schemas/${name}`, 'a name that is not an identifier');
      visit(name);
    }
    return [...done];
  }

  /** The zod expression for `schema`, found at `at` (for error messages); `depth` indents objects. */
  emit(schema: unknown, at: string, depth: number): string {
    if (!isObject(schema)) throw new UnsupportedSchemaError(at, 'a boolean or non-object schema');
    if ('$ref' in schema) {
      only(schema, ['$ref'], at);
      return schemaConstName(this.#refName(schema.$ref, at));
    }
    if ('allOf' in schema) {
      only(schema, ['allOf', 'unevaluatedProperties'], at);
      if (schema.unevaluatedProperties !== undefined && schema.unevaluatedProperties !== false) throw new UnsupportedSchemaError(at, 'unevaluatedProperties other than false');
      const parts = listOf(schema.allOf, at, 'allOf').map((part, index) => this.emit(part, `${at}/allOf/${index}`, depth));
      return parts.reduce((all, part) => `z.intersection(${all}, ${part})`);
    }
    if ('oneOf' in schema) {
      only(schema, ['oneOf'], at);
      const members = listOf(schema.oneOf, at, 'oneOf');
      const nullAt = members.findIndex(isNullSchema);
      const other = members[1 - nullAt];
      // `X | null` reads better as X.nullable(), and reports the path inside X; exact only while X refuses null.
      if (members.length === 2 && nullAt !== -1 && !this.#mayAcceptNull(other)) return `${this.emit(other, `${at}/oneOf/${1 - nullAt}`, depth)}.nullable()`;
      return `z.xor([${members.map((member, index) => this.emit(member, `${at}/oneOf/${index}`, depth)).join(', ')}])`;
    }
    if ('enum' in schema || 'const' in schema) {
      only(schema, ['type', 'enum', 'const'], at);
      if ('enum' in schema && 'const' in schema) throw new UnsupportedSchemaError(at, 'both enum and const');
      const types = schema.type === undefined ? undefined : typesOf(schema, at);
      const values = ('enum' in schema ? listOf(schema.enum, at, 'enum') : [schema.const]).filter((value) => types === undefined || types.some((type) => hasType(value, type)));
      return literals(values, at);
    }
    if (!('type' in schema)) {
      only(schema, [], at);
      return 'z.unknown()';
    }
    const types = typesOf(schema, at);
    if (types.length === 1) return this.#typed(types[0]!, schema, at, depth);
    if (types.length === 2 && types.includes('null')) return `${this.#typed(types.find((type) => type !== 'null')!, schema, at, depth)}.nullable()`;
    throw new UnsupportedSchemaError(at, `type ${JSON.stringify(schema.type)}`);
  }

  #typed(type: string, schema: Schema, at: string, depth: number): string {
    only(schema, TYPE_KEYWORDS[type] ?? [], at);
    const checks: string[] = [];
    switch (type) {
      case 'string': {
        const format = schema.format;
        let base = 'z.string()';
        if (format !== undefined && !ANNOTATION_FORMATS.has(format as string)) {
          const helper = STRING_FORMATS[format as string];
          if (helper === undefined) throw new UnsupportedSchemaError(at, `format ${JSON.stringify(format)}`);
          base = `check.${helper}()`;
        }
        if (schema.minLength !== undefined) checks.push(`check.minLength(${count(schema.minLength, at)})`);
        if (schema.maxLength !== undefined) checks.push(`check.maxLength(${count(schema.maxLength, at)})`);
        if (schema.pattern !== undefined) {
          if (typeof schema.pattern !== 'string') throw new UnsupportedSchemaError(at, 'a pattern that is not a string');
          new RegExp(schema.pattern, 'u'); // throws on a pattern JavaScript cannot run
          // The 'u' flag, as ajv compiles patterns; unanchored, as JSON Schema means them.
          checks.push(`z.regex(new RegExp(${JSON.stringify(schema.pattern)}, 'u'))`);
        }
        return withChecks(base, checks);
      }
      case 'integer':
      case 'number': {
        // int64 only says how wide the integer is; ajv-formats checks no more than that it is one.
        if (schema.format !== undefined && !(type === 'integer' && schema.format === 'int64')) throw new UnsupportedSchemaError(at, `format ${JSON.stringify(schema.format)}`);
        let base = type === 'integer' ? 'z.int()' : 'z.number()';
        if (schema.minimum !== undefined) base += `.gte(${finite(schema.minimum, at)})`;
        if (schema.maximum !== undefined) base += `.lte(${finite(schema.maximum, at)})`;
        return base;
      }
      case 'boolean':
        return 'z.boolean()';
      case 'null':
        return 'z.null()';
      case 'array': {
        let base = `z.array(${schema.items === undefined ? 'z.unknown()' : this.emit(schema.items, `${at}/items`, depth)})`;
        if (schema.minItems !== undefined) base += `.min(${count(schema.minItems, at)})`;
        if (schema.maxItems !== undefined) base += `.max(${count(schema.maxItems, at)})`;
        if (schema.uniqueItems === true) checks.push('check.uniqueItems()');
        else if (schema.uniqueItems !== undefined && schema.uniqueItems !== false) throw new UnsupportedSchemaError(at, 'uniqueItems that is not a boolean');
        return withChecks(base, checks);
      }
      case 'object':
        return this.#object(schema, at, depth);
      default:
        throw new UnsupportedSchemaError(at, `type ${JSON.stringify(type)}`);
    }
  }

  #object(schema: Schema, at: string, depth: number): string {
    for (const keyword of ['additionalProperties', 'unevaluatedProperties']) {
      // Either way unknown keys pass (see the top of this file); a schema for them would be new.
      if (schema[keyword] !== undefined && typeof schema[keyword] !== 'boolean') throw new UnsupportedSchemaError(at, `${keyword} that is not a boolean`);
    }
    const properties = schema.properties === undefined ? {} : schema.properties;
    if (!isObject(properties)) throw new UnsupportedSchemaError(at, 'properties that are not an object');
    const required = schema.required === undefined ? [] : listOf(schema.required, at, 'required');
    for (const name of required) {
      if (typeof name !== 'string' || !(name in properties)) throw new UnsupportedSchemaError(at, `required ${JSON.stringify(name)} without a schema in properties`);
    }
    const indent = '  '.repeat(depth + 1);
    const entries = Object.entries(properties).map(([name, property]) => {
      const value = this.emit(property, `${at}/properties/${name}`, depth + 1);
      return `${indent}${JSON.stringify(name)}: ${value}${required.includes(name) ? '' : '.optional()'},\n`;
    });
    const checks: string[] = [];
    if (schema.minProperties !== undefined) checks.push(`check.minProperties(${count(schema.minProperties, at)})`);
    if (schema.maxProperties !== undefined) checks.push(`check.maxProperties(${count(schema.maxProperties, at)})`);
    const base = entries.length === 0 ? 'z.looseObject({})' : `z.looseObject({\n${entries.join('')}${'  '.repeat(depth)}})`;
    return withChecks(base, checks);
  }

  #refName(ref: unknown, at: string): string {
    if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_REF)) throw new UnsupportedSchemaError(at, `$ref ${JSON.stringify(ref)} outside ${SCHEMA_REF}`);
    const name = ref.slice(SCHEMA_REF.length);
    if (!(name in this.#components)) throw new UnsupportedSchemaError(at, `$ref to a missing schema ${name}`);
    return name;
  }

  /** False only when `schema` certainly refuses null: its types (through refs) do not include it. */
  #mayAcceptNull(schema: unknown): boolean {
    if (!isObject(schema)) return true;
    if (typeof schema.$ref === 'string') return this.#mayAcceptNull(this.#components[this.#refName(schema.$ref, schema.$ref)]);
    if (Array.isArray(schema.enum)) return schema.enum.includes(null);
    if ('const' in schema) return schema.const === null;
    if (schema.type === undefined || 'allOf' in schema || 'oneOf' in schema) return true;
    return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null'));
  }
}

/** Throws unless every keyword of `schema` is in `allowed` or an annotation. */
function only(schema: Schema, allowed: string[], at: string): void {
  for (const keyword of Object.keys(schema)) {
    if (!allowed.includes(keyword) && !ANNOTATIONS.has(keyword)) throw new UnsupportedSchemaError(at, `keyword ${keyword}`);
  }
}

function typesOf(schema: Schema, at: string): string[] {
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  if (types.length === 0 || !types.every((type): type is string => typeof type === 'string' && type in TYPE_KEYWORDS)) {
    throw new UnsupportedSchemaError(at, `type ${JSON.stringify(schema.type)}`);
  }
  return types;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'null') return value === null;
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}

function literals(values: unknown[], at: string): string {
  if (!values.every((value) => value === null || ['string', 'number', 'boolean'].includes(typeof value))) {
    throw new UnsupportedSchemaError(at, 'an enum or const with an object or array value');
  }
  if (values.length === 0) throw new UnsupportedSchemaError(at, 'an enum no value of its type satisfies');
  const nullable = values.includes(null);
  const rest = values.filter((value) => value !== null);
  let base: string;
  if (rest.length === 0) base = 'z.null()';
  else if (rest.length === 1) base = `z.literal(${JSON.stringify(rest[0])})`;
  else if (rest.every((value) => typeof value === 'string')) base = `z.enum(${JSON.stringify(rest)})`;
  else base = `z.literal(${JSON.stringify(rest)})`;
  return nullable && rest.length > 0 ? `${base}.nullable()` : base;
}

const isNullSchema = (schema: unknown) => isObject(schema) && schema.type === 'null' && Object.keys(schema).every((key) => key === 'type' || ANNOTATIONS.has(key));

function listOf(value: unknown, at: string, keyword: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new UnsupportedSchemaError(at, `${keyword} that is not a non-empty list`);
  return value;
}

function count(value: unknown, at: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new UnsupportedSchemaError(at, `a count ${JSON.stringify(value)}`);
  return value as number;
}

function finite(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnsupportedSchemaError(at, `a bound ${JSON.stringify(value)}`);
  return value;
}

function withChecks(base: string, checks: string[]): string {
  return checks.length === 0 ? base : `${base}.check(${checks.join(', ')})`;
}

/** Every `$ref` string inside `value`. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (isObject(value)) {
    if (typeof value.$ref === 'string') found.push(value.$ref);
    for (const [key, item] of Object.entries(value)) if (key !== 'example' && key !== 'examples' && key !== 'default') refsIn(item, found);
  }
  return found;
}
