/**
 * Request bodies broken below the level of the schema: text that is not JSON, JSON whose bytes are
 * not UTF-8, a body over the JSON size limit, and `multipart/form-data` uploads that are malformed
 * or break the upload rules. Each comes from a valid body, so the break is the only fault.
 */
import fc from 'fast-check';

export interface RawBody {
  bytes: string | Uint8Array;
  /** Undefined sends no Content-Type at all. */
  contentType: string | undefined;
  why: string;
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Breaks that leave no valid JSON behind, applied at a position of the valid text. */
const CORRUPTIONS: [string, (text: string, at: number) => string][] = [
  ['cut short', (text, at) => text.slice(0, at)],
  ['a stray brace', (text, at) => `${text.slice(0, at)}{${text.slice(at)}`],
  ['a stray quote', (text, at) => `${text.slice(0, at)}"${text.slice(at)}`],
  ['a trailing comma', (text) => text.replace(/}$/, ',}')],
  ['single quotes', (text) => text.replaceAll('"', "'")],
  ['unquoted keys', (text) => text.replace(/"([^"]+)":/g, '$1:')],
  ['trailing garbage', (text) => `${text} garbage`],
  ['two documents', (text) => `${text}${text}`],
  ['a comment', (text) => `/* note */${text}`],
  ['a bad escape', (text, at) => `${text.slice(0, at)}"\\x41"${text.slice(at)}`],
];

const NOT_JSON = ['', 'nul', 'NaN', '{', '[1,]', '{"a":1,}', '\u0000', 'undefined', ')]}\'\n{}', '{"a":01}', '{"a":1e}', '[[[[[[[[[['];

/**
 * Text that JSON.parse refuses; `allowEmpty` false keeps blank text out (for operations whose body
 * is optional, blank means "no body", which is valid).
 */
