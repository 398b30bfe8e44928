/**
 * fast-check arbitraries of JSON values a schema refuses, each with the reason in words: a wrong
 * type, a broken format (uuid, date-time, date, email, uri), a length, number or item count out of
 * bounds, a value outside an enum or pattern, a missing required field, an unknown field, or one
 * bad value deep inside an otherwise valid object or array. Every value is checked against the
 * contract (`allows`), so "invalid" always means "invalid by the contract", never a guess.
 */
import fc from 'fast-check';
import type { Schema } from './contract-operations.js';
import { jsonType, merged, typesOf, validValue, word } from './valid-values.js';

export interface Violation {
  value: unknown;
  /** Where and how the value breaks the schema, e.g. `title: longer than 255`. */
  why: string;
}

export type Allows = (schema: Schema, value: unknown) => boolean;

/** Values of every JSON type, to pick the ones a schema's `type` does not allow. */
const SAMPLES: Record<string, unknown[]> = {
  string: ['x', '42', 'true', 'null', ''],
  integer: [0, 42, -1],
  number: [1.5, -0.25],
  boolean: [true, false],
  null: [null],
  array: [[], ['x'], [{}]],
  object: [{}, { x: 1 }],
};

const FORMAT_BREAKERS: Record<string, string[]> = {
  uuid: [
    'not-a-uuid', '123', '00000000-0000-0000-0000-00000000000g', '00000000000000000000000000000000',
    '{00000000-0000-0000-0000-000000000000}', '00000000-0000-0000-0000-0000000000000', "' or 1=1 --", ' ', '%00',
  ],
  'date-time': [
    '2024-13-01T00:00:00Z', '2024-01-01', '2024-01-01T25:00:00Z', 'yesterday', '2024-02-30T00:00:00Z',
    '2024-01-01T00:00:00', '1700000000', '0000-00-00T00:00:00Z', '2024-01-01T00:00:00+25:00', '2024-01-01 00:00',
  ],
  date: ['2024-02-30', '2024-1-1', '20240101', '2024-13-01', 'today'],
  email: ['plainaddress', '@example.com', 'a@', 'a b@example.com', 'a@@example.com', 'a@example..com', '"'],
  uri: ['not a uri', '://missing-scheme', 'http://exa mple.com', '%%', 'example.com/path', 'http://[::1'],
};

/** Names an unknown field gets: read-only fields of the resource, prototype keys, junk. */
const UNKNOWN_FIELDS = ['id', 'created_at', 'version', 'unknown', '__proto__', 'constructor', 'x'.repeat(300), ''];

const memo = new WeakMap<Schema, fc.Arbitrary<Violation> | null>();

/** Values `schema` refuses, or undefined when it accepts any JSON value. */
export function invalidValue(schema: Schema, allows: Allows): fc.Arbitrary<Violation> | undefined {
  let arbitrary = memo.get(schema);
  if (arbitrary === undefined) {
    arbitrary = build(schema, allows) ?? null;
    memo.set(schema, arbitrary);
  }
  return arbitrary ?? undefined;
}

function build(raw: Schema, allows: Allows): fc.Arbitrary<Violation> | undefined {
  const schema = raw.allOf ? merged(raw) : raw;
  const types = typesOf(schema);
  const candidates: Weighted[] = [{ weight: 1, arbitrary: wrongType(types) }];
  const add = (weight: number, arbitraries: (fc.Arbitrary<Violation> | undefined)[]) =>
    candidates.push(...arbitraries.map((arbitrary) => ({ weight, arbitrary })));
  if (types.includes('string')) add(2, stringBreakers(schema));
  if (types.includes('integer') || types.includes('number')) add(2, numberBreakers(schema, types));
  if (types.includes('array')) add(2, arrayBreakers(schema, allows));
  if (types.includes('object')) candidates.push(...objectBreakers(schema, allows));
  if (Array.isArray(schema.enum) || 'const' in schema) add(2, [enumBreakers(schema)]);
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) add(2, branches.flatMap((branch) => stringBreakers(branch)));
  const present = candidates.filter((candidate): candidate is fc.WeightedArbitrary<Violation> => candidate.arbitrary !== undefined);
  if (present.length === 0) return undefined;
  // Each reason is a guess; the contract has the last word.
  return fc.oneof(...present).filter(({ value }) => !allows(raw, value));
}

