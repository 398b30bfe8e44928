/**
 * Search snippets as safe HTML. `ts_headline` marks matches with STX/ETX (U+0002/U+0003) instead of
 * tags, because it does not escape the text around them: escaping here first and only then turning
 * the markers into `<mark>` means nothing a user wrote can ever become markup.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function toSnippet(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (char) => ESCAPES[char]!)
    .replaceAll('\u0002', '<mark>')
    .replaceAll('\u0003', '</mark>')
    .trim();
}