export function malformedJson(valid: fc.Arbitrary<string>, allowEmpty: boolean): fc.Arbitrary<RawBody> {
  const corrupted = fc.tuple(valid, fc.nat(), fc.constantFrom(...CORRUPTIONS)).map(([text, position, [why, corrupt]]) => ({
    text: corrupt(text, position % (text.length + 1)),
    why,
  }));
  const fixed = fc.constantFrom(...NOT_JSON).map((text) => ({ text, why: `not JSON ${JSON.stringify(text)}` }));
  // Nesting deeper than any parser's stack, opened and never closed.
  const deep = fc.constant({ text: '['.repeat(200_000), why: 'nested 200000 deep' });
  return fc
    .oneof({ weight: 4, arbitrary: corrupted }, { weight: 2, arbitrary: fixed }, { weight: 1, arbitrary: deep })
    .filter(({ text }) => !parses(text) && (allowEmpty || text.trim() !== ''))
    .map(({ text, why }) => ({ bytes: text, contentType: 'application/json', why: `malformed JSON: ${why}` }));
}

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, surrogates, cut-off sequences. */
const INVALID_UTF8: [string, number[]][] = [
  ['0xFF', [0xff]],
  ['a lone continuation byte', [0x80]],
  ['an overlong NUL', [0xc0, 0x80]],
  ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ['a cut-off sequence', [0xe2, 0x82]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ['a 5-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
];

/** Valid JSON text with invalid UTF-8 bytes inside one of its strings (or at its start when it has none). */
export function invalidUtf8(valid: fc.Arbitrary<string>): fc.Arbitrary<RawBody> {
  return fc.tuple(valid, fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([text, pick, [why, sequence]]) => {
    const bytes = new TextEncoder().encode(text);
    const quotes = [...bytes.keys()].filter((index) => bytes[index] === 0x22);
    // After an opening or closing quote: inside a string, or just after it (both invalid).
    const at = quotes.length === 0 ? 0 : quotes[pick % quotes.length]! + 1;
    const broken = new Uint8Array(bytes.length + sequence.length);
    broken.set(bytes.subarray(0, at), 0);
    broken.set(sequence, at);
    broken.set(bytes.subarray(at), at + sequence.length);
    return { bytes: broken, contentType: 'application/json', why: `invalid UTF-8: ${why}` };
  });
}

/** Valid JSON with one string made longer than the server's whole JSON body limit (1 MiB). */
export function hugeJson(valid: fc.Arbitrary<unknown>, limitBytes: number): fc.Arbitrary<RawBody> {
  return fc.tuple(valid, fc.integer({ min: 1, max: 4096 })).map(([value, extra]) => {
    const filler = 'x'.repeat(limitBytes + extra);
    const body = isRecord(value) ? { ...value, [firstStringKey(value) ?? 'filler']: filler } : filler;
    return { bytes: JSON.stringify(body), contentType: 'application/json', why: `over the body limit (a ${filler.length}-character string)` };
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const firstStringKey = (value: Record<string, unknown>) => Object.keys(value).find((key) => typeof value[key] === 'string');

/** Content types a JSON body may not be sent as (none at all among them). */
const NOT_JSON_TYPES = [
  undefined, 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/octet-stream', 'text/json', 'application/jsonp', 'json', 'application/javascript', 'image/png', '*/*',
];

/** A valid JSON text sent with a Content-Type that is not JSON. */
export function wrongContentType(valid: fc.Arbitrary<string>): fc.Arbitrary<RawBody> {
  return fc.tuple(valid, fc.constantFrom(...NOT_JSON_TYPES)).map(([text, contentType]) => ({
    bytes: text,
    contentType,
    why: `sent as ${contentType ?? 'no Content-Type'}`,
  }));
}

const BOUNDARY = 'bad-input-boundary';
const CRLF = '\r\n';

interface Part {
  name: string;
  fileName?: string;
  type?: string;
  content: string;
}

/** A multipart/form-data body of `parts`, with a closing boundary unless `open`. */
function form(parts: Part[], open = false): string {
  const encoded = parts.map((part) => {
    const disposition = `form-data; name="${part.name}"${part.fileName === undefined ? '' : `; filename="${part.fileName}"`}`;
    const headers = [`Content-Disposition: ${disposition}`, ...(part.type ? [`Content-Type: ${part.type}`] : [])];
    return `--${BOUNDARY}${CRLF}${headers.join(CRLF)}${CRLF}${CRLF}${part.content}${CRLF}`;
  });
  return `${encoded.join('')}${open ? '' : `--${BOUNDARY}--${CRLF}`}`;
}

const FILE: Part = { name: 'file', fileName: 'notes.txt', type: 'text/plain', content: 'It broke at noon.' };
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

/** A valid upload: one small text file. */
export const validUpload: RawBody = { bytes: form([FILE]), contentType: MULTIPART, why: 'a valid upload' };

/** Uploads the server must refuse: no file, an empty one, two, bad names, unknown fields, broken framing. */
export function badUploads(): fc.Arbitrary<RawBody> {
  const cases: [string, string, string | undefined][] = [
    ['no file part', form([{ name: 'description', content: 'only words' }]), MULTIPART],
    ['an empty file', form([{ ...FILE, content: '' }]), MULTIPART],
    ['two files', form([FILE, FILE]), MULTIPART],
    ['the file as a text field', form([{ name: 'file', content: 'not a file' }]), MULTIPART],
    ['an unexpected field', form([FILE, { name: 'owner', content: 'me' }]), MULTIPART],
    ['a file under another name', form([{ ...FILE, name: 'upload' }]), MULTIPART],
    ['a description of 1001 characters', form([FILE, { name: 'description', content: 'd'.repeat(1001) }]), MULTIPART],
    ['an empty file name', form([{ ...FILE, fileName: '' }]), MULTIPART],
    ['a file name of 300 characters', form([{ ...FILE, fileName: 'n'.repeat(300) }]), MULTIPART],
    ['a file name that is only a directory', form([{ ...FILE, fileName: '../' }]), MULTIPART],
    ['no closing boundary', form([FILE], true), MULTIPART],
    ['another boundary than declared', form([FILE]), 'multipart/form-data; boundary=something-else'],
    ['no boundary parameter', form([FILE]), 'multipart/form-data'],
    ['garbage under a multipart type', 'this is not a form', MULTIPART],
    ['an empty body', '', MULTIPART],
    ['a form sent as JSON', form([FILE]), 'application/json'],
    ['JSON instead of a form', '{"file":"x"}', 'application/json'],
    ['a form sent as urlencoded', 'file=x', 'application/x-www-form-urlencoded'],
    ['a form without Content-Type', form([FILE]), undefined],
  ];
  return fc.constantFrom(...cases).map(([why, bytes, contentType]) => ({ bytes, contentType, why: `upload with ${why}` }));
}
