/**
 * The core entry runs on every runtime with fetch (browsers, Deno, Bun, edge), so nothing it pulls
 * in — its dependencies included, bundled the way a user's bundler would — may import a Node
 * builtin or lean on Node's globals. Node-only code belongs in `ticketflow/node` (src/node/).
 * `ticketflow/msw` runs in browsers too (msw's `setupWorker`), so it is held to the same rule, with
 * msw itself left to the user's bundler: its `msw` entry is msw's own browser-safe one.
 */
import { build, type Metafile } from 'esbuild';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Globals Node has and other runtimes lack. esbuild's `define` swaps only free (unbound) uses, so a
// local variable named `process` is not flagged; the marker makes each free use findable in the output.
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'global', '__dirname', '__filename', 'setImmediate'];
const marker = (name: string) => `__node_global_${name}__`;

async function bundleEntry(entry: string, peers: string[] = []): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    // No runtime assumed, no Node polyfills: what the SDK asks for is what it gets.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    // Every builtin stays an import in the output (rather than failing to resolve), so the test can
    // name the offender; every npm package but the entry's peers is bundled.
    external: [...builtinModules, 'node:*', ...peers],
    metafile: true,
    logLevel: 'silent',
    define: {
      __TICKETFLOW_VERSION__: '"0.0.0"',
      ...Object.fromEntries(NODE_GLOBALS.map((name) => [name, marker(name)])),
    },
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output');
  return { code: output.text, metafile: result.metafile };
}

/** Each free use of a Node global in `code`, with some context. */
function nodeGlobalUses(code: string): string[] {
  return NODE_GLOBALS.flatMap((name) =>
    [...code.matchAll(new RegExp(`(typeof\\s+)?${marker(name)}`, 'g'))]
      // `typeof process !== 'undefined'` is how portable code detects Node: harmless elsewhere.
      .filter((match) => match[1] === undefined)
      .map((match) => code.slice(Math.max(0, match.index - 60), match.index + match[0].length + 20)),
  );
}

const bundled = bundleEntry('src/index.ts');

describe('the core entry, bundled with its dependencies for a neutral platform', () => {
  it('bundles its runtime dependencies and none of src/node', async () => {
    const inputs = Object.keys((await bundled).metafile.inputs);
    expect(inputs).toContain('src/index.ts');
    expect(inputs.some((input) => input.includes('node_modules/ky/'))).toBe(true);
    expect(inputs.some((input) => input.includes('node_modules/eventsource-parser/'))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('src/node/'))).toEqual([]);
  });

  it('imports no Node builtin (nor anything else: all of it is bundled)', async () => {
    const { metafile } = await bundled;
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
    expect(imports).toEqual([]);
  });

  it("uses none of Node's globals, except to test whether they exist", async () => {
    const { code } = await bundled;
    expect(nodeGlobalUses(code)).toEqual([]);
  });
});

describe('the msw entry, bundled with its dependencies for a neutral platform (msw, a peer, left out)', () => {
  const mswBundled = bundleEntry('src/msw/index.ts', ['msw']);

  it('bundles the kit and zod, and none of src/node', async () => {
    const inputs = Object.keys((await mswBundled).metafile.inputs);
    expect(inputs).toContain('src/msw/index.ts');
    expect(inputs.some((input) => input.includes('node_modules/zod/'))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('src/node/'))).toEqual([]);
  });

  it("imports msw's browser-safe entry only: no Node builtin, no msw/node", async () => {
    const { metafile } = await mswBundled;
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
    expect([...new Set(imports)]).toEqual(['msw']);
  });

  it("uses none of Node's globals, except to test whether they exist", async () => {
    const { code } = await mswBundled;
    expect(nodeGlobalUses(code)).toEqual([]);
  });
});
