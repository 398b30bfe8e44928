/**
 * A `multipart/form-data` body split into its parts, the way busboy (the server's parser) splits
 * it: a part is a file when its Content-Disposition names a `filename` (or `filename*`) or its type
 * is `application/octet-stream`; a part without a Content-Type is `text/plain`; a file name loses
 * its directories (both separators); parts without a form-data disposition are skipped.
 *
 * The platform's `Response.formData()` is not used: it differs between runtimes (Node 20's refuses
 * a part without a Content-Type or with an empty file name, which busboy reads), and it hides the
 * part types busboy reports. This parser is synchronous, so the pipeline can stay synchronous.
 */

/**
 * One part of a form, in the order sent.
 *
 * @example
 * ```ts
 * const part: FormPart = { kind: 'field', name: 'description', value: 'The error dialog' };
 * ```
 */
export type FormPart =
  | { kind: 'field'; name: string | undefined; value: string }
  | { kind: 'file'; name: string | undefined; fileName: string | undefined; type: string; bytes: Uint8Array<ArrayBuffer> };

/** The media type of a Content-Type header: lower case, without parameters. */
export const mediaType = (contentType: string | undefined | null) => contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? '';

/** Whether a request body is multipart of any kind (the server's upload middleware takes all of them). */
export const isMultipart = (contentType: string | undefined | null) => contentType?.trim().toLowerCase().startsWith('multipart/') ?? false;

const CRLF_CRLF = [13, 10, 13, 10];

function indexOf(haystack: Uint8Array, needle: readonly number[] | Uint8Array, from: number): number {
  const first = needle[0];
  outer: for (let at = haystack.indexOf(first!, from); at !== -1 && at + needle.length <= haystack.length; at = haystack.indexOf(first!, at + 1)) {
    for (let i = 1; i < needle.length; i += 1) if (haystack[at + i] !== needle[i]) continue outer;
    return at;
  }
  return -1;
}

/** A header parameter list (`form-data; name="file"; filename="a.txt"`) as busboy reads it. */
function parameters(value: string): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = splitParams(value);
  const params = new Map<string, string>();
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    let raw = param.slice(eq + 1).trim();
    // busboy unescapes only \\ and \" in a quoted value: `C:\Users\a.txt` keeps its backslashes.
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) raw = raw.slice(1, -1).replace(/\\([\\"])/g, '$1');
    if (key.endsWith('*')) {
      // RFC 8187: charset'language'percent-encoded.
      const match = /^([^']*)'[^']*'(.*)$/.exec(raw);
      if (!match) continue;
      try {
        raw = decodeURIComponent(match[2]!);
      } catch {
        continue;
      }
    }
    params.set(key, raw);
  }
  return { type: type.trim().toLowerCase(), params };
}

/** Splits on semicolons outside quotes. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i]!;
    if (char === '\\' && quoted) {
      current += char + (value[i + 1] ?? '');
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (char === ';' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  out.push(current);
  return out;
}

/** busboy's basename: the part after the last `/` or `\`; `.` and `..` become empty. */
function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const name = cut === -1 ? path : path.slice(cut + 1);
  return name === '.' || name === '..' ? '' : name;
}

const utf8 = new TextDecoder();

/**
 * The parts of a `multipart/form-data` body, or why it could not be read (busboy's own words: the
 * server reports them as `malformed multipart body: <reason>`).
 */
export function parseMultipart(contentType: string, body: Uint8Array): { parts: FormPart[] } | { error: string } {
  const boundary = parameters(contentType).params.get('boundary');
  if (!boundary) return { error: 'Multipart: Boundary not found' };
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  let at = indexOf(body, delimiter, 0);
  if (at === -1) return { error: 'Unexpected end of form' };
  const parts: FormPart[] = [];
  for (;;) {
    at += delimiter.length;
    // `--` after a delimiter closes the form.
    if (body[at] === 45 && body[at + 1] === 45) return { parts };
    const headersEnd = indexOf(body, CRLF_CRLF, at);
    if (headersEnd === -1) return { error: 'Unexpected end of form' };
    const headerLines = utf8.decode(body.subarray(at, headersEnd)).split('\r\n').filter((line) => line !== '');
    const next = indexOf(body, new Uint8Array([13, 10, ...delimiter]), headersEnd + 4);
    if (next === -1) return { error: 'Unexpected end of form' };
    const content = body.slice(headersEnd + 4, next);
    at = next + 2;
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon === -1) return { error: 'Malformed part header' };
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition');
    if (disposition === undefined) continue;
    const { type: dispositionType, params } = parameters(disposition);
    if (dispositionType !== 'form-data') continue;
    const name = params.get('name');
    // As busboy: an empty `filename` names no file (the part is a text field unless its type says file).
    const rawFileName = [params.get('filename*'), params.get('filename')].find((value) => value !== undefined && value !== '');
    const fileName = rawFileName === undefined ? undefined : basename(rawFileName);
    const declared = headers.get('content-type');
    const parsedType = declared === undefined ? '' : parameters(declared).type;
    const type = /^[^/\s]+\/[^/\s]+$/.test(parsedType) ? parsedType : 'text/plain';
    if (type === 'application/octet-stream' || fileName !== undefined) {
      parts.push({ kind: 'file', name, fileName, type, bytes: content });
    } else {
      parts.push({ kind: 'field', name, value: utf8.decode(content) });
    }
  }
}

/**
 * A form as the request log shows it: each field's text, each file's name, type and size; the body
 * as text when it is not a readable form.
 */
export function formSummary(contentType: string, body: Uint8Array): unknown {
  const parsed = parseMultipart(contentType, body);
  if ('error' in parsed) return utf8.decode(body);
  const summary: Record<string, unknown> = {};
  for (const part of parsed.parts) {
    const key = part.name ?? '';
    summary[key] = part.kind === 'field' ? part.value : { file_name: part.fileName ?? null, type: part.type, size: part.bytes.byteLength };
  }
  return summary;
}