interface Weighted {
  weight: number;
  arbitrary: fc.Arbitrary<Violation> | undefined;
}

function wrongType(types: string[]): fc.Arbitrary<Violation> | undefined {
  const allowed = new Set(types.includes('number') ? [...types, 'integer'] : types);
  const values = Object.entries(SAMPLES)
    .filter(([type]) => !allowed.has(type))
    .flatMap(([, samples]) => samples);
  if (values.length === 0) return undefined;
  return fc.constantFrom(...values).map((value) => ({ value, why: `wrong type (${jsonType(value)} ${JSON.stringify(value)})` }));
}

/** `title` + `longer than 255` → `title: longer than 255`. */
const at = (where: string, why: string) => `${where}: ${why}`;

function stringBreakers(schema: Schema): fc.Arbitrary<Violation>[] {
  const breakers: fc.Arbitrary<Violation>[] = [];
  const { maxLength, minLength, format, pattern } = schema as { maxLength?: number; minLength?: number; format?: string; pattern?: string };
  if (maxLength !== undefined) {
    const unbounded = validValue({ ...schema, maxLength: undefined, minLength: undefined });
    breakers.push(
      fc.tuple(fc.integer({ min: maxLength + 1, max: maxLength + 64 }), unbounded).map(([length, valid]) => ({
        value: lengthen(String(valid), format, length),
        why: `longer than ${maxLength} (${length})`,
      })),
    );
  }
  if (minLength !== undefined && minLength > 0) {
    breakers.push(fc.constant({ value: 'x'.repeat(minLength - 1), why: `shorter than ${minLength}` }));
  }
  const breakersOfFormat = format ? FORMAT_BREAKERS[format] : undefined;
  if (breakersOfFormat) {
    breakers.push(fc.oneof(fc.constantFrom(...breakersOfFormat), fc.string({ maxLength: 40 })).map((value) => ({ value, why: `not a ${format} (${JSON.stringify(value)})` })));
  }
  if (pattern !== undefined) {
    const regex = new RegExp(pattern, 'u');
    const nearMisses = fc.stringMatching(regex, { maxLength: maxLength ?? 40 }).chain((valid) =>
      fc.constantFrom(valid.toUpperCase(), `${valid} `, ` ${valid}`, `${valid}\n`, `${valid}!`, valid.slice(1), '   '),
    );
    breakers.push(
      fc.oneof(nearMisses, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }))
        .filter((value) => !regex.test(value))
        .map((value) => ({ value, why: `does not match ${pattern} (${JSON.stringify(value)})` })),
    );
  }
  return breakers;
}

/** A string of `length` characters that keeps the value's format where it can, so the length is the fault. */
function lengthen(valid: string, format: string | undefined, length: number): string {
  const padding = (count: number) => 'x'.repeat(Math.max(0, count));
  if (format === 'email') return `${padding(length - valid.length)}${valid}`;
  if (format === 'uri') return `${valid}/${padding(length - valid.length - 1)}`;
  return `${valid}${padding(length - [...valid].length)}`.slice(0, Math.max(length, valid.length));
}

function numberBreakers(schema: Schema, types: string[]): fc.Arbitrary<Violation>[] {
  const breakers: fc.Arbitrary<Violation>[] = [];
  const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
  if (minimum !== undefined) {
    breakers.push(fc.constantFrom(minimum - 1, minimum - 1000, -1e300).map((value) => ({ value, why: `below the minimum ${minimum} (${value})` })));
  }
  if (maximum !== undefined) {
    breakers.push(
      fc.constantFrom(maximum + 1, maximum * 10 + 1, 2 ** 53 + 2, 1e300).map((value) => ({ value, why: `above the maximum ${maximum} (${value})` })),
    );
  }
  if (types.includes('integer') && !types.includes('number')) {
    const base = minimum ?? 0;
    breakers.push(fc.constantFrom(base + 0.5, base + 1.000001).map((value) => ({ value, why: `not an integer (${value})` })));
  }
  return breakers;
}

