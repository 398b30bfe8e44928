/**
 * Values for the schema-drift test (schemas-contract.test.ts), from a JSON Schema of the bundled
 * contract: a fast-check arbitrary of values valid against it, and mutations of a valid value, each
 * trying to break one rule (a required field dropped, a wrong type, a null, a value outside an enum,
 * a bad or borderline format, a length, bound or count just past its limit). Only the JSON Schema
 * response schemas use is understood; anything else throws, like the emitter.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;
type Json = unknown;

/** One mutated copy of a whole value: what was done, where. */
export interface Mutation {
  /** `data.0.status: null`, for failure messages. */
  label: string;
  value: Json;
  /**
   * Set when zod is meant to differ from the contract here (see scripts/zod-emitter.ts): an
   * undeclared key, which it lets through, or an integer past 2^53, which it refuses.
   */
  deliberate?: 'extra key' | 'unsafe integer';
}

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const SCHEMA_REF = '#/components/schemas/';
const EXTRA_KEY = 'zz_field_of_a_later_version';

/** Strings near each format's edges: some valid (ajv-formats is lenient there), most not. */
const FORMAT_PROBES: Record<string, string[]> = {
  uuid: ['not-a-uuid', '9b2f6a8e-3c1d-4e5f-8a7b-1c2d3e4f5a6g', '9b2f6a8e3c1d4e5f8a7b1c2d3e4f5a6b', 'urn:uuid:9b2f6a8e-3c1d-4e5f-8a7b-1c2d3e4f5a6b', '9B2F6A8E-3C1D-4E5F-8A7B-1C2D3E4F5A6B'],
  'date-time': ['yesterday', '2024-02-30T10:00:00Z', '2024-01-01T10:00:00', '2024-01-01 10:00:00Z', '2024-01-01t10:00:00.5z', '2016-12-31T23:59:60Z', '2024-01-01T24:00:00Z', '2024-01-01T10:00:00+0530', '2024-01-01T10:00Z'],
  date: ['tomorrow', '2024-02-29', '2023-02-29', '2024-13-01', '2024-1-01', '2024-01-01T00:00:00Z'],
  email: ['no-at-sign', 'a@b', "o'neil!#@example.com", 'a..b@example.com', 'a@-b.com', 'ü@example.com'],
  uri: ['not a uri', '/relative/path', 'https://example.com/a b', 'mailto:x@example.com', 'urn:isbn:0451450523', 'https://exa mple.com'],
};

export class SchemaValues {
  readonly #components: Schema;

  constructor(document: Schema) {
    const components = isObject(document.components) ? document.components.schemas : undefined;
    this.#components = isObject(components) ? components : {};
  }

  /** Values valid against `schema`. */
  valid(schema: unknown): fc.Arbitrary<Json> {
    const s = this.#resolve(schema);
    if (Array.isArray(s.oneOf)) return fc.oneof(...s.oneOf.map((member) => this.valid(member)));
    if (Array.isArray(s.enum) || 'const' in s) return fc.constantFrom(...valuesOf(s));
    if (s.allOf !== undefined || s.anyOf !== undefined) throw new Error(`json-schema-values: cannot generate ${JSON.stringify(s).slice(0, 120)}`);
    if (s.type === undefined) return fc.jsonValue({ maxDepth: 2 }); // `{}`: any JSON value
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    return fc.oneof(...types.map((type) => this.#ofType(type, s)));
  }

  /** Mutations of `value` (valid against `schema`) at every node, nested ones included. */
  mutations(schema: unknown, value: Json): Mutation[] {
    const found: Mutation[] = [];
    this.#walk(schema, value, [], (path, replacement, label, deliberate) => {
      found.push({ label: `${path.join('.') || '(body)'}: ${label}`, value: replaced(value, path, replacement), ...(deliberate ? { deliberate } : {}) });
    });
    return found;
  }

