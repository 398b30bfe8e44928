/**
 * `Content-Disposition: attachment` with the file's name (RFC 6266): `filename*` carries it exactly,
 * in UTF-8 (RFC 8187), and `filename` an ASCII stand-in for the few clients that ignore `filename*`.
 * Stored names are already free of control characters (see attachments/file-name.ts); the encoding
 * here is what keeps quotes, semicolons and non-ASCII text from breaking the header.
 */

// RFC 8187 attr-char is narrower than what encodeURIComponent leaves alone.
const encodeExtValue = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

// Printable ASCII, without the characters that would end or escape the quoted string.
const asciiStandIn = (value: string) => value.replace(/[^\x20-\x7e]|["\\%]/g, '_');

export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${asciiStandIn(fileName)}"; filename*=UTF-8''${encodeExtValue(fileName)}`;
}