function arrayBreakers(schema: Schema, allows: Allows): fc.Arbitrary<Violation>[] {
  const items = (schema.items ?? {}) as Schema;
  const item = validValue(items);
  const badItem = invalidValue(items, allows);
  const breakers: fc.Arbitrary<Violation>[] = [];
  if (badItem) {
    breakers.push(
      fc.tuple(fc.array(item, { maxLength: 2 }), badItem, fc.nat()).map(([valid, bad, position]) => {
        const value = [...valid];
        const index = position % (value.length + 1);
        value.splice(index, 0, bad.value);
        return { value, why: at(`[${index}]`, bad.why) };
      }),
    );
  }
  const { maxItems, minItems } = schema as { maxItems?: number; minItems?: number };
  if (maxItems !== undefined) {
    breakers.push(
      fc.array(item, { minLength: maxItems + 1, maxLength: maxItems + 5 }).map((value) => ({ value, why: `more than ${maxItems} items (${value.length})` })),
    );
  }
  if (minItems !== undefined && minItems > 0) breakers.push(fc.constant({ value: [], why: `fewer than ${minItems} items` }));
  if (schema.uniqueItems && (maxItems === undefined || maxItems >= 2)) {
    breakers.push(item.map((value) => ({ value: [value, value], why: 'duplicate items' })));
  }
  return breakers;
}

/** Weighted so that one bad field inside a valid object, the fault that reaches deepest, comes up most. */
function objectBreakers(schema: Schema, allows: Allows): Weighted[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const base = validValue(schema) as fc.Arbitrary<Record<string, unknown>>;
  const breakers: Weighted[] = [];
  if (required.length > 0) {
    const missing = fc.tuple(base, fc.constantFrom(...required)).map(([valid, key]) => ({ value: without(valid, key), why: `missing required ${key}` }));
    breakers.push({ weight: 2, arbitrary: missing });
  }
  if (schema.additionalProperties === false) {
    const names = fc.oneof(fc.constantFrom(...UNKNOWN_FIELDS), word(1, 12)).filter((name) => !(name in properties));
    const unknown = fc
      .tuple(base, names, fc.oneof(fc.constant('x'), fc.integer(), fc.constant(null), fc.constant({})))
      .map(([valid, name, extra]) => ({ value: withOwn(valid, name, extra), why: `unknown field ${JSON.stringify(name.slice(0, 20))}` }));
    breakers.push({ weight: 2, arbitrary: unknown });
  }
  if (typeof schema.minProperties === 'number' && schema.minProperties > 0) {
    breakers.push({ weight: 1, arbitrary: fc.constant({ value: {}, why: `fewer than ${schema.minProperties} fields` }) });
  }
  const badProperties = Object.entries(properties).flatMap(([key, property]) => {
    const bad = invalidValue(property, allows);
    return bad ? [fc.tuple(base, bad).map(([valid, { value, why }]) => ({ value: withOwn(valid, key, value), why: at(key, why) }))] : [];
  });
  if (badProperties.length > 0) breakers.push({ weight: 6, arbitrary: fc.oneof(...badProperties) });
  return breakers;
}

function enumBreakers(schema: Schema): fc.Arbitrary<Violation> {
  const allowed = ('const' in schema ? [schema.const] : schema.enum) as unknown[];
  const strings = allowed.filter((value): value is string => typeof value === 'string');
  const nearMisses = strings.flatMap((value) => [value.toUpperCase(), `${value} `, `${value}x`, value.slice(0, -1)]);
  return fc
    .oneof(fc.constantFrom('bogus', 'not-a-value', ...nearMisses), word(1, 12))
    .filter((value) => !allowed.includes(value))
    .map((value) => ({ value, why: `not one of ${allowed.map((entry) => JSON.stringify(entry)).join(', ')} (${JSON.stringify(value)})` }));
}

function without(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

/** Sets an own property, also for names such as `__proto__` that plain assignment treats specially. */
function withOwn(value: Record<string, unknown>, key: string, extra: unknown): Record<string, unknown> {
  const copy = { ...value };
  Object.defineProperty(copy, key, { value: extra, enumerable: true, writable: true, configurable: true });
  return copy;
}
