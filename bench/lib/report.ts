/** Printing results as aligned tables on stdout, and saving them as JSON. */
import { writeFile } from 'node:fs/promises';
import { formatLoad, type Load } from './machine.js';

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export const loadLine = (load: { before: Load; after: Load }): string => `load average before ${formatLoad(load.before)}, after ${formatLoad(load.after)}`;

export async function saveJson(path: string | undefined, report: unknown): Promise<void> {
  if (path) await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
