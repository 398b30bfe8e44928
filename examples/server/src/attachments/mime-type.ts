/**
 * Which MIME type an upload is stored (and later served) with. The client's declared type is
 * trusted only as far as the bytes confirm it: otherwise a program or an HTML page could be
 * uploaded as "image/png" and handed to the next person who opens the ticket.
 */
import { fileTypeFromBuffer } from 'file-type';
import { UploadError } from './upload-error.js';

/** How many leading bytes to keep for sniffing: what file-type itself reads for most formats. */
export const SNIFF_BYTES = 4100;

const OCTET_STREAM = 'application/octet-stream';

// The shape attachments.mime_type accepts; anything else would fail the insert later.
const VALID = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

// Names clients really send for the type file-type reports.
const ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'image/x-ms-bmp': 'image/bmp',
  'image/vnd.microsoft.icon': 'image/x-icon',
  'application/x-zip-compressed': 'application/zip',
  'application/x-zip': 'application/zip',
  'application/x-pdf': 'application/pdf',
  'application/x-gzip': 'application/gzip',
  'application/x-rar': 'application/x-rar-compressed',
  'application/vnd.rar': 'application/x-rar-compressed',
  'application/x-rtf': 'application/rtf',
  'text/rtf': 'application/rtf',
  'text/xml': 'application/xml',
  'text/x-vcard': 'text/vcard',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'video/x-msvideo': 'video/vnd.avi',
  'video/avi': 'video/vnd.avi',
};

// Formats that are ZIP or OLE2 (CFB) containers. From the first 4100 bytes file-type often sees
// only the container (the entry naming a .docx's type can come later), so the container type
// confirms a declared type of this family instead of contradicting it.
const ZIP_FAMILY = [
  'application/vnd.openxmlformats-officedocument.',
  'application/vnd.oasis.opendocument.',
  'application/vnd.ms-excel.',
  'application/vnd.ms-word.',
  'application/vnd.ms-powerpoint.',
  'application/epub+zip',
  'application/java-archive',
  'application/vnd.android.package-archive',
  'application/x-xpinstall',
  'application/vnd.visio',
  'model/3mf',
];
const CFB_FAMILY = new Set([
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.ms-outlook',
  'application/vnd.visio',
  'application/x-msi',
]);

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/x-ndjson',
  'application/yaml',
  'application/csv',
]);
const isText = (type: string) =>
  type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml');

/** Lower case, no parameters, known aliases resolved; undefined when absent or not a valid type. */
function normalize(type: string | undefined): string | undefined {
  const bare = type?.split(';', 1)[0]?.trim().toLowerCase();
  const resolved = bare && (ALIASES[bare] ?? bare);
  return resolved && resolved.length <= 100 && VALID.test(resolved) ? resolved : undefined;
}

function confirms(sniffed: string, declared: string): boolean {
  if (sniffed === declared) return true;
  if (sniffed === 'application/zip') return ZIP_FAMILY.some((prefix) => declared.startsWith(prefix));
  if (sniffed === 'application/x-cfb') return CFB_FAMILY.has(declared);
  // XML, iCalendar, vCard, WebVTT: text either way, e.g. an SVG or a .txt that starts with "<?xml".
  return isText(sniffed) && isText(declared);
}

// FF FE / FE FF: UTF-16 text (Windows PowerShell's default output encoding) is full of NUL bytes,
// and file-type reads "FF FE" as an MPEG audio frame header.
const hasUtf16Bom = (head: Uint8Array) =>
  (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);

async function sniff(head: Uint8Array): Promise<string | undefined> {
  try {
    return normalize((await fileTypeFromBuffer(head))?.mime);
  } catch {
    // Sniffing is best effort: a parser error on crafted input means "not recognised".
    return undefined;
  }
}

/**
 * The type to store, given the part's declared Content-Type and the first SNIFF_BYTES of the file.
 * Throws 422 `mime_type_mismatch` when the bytes contradict the declared type.
 */
export async function resolveMimeType(declaredType: string | undefined, head: Uint8Array): Promise<string> {
  const normalized = normalize(declaredType);
  const declared = normalized === OCTET_STREAM ? undefined : normalized;
  if (declared && isText(declared) && hasUtf16Bom(head)) return declared;

  const sniffed = await sniff(head);
  if (sniffed) {
    if (!declared) return sniffed;
    // The declared type wins when confirmed: it can be more precise than the container sniffed.
    if (confirms(sniffed, declared)) return declared;
    throw mismatch(declared, `the content is ${sniffed}`);
  }
  if (!declared) return OCTET_STREAM;
  // Text has no magic number; a NUL byte is the cheap tell that it is binary after all.
  if (isText(declared) && head.includes(0)) throw mismatch(declared, 'the content is binary');
  // file-type recognises only formats with a signature; anything else is taken as declared.
  return declared;
}

const mismatch = (declared: string, actual: string) =>
  new UploadError(422, 'mime_type_mismatch', `the file was declared as ${declared}, but ${actual}`);
