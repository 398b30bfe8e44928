/**
 * fast-check arbitraries of values a JSON Schema accepts: the untouched parts of a bad request, so
 * that the one violation put into it is what the server has to catch (a body wrong everywhere is
 * refused at its first field, and never tests the others). Best effort: values respect types,
 * formats, patterns, enums and bounds, not the data's own rules (unique names, existing ids).
 */
import fc from 'fast-check';
import type { Schema } from './contract-operations.js';

const ALNUM = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

const memo = new WeakMap<Schema, fc.Arbitrary<unknown>>();

/** Values `schema` accepts (or, for the rare keyword this does not model, values close to it). */
export function validValue(schema: Schema): fc.Arbitrary<unknown> {
  let arbitrary = memo.get(schema);
  if (!arbitrary) {
    arbitrary = build(schema);
    memo.set(schema, arbitrary);
  }
  return arbitrary;
}

/** The JSON types a schema allows; `integer` is listed apart from `number`. */
export function typesOf(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  if ('const' in schema) return [jsonType(schema.const)];
  if (Array.isArray(schema.enum)) return [...new Set((schema.enum as unknown[]).map(jsonType))];
  if (schema.properties || schema.additionalProperties !== undefined) return ['object'];
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) return [...new Set(branches.flatMap(typesOf))];
  if (schema.allOf) return typesOf(merged(schema));
  return ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `allOf` folded into one schema (the contract only uses it to attach a default to a `$ref`). */
export function merged(schema: Schema): Schema {
  const { allOf, ...rest } = schema;
  return Object.assign({}, ...(allOf as Schema[]), rest) as Schema;
}

function build(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.allOf) return validValue(merged(schema));
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) {
    const rest = { ...schema };
    delete rest.oneOf;
    delete rest.anyOf;
    return fc.oneof(...branches.map((branch) => validValue({ ...rest, ...branch })));
  }
  const types = typesOf(schema);
  const nonNull = types.filter((type) => type !== 'null');
  const arbitraries = nonNull.map((type) => ofType(schema, type));
  if (types.includes('null')) arbitraries.push(fc.constant(null));
  return arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
}

function ofType(schema: Schema, type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.integer({ min: Math.ceil(schema.minimum ?? -1000), max: Math.floor(schema.maximum ?? 1000) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return validArray(schema);
    case 'object':
      return validObject(schema);
    default:
      return fc.constant(null);
  }
}

function validString(schema: Schema): fc.Arbitrary<string> {
  const min: number = schema.minLength ?? 0;
  const max: number = schema.maxLength ?? 40;
  const fits = (value: string) => [...value].length >= min && [...value].length <= max;
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return instant().map((date) => date.toISOString());
    case 'date':
      return instant().map((date) => date.toISOString().slice(0, 10));
    case 'email':
      return word(1, 20).map((local) => `${local}@example.com`);
    case 'uri':
      return word(1, 20).map((path) => `https://example.com/${path}`);
    default:
  }
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern, 'u'), { maxLength: max }).filter(fits);
  }
  // Letters and digits only: no blank value a server could trim to nothing.
  return word(Math.max(min, 1), Math.max(Math.min(max, min + 20), 1));
}

export const word = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...ALNUM), minLength, maxLength });

const instant = () => fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true });

function validArray(schema: Schema): fc.Arbitrary<unknown[]> {
  const item = validValue((schema.items as Schema | undefined) ?? {});
  const minLength: number = schema.minItems ?? 0;
  const maxLength = Math.min(schema.maxItems ?? 3, minLength + 3);
  return schema.uniqueItems
    ? fc.uniqueArray(item, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
    : fc.array(item, { minLength, maxLength });
}

function validObject(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  if (Object.keys(properties).length === 0) {
    // A free-form object (`metadata`): a few entries of any JSON.
    return fc.dictionary(word(1, 10), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 });
  }
  const minProperties: number = schema.minProperties ?? 0;
  const maxProperties: number = schema.maxProperties ?? Infinity;
  const record = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, validValue(property)])),
    { requiredKeys: required },
  );
  return record.filter((value) => Object.keys(value).length >= minProperties && Object.keys(value).length <= maxProperties);
}
