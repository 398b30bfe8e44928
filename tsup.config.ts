import { readFileSync, rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const shared = {
  entry: ['src/index.ts'],
  // src-only, without @types/node: the build fails if the SDK reaches for Node APIs.
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'neutral',
  dts: true,
  sourcemap: true,
  // The two builds below run in parallel; `clean` in either could delete the other's output.
  clean: false,
  define: { __TICKETFLOW_VERSION__: JSON.stringify(version) },
} satisfies Options;

export default defineConfig(() => {
  rmSync(new URL('dist', import.meta.url), { recursive: true, force: true });
  return [
    { ...shared, format: 'esm' },
    // ky is ESM-only: a CJS build that require()s it fails at runtime, so inline it there.
    { ...shared, format: 'cjs', noExternal: ['ky'] },
    // `ticketflow/node`: its own build, since only it may use Node's APIs (and @types/node).
    // Keeps `node:` in its imports (tsup strips it by default), so no bundler mistakes them for npm packages.
    {
      ...shared,
      entry: { node: 'src/node/index.ts' },
      tsconfig: 'tsconfig.node.json',
      platform: 'node',
      format: ['esm', 'cjs'],
      removeNodeProtocol: false,
    },
    // `ticketflow/msw`: a build of its own, so the core bundle never carries the mock. msw is the
    // user's (a peer dependency, external as tsup makes peers); the SDK's own code it shares with
    // the core (errors, generated schemas) is bundled in, so it works with any copy of `ticketflow`.
    {
      ...shared,
      entry: { msw: 'src/msw/index.ts' },
      format: ['esm', 'cjs'],
      external: ['msw'],
    },
  ];
});
