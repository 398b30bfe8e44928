/**
 * Which MIME type an upload is stored and served with (examples/server/src/attachments/mime-type.ts):
 * the declared type, trusted only as far as the first bytes confirm it. The server sniffs with
 * `file-type`, which knows about 150 formats; the mock knows the signatures of the common ones
 * (`SIGNATURES` below: images, PDF, archives, office containers, executables, audio and video
 * containers, fonts, XML and RTF). A file in a format only the server recognises is taken as
 * declared by the mock, where the server might sniff it; ZIP files are reported as
 * `application/zip`, where file-type may look inside for a more precise Office or EPUB type.
 */
import { MockProblem } from '../problems.js';

/** How many leading bytes are sniffed, as on the server. */
export const SNIFF_BYTES = 4100;

const OCTET_STREAM = 'application/octet-stream';

const VALID = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** Names clients send for the types sniffing reports. */
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

/** Formats that are ZIP or OLE2 (CFB) containers: the container type confirms a declared type of the family. */
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

const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/x-ndjson', 'application/yaml', 'application/csv']);
const isText = (type: string) => type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml');

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** Whether `head` holds `bytes` at `offset` (`null` matches any byte). */
function at(head: Uint8Array, offset: number, bytes: readonly (number | null)[]): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, i) => byte === null || head[offset + i] === byte);
}

const text = (head: Uint8Array, offset: number, value: string) => at(head, offset, ascii(value));

/** The ISO base media brands file-type names (`ftyp`); any other brand is `video/mp4`, as there. */
const FTYP_BRANDS: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  avis: 'image/avif',
  mif1: 'image/heif',
  msf1: 'image/heif-sequence',
  heic: 'image/heic',
  heix: 'image/heic',
  hevc: 'image/heic-sequence',
  hevx: 'image/heic-sequence',
  qt: 'video/quicktime',
  M4V: 'video/x-m4v',
  M4VH: 'video/x-m4v',
  M4VP: 'video/x-m4v',
  M4P: 'video/mp4',
  M4B: 'audio/mp4',
  M4A: 'audio/x-m4a',
  F4V: 'video/mp4',
  F4P: 'video/mp4',
  F4A: 'audio/mp4',
  F4B: 'audio/mp4',
  crx: 'image/x-canon-cr3',
};

/**
 * Signatures, checked in file-type's order where two could both match; each answers the type
 * file-type reports.
 */
