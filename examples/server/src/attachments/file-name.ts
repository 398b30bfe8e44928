/**
 * The client's file name is only a label: it is shown to people and offered on download, never
 * used as a storage path. Still, it must not smuggle directories, control characters (header and
 * log injection) or bidi overrides ("invoice‮fdp.exe" displayed as "invoiceexe.pdf").
 */
const MAX_CHARS = 255; // attachments.file_name: length(btrim(file_name)) between 1 and 255

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The cleaned base name, or undefined when nothing usable is left. */
export function cleanFileName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // busboy already strips directories (preservePath: false); this does not depend on that option.
  // Both separators: Windows browsers and tools send "C:\Users\me\report.pdf".
  const name = (raw.replace(UNSAFE, '').split(/[/\\]/).at(-1) ?? '').normalize('NFC').trim();
  if (name === '' || name === '.' || name === '..') return undefined;
  return [...name].length <= MAX_CHARS ? name : undefined;
}
