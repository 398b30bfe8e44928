// Installs the packed package into a scratch project, the way a user would, and imports it from ESM
// and requires it from CommonJS on this Node and on Node 24 (from the registry's `node` package):
// the built files, the exports map (`ticketflow`, `ticketflow/node`, `ticketflow/msw`) and the
// bundled ky must work on every supported runtime. `ticketflow/msw` is tried on this Node (20 in
// CI) with msw 2, the peer a user installs, through msw's setupServer and the SDK.
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
  run('npm', ['install', '--no-audit', '--no-fund', join(scratch, tarball), 'node@24', 'msw@2']);

  // A real call through ky (bundled into the CJS build), answered by an injected fetch; then a file
  // on disk through `ticketflow/node`'s fileFromPath, uploaded as a multipart part.
  writeFileSync(join(scratch, 'report.log'), 'smoke bytes\n');
  const check = `
    const json = (body) => new Response(JSON.stringify(body), { status: 201, headers: { 'content-type': 'application/json' } });
    const client = (fetch) => new Ticketflow({ baseUrl: 'https://helpdesk.example.com', apiKey: 'tf_smoke', fetch });
    const fail = (what, value) => { throw new Error(what + ' ' + JSON.stringify(value)); };
    (async () => {
      const ticket = await client(async (request) => json({ id: new URL(request.url).pathname })).tickets.get('t1');
      if (ticket.id !== '/v1/tickets/t1') fail('unexpected answer', ticket);
      if (!/^\\d+\\.\\d+\\.\\d+/.test(VERSION)) fail('bad VERSION', VERSION);

      const file = await fileFromPath('report.log');
      const seen = { name: file.name, type: file.type, size: file.size, text: await file.text() };
      if (JSON.stringify(seen) !== JSON.stringify({ name: 'report.log', type: 'text/plain', size: 12, text: 'smoke bytes\\n' })) fail('fileFromPath gave', seen);
      const uploaded = await client(async (request) => {
        const part = (await request.formData()).get('file');
        return json({ file_name: part.name, text: await part.text() });
      }).attachments.upload('t1', file);
      if (uploaded.file_name !== 'report.log' || uploaded.text !== 'smoke bytes\\n') fail('upload sent', uploaded);
      console.log(process.version, VERSION, 'ok');
    })().catch((error) => { console.error(error); process.exit(1); });`;
  writeFileSync(join(scratch, 'esm.mjs'), `import { Ticketflow, VERSION } from 'ticketflow';\nimport { fileFromPath } from 'ticketflow/node';\n${check}\n`);
  writeFileSync(join(scratch, 'cjs.cjs'), `const { Ticketflow, VERSION } = require('ticketflow');\nconst { fileFromPath } = require('ticketflow/node');\n${check}\n`);

  // The demo scenario has six tickets: a ticket created through the SDK, answered by the mock's
  // handlers through msw's interception of fetch, is the seventh.
  const mswCheck = `
    const fail = (what, value) => { throw new Error(what + ' ' + JSON.stringify(value)); };
    (async () => {
      const mock = createTicketflowMock({ scenario: 'demo' });
      const server = setupServer(...mock.handlers);
      server.listen({ onUnhandledRequest: 'error' });
      try {
        const tf = new Ticketflow({ baseUrl: mock.baseUrl, accessToken: mock.as('customer').accessToken });
        const ticket = await tf.tickets.create({ title: 'Printer on fire' });
        if (ticket.ticket_number !== 'TKT-2026-00007' || ticket.requester_id !== mock.user('customer').id) fail('created', ticket);
        const calls = mock.calls('tickets.create').map((call) => [call.status, call.body.title]);
        if (JSON.stringify(calls) !== JSON.stringify([[201, 'Printer on fire']])) fail('calls', calls);
        if (mock.db.tickets.get(ticket.id)?.title !== 'Printer on fire') fail('stored', mock.db.tickets.size);
      } finally {
        server.close();
      }
      console.log(process.version, 'ticketflow/msw ok');
    })().catch((error) => { console.error(error); process.exit(1); });`;
  writeFileSync(
    join(scratch, 'msw-esm.mjs'),
    `import { setupServer } from 'msw/node';\nimport { Ticketflow } from 'ticketflow';\nimport { createTicketflowMock } from 'ticketflow/msw';\n${mswCheck}\n`,
  );
  writeFileSync(
    join(scratch, 'msw-cjs.cjs'),
    `const { setupServer } = require('msw/node');\nconst { Ticketflow } = require('ticketflow');\nconst { createTicketflowMock } = require('ticketflow/msw');\n${mswCheck}\n`,
  );

  for (const node of [process.execPath, join(scratch, 'node_modules/.bin/node')]) {
    for (const file of ['esm.mjs', 'cjs.cjs']) console.log(`${file}: ${run(node, [file])}`);
  }
  for (const file of ['msw-esm.mjs', 'msw-cjs.cjs']) console.log(`${file}: ${run(process.execPath, [file])}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
