// Installs the packed package into a scratch project, the way a user would, and imports it from ESM
// and requires it from CommonJS on this Node and on Node 24 (from the registry's `node` package):
// the built files, the exports map and the bundled ky must work on every supported runtime.
//
//   npm run build && node scripts/smoke-package.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'ticketflow-smoke-'));
const run = (command, args, cwd = scratch) => execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' }).trim();

try {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', scratch], root).split('\n').at(-1);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'smoke', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', join(scratch, tarball), 'node@24']);

  // A real call through ky (bundled into the CJS build), answered by an injected fetch.
  const check = `
    const fetch = async (request) => new Response(JSON.stringify({ id: new URL(request.url).pathname }), { headers: { 'content-type': 'application/json' } });
    const tf = new Ticketflow({ baseUrl: 'https://helpdesk.example.com', apiKey: 'tf_smoke', fetch });
    tf.tickets.get('t1').then((ticket) => {
      if (ticket.id !== '/v1/tickets/t1') throw new Error('unexpected answer ' + JSON.stringify(ticket));
      if (!/^\\d+\\.\\d+\\.\\d+/.test(VERSION)) throw new Error('bad VERSION ' + VERSION);
      console.log(process.version, VERSION, 'ok');
    }).catch((error) => { console.error(error); process.exit(1); });`;
  writeFileSync(join(scratch, 'esm.mjs'), `import { Ticketflow, VERSION } from 'ticketflow';\n${check}\n`);
  writeFileSync(join(scratch, 'cjs.cjs'), `const { Ticketflow, VERSION } = require('ticketflow');\n${check}\n`);

  for (const node of [process.execPath, join(scratch, 'node_modules/.bin/node')]) {
    for (const file of ['esm.mjs', 'cjs.cjs']) console.log(`${file}: ${run(node, [file])}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
