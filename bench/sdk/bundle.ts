/**
 * Bundle size of a library's entry, measured the same way for each: esbuild bundles a one-line
 * module re-exporting it with its dependencies, minified for the browser, then gzip (level 9).
 * What an entry only loads on demand (`import()`) is left out, as a bundler would split it off
 * (the SDK's response-validation schemas); `withLazy` counts it in.
 */
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

export interface BundleRow {
  name: string;
  minified: number;
  gzip: number;
}

const lazyExternal: Plugin = {
  name: 'lazy-chunks-external',
  setup(esbuild) {
    esbuild.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined));
  },
};

async function bundle(contents: string, withLazy: boolean): Promise<{ minified: number; gzip: number }> {
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('../../', import.meta.url)), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    treeShaking: true,
    logLevel: 'silent',
    plugins: withLazy ? [] : [lazyExternal],
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

export async function measureBundles(): Promise<BundleRow[]> {
  const sdkEntry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
  const entries: [string, string, boolean][] = [
    ['ticketflow (core entry, with ky and eventsource-parser)', `export * from ${JSON.stringify(sdkEntry)};`, false],
    ['ticketflow + on-demand validation (zod schemas)', `export * from ${JSON.stringify(sdkEntry)};`, true],
    ['openapi-fetch', "export * from 'openapi-fetch'; export { default } from 'openapi-fetch';", false],
    ['ky', "export * from 'ky'; export { default } from 'ky';", false],
  ];
  const rows: BundleRow[] = [];
  for (const [name, contents, withLazy] of entries) rows.push({ name, ...(await bundle(contents, withLazy)) });
  return rows;
}
