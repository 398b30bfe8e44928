/**
 * The core entry runs on every runtime with fetch (browsers, Deno, Bun, edge), so nothing it pulls
 * in — its dependencies included, bundled the way a user's bundler would — may import a Node
 * builtin or lean on Node's globals. Node-only code belongs in `ticketflow/node` (src/node/).
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

async function bundleCore(): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    // No runtime assumed, no Node polyfills: what the SDK asks for is what it gets.
    platform: 'neutral',
    mainFields: ['module', 'main'],
    // Every builtin stays an import in the output (rather than failing to resolve), so the test can
    // name the offender; every npm package is bundled.
    external: [...builtinModules, 'node:*'],
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

const bundled = bundleCore();

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
    const uses = NODE_GLOBALS.flatMap((name) =>
      [...code.matchAll(new RegExp(`(typeof\\s+)?${marker(name)}`, 'g'))]
        // `typeof process !== 'undefined'` is how portable code detects Node: harmless elsewhere.
        .filter((match) => match[1] === undefined)
        .map((match) => code.slice(Math.max(0, match.index - 60), match.index + match[0].length + 20)),
    );
    expect(uses).toEqual([]);
  });
});
