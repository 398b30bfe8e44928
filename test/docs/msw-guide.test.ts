/**
 * docs/msw.md quotes examples/vitest-msw, the user project CI installs and tests (`npm run
 * example:msw`), so the guide shows code that runs. A code block right after
 * `<!-- quote: <path> -->` must be a run of that file's lines, whole or in part; indentation counts,
 * once each side's common indentation is removed (a quote from inside a function).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const MARKER = /<!-- quote: (\S+) -->/g;
const QUOTE = /<!-- quote: (\S+) -->\n```[a-z]*\n([\s\S]*?)\n```\n/g;

interface Quote {
  path: string;
  /** Where the marker is in the guide, for the failure message. */
  line: number;
  code: string;
}

function quotesOf(markdown: string): Quote[] {
  const lineOf = (index: number) => markdown.slice(0, index).split('\n').length;
  const quotes = [...markdown.matchAll(QUOTE)].map((match) => ({ path: match[1]!, line: lineOf(match.index), code: match[2]! }));
  const markers = [...markdown.matchAll(MARKER)].map((match) => lineOf(match.index));
  const unfollowed = markers.filter((line) => !quotes.some((quote) => quote.line === line));
  if (unfollowed.length > 0) throw new Error(`docs/msw.md: a quote marker not followed by a code block on line ${unfollowed.join(', ')}`);
  return quotes;
}

function dedent(lines: string[]): string {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length);
  const indent = Math.min(...indents);
  return lines.map((line) => line.slice(indent)).join('\n');
}

function isQuoteOf(code: string, text: string): boolean {
  const wanted = code.split('\n');
  const expected = dedent(wanted);
  const lines = text.split('\n');
  for (let start = 0; start + wanted.length <= lines.length; start += 1) {
    if (dedent(lines.slice(start, start + wanted.length)) === expected) return true;
  }
  return false;
}

describe('docs/msw.md quotes examples/vitest-msw', () => {
  const quotes = quotesOf(readFileSync(new URL('docs/msw.md', root), 'utf8'));

  it('quotes the example, every recipe included', () => {
    const files = new Set(quotes.map((quote) => quote.path));
    expect([...files].filter((path) => !path.startsWith('examples/vitest-msw/'))).toEqual([]);
    for (const file of ['src/incidents.ts', 'src/inbox.ts', 'test/setup.ts', 'test/incidents.test.ts', 'test/inbox.test.ts']) {
      expect(files).toContain(`examples/vitest-msw/${file}`);
    }
  });

  it.each(quotes.map((quote) => [`${quote.path} (docs/msw.md line ${quote.line})`, quote] as const))('%s is the file’s text', (_name, quote) => {
    const text = readFileSync(new URL(quote.path, root), 'utf8');
    expect(isQuoteOf(quote.code, text), `docs/msw.md line ${quote.line} no longer matches ${quote.path}: copy the code again`).toBe(true);
  });

  it('tells a changed line, or lines out of order, from a quote', () => {
    const file = 'export function f() {\n  const a = 1;\n  const b = 2;\n  return a + b;\n}\n';
    expect(isQuoteOf('const a = 1;\nconst b = 2;', file)).toBe(true);
    expect(isQuoteOf('const a = 1;\nconst b = 3;', file)).toBe(false);
    expect(isQuoteOf('const b = 2;\nconst a = 1;', file)).toBe(false);
    expect(isQuoteOf('const a = 1;\n  const b = 2;', file)).toBe(false);
  });
});