  #ofType(type: string, s: Schema): fc.Arbitrary<Json> {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return fc.integer({ min: typeof s.minimum === 'number' ? s.minimum : -(2 ** 40), max: typeof s.maximum === 'number' ? s.maximum : 2 ** 40 });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, ...(typeof s.minimum === 'number' ? { min: s.minimum } : {}), ...(typeof s.maximum === 'number' ? { max: s.maximum } : {}) });
      case 'string':
        return this.#string(s);
      case 'array': {
        const item = s.items === undefined ? fc.jsonValue({ maxDepth: 1 }) : this.valid(s.items);
        const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
        const maxLength = Math.max(minLength, Math.min(typeof s.maxItems === 'number' ? s.maxItems : 3, 3));
        return s.uniqueItems === true ? fc.uniqueArray(item, { minLength, maxLength, selector: (x) => JSON.stringify(x) }) : fc.array(item, { minLength, maxLength });
      }
      case 'object':
        return this.#object(s);
      default:
        throw new Error(`json-schema-values: type ${type}`);
    }
  }

  #string(s: Schema): fc.Arbitrary<string> {
    const min = typeof s.minLength === 'number' ? s.minLength : 0;
    const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
    const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern, 'u') : undefined;
    const fits = (text: string) => [...text].length >= min && [...text].length <= max && (pattern === undefined || pattern.test(text));
    if (pattern && s.format === undefined) return fc.stringMatching(pattern).filter(fits);
    const date = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
    switch (s.format) {
      case 'uuid':
        return fc.oneof(fc.uuid(), fc.uuid().map((id) => id.toUpperCase())).filter(fits);
      case 'date-time':
        return fc.oneof(
          date.map((d) => d.toISOString()),
          fc.tuple(date, fc.integer({ min: -23, max: 23 }), fc.constantFrom('00', '30', '45')).map(([d, hours, minutes]) => {
            const zone = `${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:${minutes}`;
            return d.toISOString().replace(/\.\d+Z$/, zone);
          }),
        ).filter(fits);
      case 'date':
        return date.map((d) => d.toISOString().slice(0, 10)).filter(fits);
      case 'email':
        return fc.emailAddress().filter(fits);
      case 'uri':
        return fc.webUrl({ withQueryParameters: true, withFragments: true }).filter(fits);
      case undefined:
      case 'password':
      case 'binary': {
        // Code points of the whole range, astral ones included: lengths count code points.
        const some = fc.string({ unit: 'binary', minLength: min, maxLength: Math.max(min, Math.min(max, 20)) });
        if (pattern) throw new Error('json-schema-values: a pattern with a format');
        return max <= 300 ? fc.oneof(some, fc.string({ unit: 'binary', minLength: max, maxLength: max })) : some;
      }
      default:
        throw new Error(`json-schema-values: format ${String(s.format)}`);
    }
  }

  #object(s: Schema): fc.Arbitrary<Json> {
    const properties = isObject(s.properties) ? s.properties : {};
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    const minKeys = typeof s.minProperties === 'number' ? s.minProperties : 0;
    const maxKeys = typeof s.maxProperties === 'number' ? s.maxProperties : Infinity;
    if (Object.keys(properties).length === 0) {
      if (s.additionalProperties !== true) return fc.constant({});
      return fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys, maxKeys: Math.max(minKeys, Math.min(maxKeys, 4)), noNullPrototype: true });
    }
    const model = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, this.valid(property)]));
    return fc.record(model, { requiredKeys: required, noNullPrototype: true }).filter((value) => Object.keys(value).length >= minKeys && Object.keys(value).length <= maxKeys);
  }

  #walk(schema: unknown, node: Json, path: (string | number)[], emit: (path: (string | number)[], replacement: Json /* or DROP */, label: string, deliberate?: Mutation['deliberate']) => void): void {
    const s = this.#resolve(schema);
    if (Array.isArray(s.oneOf)) {
      // Mutate inside each member of the value's JSON type (for `X | null`: X, unless the value is null).
      for (const member of s.oneOf) if (this.#admitsTypeOf(member, node)) this.#walk(member, node, path, emit);
      return;
    }
    emit(path, wrongTypeFor(node), 'wrong type');
    if (node !== null) emit(path, null, 'null');
    if (Array.isArray(s.enum)) emit(path, 'zz-not-in-the-enum', 'outside the enum');
    if ('const' in s) emit(path, 'zz-not-the-const', 'not the const');
    if (typeof node === 'string') {
      for (const probe of FORMAT_PROBES[s.format as string] ?? []) emit(path, probe, `format probe ${JSON.stringify(probe)}`);
      if (typeof s.maxLength === 'number') {
        emit(path, 'a'.repeat(s.maxLength + 1), 'one character too long');
        emit(path, '😀'.repeat(s.maxLength), 'as many astral characters as allowed');
        emit(path, '😀'.repeat(s.maxLength + 1), 'one astral character too many');
      }
      if (typeof s.minLength === 'number' && s.minLength > 0) emit(path, 'a'.repeat(s.minLength - 1), 'one character too short');
      if (typeof s.pattern === 'string') {
        emit(path, `${node}!`, 'pattern with a character added');
        emit(path, node.toUpperCase() === node ? node.toLowerCase() : node.toUpperCase(), 'pattern in the other case');
      }
    }
    if (typeof node === 'number') {
      if (typeof s.minimum === 'number') emit(path, s.minimum - 1, 'below the minimum');
      if (typeof s.maximum === 'number') emit(path, s.maximum + 1, 'above the maximum');
      emit(path, node + 0.5, 'a fraction');
      emit(path, 2 ** 60, 'an integer beyond 2^53', [s.type].flat().includes('integer') ? 'unsafe integer' : undefined);
    }
    if (Array.isArray(node)) {
      const items = node as Json[];
      if (items.length > 0) {
        emit(path, [...items, items[0]], 'first item repeated');
        if (typeof s.maxItems === 'number') emit(path, Array.from({ length: s.maxItems + 1 }, () => items[0]), 'one item too many');
      }
      if (typeof s.minItems === 'number' && s.minItems > 0) emit(path, [], 'empty');
      if (items.length > 0 && s.items !== undefined) this.#walk(s.items, items[0], [...path, 0], emit);
    }
    if (isObject(node)) {
      const properties = isObject(s.properties) ? s.properties : {};
      for (const key of Array.isArray(s.required) ? (s.required as string[]) : []) emit([...path, key], DROP, 'required field dropped');
      const closed = s.additionalProperties === false || s.unevaluatedProperties === false;
      emit([...path, EXTRA_KEY], 'x', 'an undeclared key', closed ? 'extra key' : undefined);
      if (typeof s.minProperties === 'number' && s.minProperties > 0) emit(path, {}, 'no keys');
      for (const [key, property] of Object.entries(properties)) if (key in node) this.#walk(property, node[key], [...path, key], emit);
    }
  }

  #admitsTypeOf(schema: unknown, node: Json): boolean {
    const s = this.#resolve(schema);
    if (Array.isArray(s.enum) || 'const' in s) return valuesOf(s).some((value) => typeof value === typeof node && (value === null) === (node === null));
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    return types.some((type) => jsonTypeOf(node) === type || (type === 'number' && jsonTypeOf(node) === 'integer'));
  }

  #resolve(schema: unknown): Schema {
    if (!isObject(schema)) throw new Error('json-schema-values: not a schema object');
    if (typeof schema.$ref !== 'string') return schema;
    if (!schema.$ref.startsWith(SCHEMA_REF)) throw new Error(`json-schema-values: $ref ${schema.$ref}`);
    return this.#resolve(this.#components[schema.$ref.slice(SCHEMA_REF.length)]);
  }
}

const DROP = Symbol('drop');

function valuesOf(s: Schema): Json[] {
  const values = Array.isArray(s.enum) ? s.enum : [s.const];
  if (s.type === undefined) return values;
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  return values.filter((value) => types.includes(jsonTypeOf(value)) || (types.includes('number') && jsonTypeOf(value) === 'integer'));
}

function jsonTypeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function wrongTypeFor(node: Json): Json {
  switch (jsonTypeOf(node)) {
    case 'string':
      return 42;
    case 'object':
      return [node];
    case 'array':
      return { items: node };
    default:
      return String(node);
  }
}

/** A deep copy of `root` with the node at `path` replaced (or, for DROP, deleted). */
function replaced(root: Json, path: (string | number)[], replacement: Json /* or DROP */): Json {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (replacement === DROP) delete parent[last];
  else parent[last] = replacement;
  return copy;
}
