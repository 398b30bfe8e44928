/**
 * Path, query and header parameters travel as text. These helpers turn JSON values into that text
 * (repeated or comma-joined for arrays, as the parameter's style says), read text back the way a
 * lenient server would, and generate raw text that no reading can make valid: so a parameter
 * counts as bad only when the contract refuses it whatever the server's number parsing.
 */
import fc from 'fast-check';
import type { Contract, Parameter, Schema } from './contract-operations.js';
import { invalidValue } from './invalid-values.js';
import { typesOf, validValue } from './valid-values.js';

/**
 * Raw, already percent-encoded text: what ends up in the URL as is. Undecodable escapes (`%FF`,
 * `%zz`, a lone `%`) can only be written this way.
 */
export interface Encoded {
  encoded: string;
}

export type Text = string | Encoded;

/** Text that is not valid percent-encoding of UTF-8, or that decodes to control characters. */
const BROKEN_ESCAPES = ['%', '%FF', '%zz', '%C0%80', '%ED%A0%80', '%E2%82', '100%', '%%'];

/** Text no type reads as valid input, whatever the schema: numbers that aren't, markup, huge values. */
const GARBAGE = ['', ' ', 'abc', 'NaN', 'Infinity', '-Infinity', '1.5', '-1', 'null', 'undefined', '[]', '{}', '💥', '\u0000', '<script>'];

/** JSON values as parameter text: the values of an array, one string otherwise. */
export function toText(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry)));
  return [typeof value === 'string' ? value : JSON.stringify(value)];
}

/** `name=value` pairs for a query parameter: repeated (`explode`) or comma-joined. */
export function queryPairs(parameter: Parameter, texts: Text[]): [string, Text][] {
  if (isArray(parameter.schema) && !parameter.explode) return [[parameter.name, { encoded: texts.map(textToUrl).join(',') }]];
  return texts.map((text) => [parameter.name, text]);
}

/** Valid text for a parameter. */
export function validText(parameter: Parameter): fc.Arbitrary<string[]> {
  return validValue(parameter.schema).map(toText);
}

/**
 * Whether the contract allows these texts for the parameter, read leniently: numbers as JavaScript
 * reads them (`0x10`, `1e3`, ` 5`), so nothing counts as bad that a lenient server may accept.
 */
export function allowsText(contract: Contract, parameter: Parameter, texts: Text[]): boolean {
  // No text at all (an empty array's) leaves the parameter out.
  if (texts.length === 0) return !parameter.required;
  const decoded: string[] = [];
  for (const text of texts) {
    if (typeof text === 'string') {
      decoded.push(text);
      continue;
    }
    try {
      decoded.push(decodeURIComponent(text.encoded));
    } catch {
      return false;
    }
  }
  const { schema } = parameter;
  if (isArray(schema)) {
    const items = parameter.explode ? decoded : decoded.length === 1 ? decoded[0]!.split(',') : undefined;
    if (items === undefined) return false;
    const read = items.map((item) => readText((schema.items ?? {}) as Schema, item));
    return !read.includes(UNREADABLE) && contract.allows(schema, read);
  }
  if (decoded.length !== 1) return false;
  const value = readText(schema, decoded[0]!);
  return value !== UNREADABLE && contract.allows(schema, value);
}

const UNREADABLE = Symbol('unreadable');

function readText(schema: Schema, text: string): unknown {
  const types = typesOf(schema);
  if ((types.includes('integer') || types.includes('number')) && text.trim() !== '' && Number.isFinite(Number(text))) {
    const number = Number(text);
    if (types.includes('number') || Number.isInteger(number)) return number;
  }
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.includes('string')) return text;
  return UNREADABLE;
}

const isArray = (schema: Schema) => typesOf(schema).includes('array') && !typesOf(schema).includes('string');

export interface BadText {
  texts: Text[];
  why: string;
}

/**
 * Texts the parameter refuses: the contract's own violations (from the schema), undecodable
 * escapes, garbage of every kind, a 5000-character value, and (in a query) a single-valued
 * parameter given twice. Path segments are never `.` or `..`, which URLs resolve away into
 * another path altogether.
 */
export function invalidText(contract: Contract, parameter: Parameter): fc.Arbitrary<BadText> {
  const fromSchema = invalidValue(parameter.schema, contract.allows);
  const candidates: fc.Arbitrary<BadText>[] = [
    fc.constantFrom<Text>(...GARBAGE, 'x'.repeat(5000), ...BROKEN_ESCAPES.map((encoded) => ({ encoded }))).map((text) => ({
      texts: [text],
      why: `garbage ${show(text)}`,
    })),
    fc.string({ maxLength: 30 }).map((text) => ({ texts: [text], why: `random ${show(text)}` })),
  ];
  if (fromSchema) candidates.push(fromSchema.map(({ value, why }) => ({ texts: toText(value), why })));
  if (parameter.in === 'query' && !isArray(parameter.schema)) {
    candidates.push(fc.tuple(validText(parameter), validText(parameter)).map(([a, b]) => ({ texts: [...a, ...b], why: 'given twice' })));
  }
  return fc
    .oneof(...candidates)
    .filter(({ texts }) => parameter.in !== 'path' || (texts.length === 1 && !/^\.{1,2}$/.test(textToUrl(texts[0]!))))
    .filter(({ texts }) => !allowsText(contract, parameter, texts));
}

/** A text for messages, cut short. */
export const show = (text: Text) =>
  typeof text === 'string' ? JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}…(${text.length} chars)` : text) : `raw ${text.encoded}`;

export const textToUrl = (text: Text) => (typeof text === 'string' ? encodeURIComponent(text) : text.encoded);
