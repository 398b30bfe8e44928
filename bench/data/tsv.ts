/**
 * Rows in PostgreSQL's COPY text format: tab-separated, `\N` for NULL, backslash escapes. Both
 * engines read the same lines (PostgreSQL from STDIN, PGlite from a blob).
 */

export type Cell = string | number | boolean | null | undefined | readonly string[] | Date | object;

const needsEscape = /[\\\t\n\r]/;

function escapeText(value: string): string {
  if (!needsEscape.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** An array literal of plain words (the generator only writes simple elements). */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

function cell(value: Cell): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return escapeText(arrayLiteral(value as readonly string[]));
  // Anything else is a jsonb value.
  return escapeText(JSON.stringify(value));
}

/** One COPY line, newline included. */
export const tsvLine = (cells: readonly Cell[]): string => `${cells.map(cell).join('\t')}\n`;

/** A jsonb cell holding a JSON string or number (history's old and new values). */
export const jsonValue = (value: string | number | boolean | null): string => JSON.stringify(value);
