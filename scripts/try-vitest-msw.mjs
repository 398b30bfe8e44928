// Runs examples/vitest-msw — a user project testing its own code with vitest and ticketflow/msw —
// the way a user would: the packed tarball installed into a copy of the project, with the project's
// own dependencies from the registry, type-checked and tested. Twice: on this Node (20 in CI) with
// msw 2 and vitest 4, and on Node 24 (the registry's `node` package) with msw 3 and vitest 5,
// which need Node 22.12 or later. Fails when the project's type check or tests fail.
//
//   npm run build && node scripts/try-vitest-msw.mjs      (npm run example:msw)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const example = join(root, 'examples/vitest-msw');
const scratch = mkdtempSync(join(tmpdir(), 'ticketflow-vitest-msw-'));

const RUNS = [
  { name: 'Node 20, msw 2, vitest 4', node: null, msw: '^2.15.0', vitest: '^4.1.12' },
  { name: 'Node 24, msw 3, vitest 5', node: '24', msw: '^3.0.0', vitest: '^5.0.0' },
];

/** Runs a command, its output going to ours (the tests' report belongs in the CI log). */
function run(command, args, { cwd, env = process.env, capture = false }) {
  const output = execFileSync(command, args, { cwd, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8' });
  return capture ? output.trim() : '';
}

/** A PATH whose `node` (and so `npm`'s) is the registry's `node@<major>`, installed aside. */
function pathWithNode(major) {
  const dir = join(scratch, `node${major}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `node${major}`, private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', `node@${major}`], { cwd: dir });
  return join(dir, 'node_modules/.bin') + delimiter + process.env.PATH;
}

try {
  const tarball = join(scratch, run('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: root, capture: true }).split('\n').at(-1));

  for (const [index, spec] of RUNS.entries()) {
    console.log(`\n=== examples/vitest-msw: ${spec.name}`);
    const project = join(scratch, `project-${index}`);
    cpSync(example, project, { recursive: true, filter: (source) => !['node_modules', 'package-lock.json'].includes(basename(source)) });

    // What a user's package.json says: the SDK (here the tarball, in place of the repository's
    // `file:../..`) and the test tools at the majors of this run.
    const manifestPath = join(project, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.dependencies.ticketflow = `file:${tarball}`;
    manifest.devDependencies.msw = spec.msw;
    manifest.devDependencies.vitest = spec.vitest;
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

    const env = spec.node ? { ...process.env, PATH: pathWithNode(spec.node) } : process.env;
    const version = run('node', ['--version'], { cwd: project, env, capture: true });
    if (spec.node && !version.startsWith(`v${spec.node}.`)) throw new Error(`expected Node ${spec.node}, got ${version}`);

    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, env });
    const installed = (name) => JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')).version;
    console.log(`node ${version}, msw ${installed('msw')}, vitest ${installed('vitest')}, ticketflow ${installed('ticketflow')}`);
    run('npm', ['run', 'typecheck'], { cwd: project, env });
    run('npm', ['test'], { cwd: project, env });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