const SIGNATURES: readonly ((head: Uint8Array) => string | undefined)[] = [
  (h) => (at(h, 0, [0x42, 0x4d]) ? 'image/bmp' : undefined),
  (h) => (at(h, 0, [0x0b, 0x77]) ? 'audio/vnd.dolby.dd-raw' : undefined),
  (h) => (at(h, 0, [0x78, 0x01]) ? 'application/x-apple-diskimage' : undefined),
  (h) => (at(h, 0, [0x4d, 0x5a]) ? 'application/x-msdownload' : undefined),
  (h) => (text(h, 0, '%!PS-Adobe-') ? (text(h, 14, ' EPSF-') ? 'application/eps' : 'application/postscript') : undefined),
  (h) => (at(h, 0, [0x1f, 0x8b, 0x08]) ? 'application/gzip' : undefined),
  (h) => (text(h, 0, 'BZh') ? 'application/x-bzip2' : undefined),
  (h) => (text(h, 0, 'ID3') ? 'audio/mpeg' : undefined),
  (h) => (text(h, 0, 'GIF8') ? 'image/gif' : undefined),
  (h) => (at(h, 0, [0xff, 0xd8, 0xff]) ? 'image/jpeg' : undefined),
  (h) => (at(h, 0, [0x49, 0x49, 0x2a, 0x00]) || at(h, 0, [0x4d, 0x4d, 0x00, 0x2a]) ? 'image/tiff' : undefined),
  (h) => (text(h, 0, 'fLaC') ? 'audio/flac' : undefined),
  (h) => (text(h, 0, '8BPS') ? 'image/vnd.adobe.photoshop' : undefined),
  (h) => (text(h, 0, 'wOFF') ? 'font/woff' : undefined),
  (h) => (text(h, 0, 'wOF2') ? 'font/woff2' : undefined),
  (h) => (text(h, 0, 'OTTO') ? 'font/otf' : undefined),
  (h) => (text(h, 0, '%PDF') ? 'application/pdf' : undefined),
  (h) => (at(h, 0, [0x00, 0x61, 0x73, 0x6d]) ? 'application/wasm' : undefined),
  (h) => (at(h, 0, [0x7f, 0x45, 0x4c, 0x46]) ? 'application/x-elf' : undefined),
  (h) => (at(h, 0, [0x28, 0xb5, 0x2f, 0xfd]) ? 'application/zstd' : undefined),
  (h) => (at(h, 0, [0xcf, 0xfa, 0xed, 0xfe]) ? 'application/x-mach-binary' : undefined),
  (h) => (text(h, 0, '{\\rtf') ? 'application/rtf' : undefined),
  (h) => (at(h, 0, [0x50, 0x4b, 0x03, 0x04]) ? 'application/zip' : undefined),
  (h) => {
    if (!text(h, 0, 'OggS')) return undefined;
    if (text(h, 28, 'OpusHead')) return 'audio/ogg; codecs=opus';
    if (at(h, 28, [0x80, ...ascii('theora')])) return 'video/ogg';
    if (at(h, 28, [0x01, ...ascii('video')])) return 'video/ogg';
    if (at(h, 28, [0x7f, ...ascii('FLAC')])) return 'audio/ogg';
    if (text(h, 28, 'Speex  ')) return 'audio/ogg';
    if (at(h, 28, [0x01, ...ascii('vorbis')])) return 'audio/ogg';
    return 'application/ogg';
  },
  (h) => {
    if (!text(h, 0, 'RIFF')) return undefined;
    if (text(h, 8, 'AVI')) return 'video/vnd.avi';
    if (text(h, 8, 'WAVE')) return 'audio/wav';
    if (text(h, 8, 'QLCM')) return 'audio/qcelp';
    if (text(h, 8, 'WEBP')) return 'image/webp';
    return undefined;
  },
  (h) => {
    if (!text(h, 4, 'ftyp') || !(h[8]! & 0x60)) return undefined;
    const brand = String.fromCharCode(...h.subarray(8, 12)).replace('\0', ' ').trim();
    if (FTYP_BRANDS[brand]) return FTYP_BRANDS[brand];
    if (brand.startsWith('3g')) return brand.startsWith('3g2') ? 'video/3gpp2' : 'video/3gpp';
    return 'video/mp4';
  },
  (h) => {
    if (!at(h, 0, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
    // The EBML DocType, somewhere in the header.
    const head = String.fromCharCode(...h.subarray(0, 64));
    return head.includes('webm') ? 'video/webm' : 'video/matroska';
  },
  (h) => (text(h, 0, '<?xml ') ? 'application/xml' : undefined),
  (h) => (at(h, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) ? 'application/x-7z-compressed' : undefined),
  (h) => (at(h, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) ? 'application/x-xz' : undefined),
  (h) => (at(h, 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]) ? 'application/x-rar-compressed' : undefined),
  (h) => (at(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) ? 'image/png' : undefined),
  (h) => (at(h, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) ? 'application/x-cfb' : undefined),
  (h) => (text(h, 0, 'SQLite format 3\0') ? 'application/x-sqlite3' : undefined),
  (h) => (text(h, 257, 'ustar') ? 'application/x-tar' : undefined),
  (h) => (at(h, 0, [0x00, 0x01, 0x00, 0x00, 0x00]) ? 'font/ttf' : undefined),
  (h) => (at(h, 0, [0x00, 0x00, 0x01, 0x00]) ? 'image/x-icon' : undefined),
];

/** The type the first bytes show, as the server's sniffing would report it; undefined when unknown. */
export function sniff(head: Uint8Array): string | undefined {
  for (const signature of SIGNATURES) {
    const type = signature(head);
    if (type !== undefined) return normalize(type);
  }
  return undefined;
}

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
  return isText(sniffed) && isText(declared);
}

const hasUtf16Bom = (head: Uint8Array) => (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);

const mismatch = (declared: string, actual: string) =>
  new MockProblem(422, 'mime_type_mismatch', `the file was declared as ${declared}, but ${actual}`);

/**
 * The type to store, given the part's declared Content-Type and the file's bytes; a 422
 * `mime_type_mismatch` when the bytes contradict the declared type.
 */
export function resolveMimeType(declaredType: string | undefined, bytes: Uint8Array): string {
  const head = bytes.subarray(0, SNIFF_BYTES);
  const normalized = normalize(declaredType);
  const declared = normalized === OCTET_STREAM ? undefined : normalized;
  if (declared && isText(declared) && hasUtf16Bom(head)) return declared;
  const sniffed = sniff(head);
  if (sniffed) {
    if (!declared) return sniffed;
    if (confirms(sniffed, declared)) return declared;
    throw mismatch(declared, `the content is ${sniffed}`);
  }
  if (!declared) return OCTET_STREAM;
  if (isText(declared) && head.includes(0)) throw mismatch(declared, 'the content is binary');
  return declared;
}
