/**
 * Resource limits, against the real server (src/main.ts as a child process, file-backed PGlite or
 * PostgreSQL), over real sockets:
 *
 * - a 1 GiB upload, streamed from a generator that hands out the same 1 MiB buffer again and again
 *   (never held whole on either side), is refused at the 50 MiB limit with a 413 problem while the
 *   server's resident memory grows by at most MEMORY_BOUND (32 MiB);
 * - thousands of idle live-event connections (10 000 when the file-descriptor limits allow) do not
 *   starve other requests;
 * - slow clients hold only their own connection: a slowloris sending its headers a byte a second
 *   is cut by the headers timeout, a body trickling in by the request timeout, and a download read
 *   very slowly goes on while everything else is answered.
 *
 * No timing thresholds: every check is an outcome (a status, a closed socket, a memory bound). The
 * waits only bound how long a broken server may take to fail. Slow by nature (minutes), so it runs
 * with `npm run test:reliability`, not `npm test`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, engines, type TestDatabase } from '../support/test-database.js';
import { login, startServer, type ServerProcess } from './server-process.js';

const MiB = 1024 * 1024;
const UPLOAD_LIMIT = 50 * MiB;
/**
 * How much the server's peak resident memory may rise above its level before the 1 GiB upload. A
 * server that streams the upload holds a few hundred KiB of it at a time (socket reads, busboy, the
 * hash, the file write): measured, the peak rises by 0 to 2 MiB. One that buffered what it reads
 * before refusing would rise by the 50 MiB or more. 32 MiB sits between the two with room to spare
 * for garbage not collected yet. The first fast stream a server ever takes also makes V8 grow its
 * young generation to the maximum (2 × 16 MiB, measured +33 MiB on PostgreSQL): a one-off, not the
 * upload's doing, so a refused upload of 64 MiB goes first as a warm-up.
 */
const MEMORY_BOUND = 32 * MiB;
/** Short, so the suite sees them fire; main.ts passes them to Node's HTTP server. */
const HEADERS_TIMEOUT_S = 5;
const REQUEST_TIMEOUT_S = 15;
const WANTED_STREAMS = 10_000;
/** Bounds waiting on a broken server; never reached by a working one. */
const PATIENCE_MS = 180_000;

/** The soft limit on open files of a process. */
async function openFileLimit(pid: number | 'self'): Promise<number> {
  const limits = await readFile(`/proc/${pid}/limits`, 'utf8');
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
}

/** Peak resident memory since the last reset, and the reset (Linux: clear_refs 5). */
async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)![1]) * 1024;
}
const resetPeakRss = (pid: number) => writeFile(`/proc/${pid}/clear_refs`, '5');

function* sameBufferRepeated(chunk: Buffer, total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += chunk.byteLength) yield chunk;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Request body bytes handed to the socket before the answer came (or the socket closed). */
  sent: number;
}

/**
 * POSTs a multipart upload whose file is `total` bytes from a generator, writing only as fast as
 * the socket takes it, and stops writing as soon as the server answers.
 */
function streamUpload(url: URL, token: string, total: number, declareLength: boolean): Promise<Answer> {
  const boundary = `tf${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(declareLength ? { 'content-length': String(head.byteLength + total + tail.byteLength) } : { 'transfer-encoding': 'chunked' }),
      },
    });
    let sent = 0;
    let answered = false;
    let closed = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, sent }));
      res.on('error', reject);
    });
    req.on('close', () => (closed = true));
    // Once the server has answered it may close the connection under a body still being written.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const writable = () =>
      new Promise<void>((resume) => {
        const done = () => {
          req.off('drain', done);
          req.off('close', done);
          req.off('response', done);
          resume();
        };
        req.once('drain', done);
        req.once('close', done);
        req.once('response', done);
      });
    void (async () => {
      req.write(head);
      for (const chunk of sameBufferRepeated(Buffer.alloc(MiB, 0x61), total)) {
        if (answered || closed) return;
        sent += chunk.byteLength;
        if (!req.write(chunk)) await writable();
      }
      if (!answered && !closed) req.end(tail);
    })();
  });
}

/** A raw connection that sends `head` and keeps whatever comes back. */
function rawConnection(origin: string, head: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const url = new URL(origin);
  const socket = connect(Number(url.port), url.hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => (received += text));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return { socket, received: () => received, closed };
}

/** CPU seconds the process has used (utime + stime, in clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Resolves once the process has settled: less than a quarter of a CPU second used in a second.
 * Opening thousands of streams is work (each reads the events once); idle is what comes after.
 */
async function settled(pid: number): Promise<void> {
  await within(
    (async () => {
      for (let used = Infinity; used >= 0.25; ) {
        const before = await cpuSeconds(pid);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        used = (await cpuSeconds(pid)) - before;
      }
    })(),
    'the server to settle',
  );
}

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${PATIENCE_MS} ms`)), PATIENCE_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(engines)('resource limits (%s)', (engine) => {
  let dataDir: string;
  let postgres: TestDatabase | undefined;
  let server: ServerProcess;
  let admin: string;
  let customer: string;
  let ticketId: string;

  const call = async (token: string, method: string, path: string, init: { json?: unknown; body?: Uint8Array | FormData } = {}) => {
    const res = await fetch(`${server.origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.json === undefined ? (init.body ? { body: init.body } : {}) : { body: JSON.stringify(init.json) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : undefined };
  };
  /** A request that must be answered while the server is under whatever the test puts on it. */
  const stillServing = async () => {
    const list = await within(call(customer, 'GET', '/v1/tickets?limit=5'), 'GET /v1/tickets');
    expect(list.status).toBe(200);
    const comment = await within(call(customer, 'POST', `/v1/tickets/${ticketId}/comments`, { json: { body: 'still here' } }), 'POST a comment');
    expect(comment.status).toBe(201);
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tf-limits-'));
    postgres = engine === 'postgres' ? await createEmptyDatabase('postgres', { maxConnections: 1 }) : undefined;
    server = await startServer({
      dataDir,
      databaseUrl: postgres?.url,
      env: { HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_S), REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S) },
    });
    admin = await login(server.origin, 'admin@example.com');
    customer = await login(server.origin, 'customer@example.com');
    const created = await call(customer, 'POST', '/v1/tickets', { json: { title: 'Resource limits' } });
    expect(created.status).toBe(201);
    ticketId = created.body.id;
  });
  afterAll(async () => {
    await server?.stop();
    await postgres?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a 1 GiB upload at 50 MiB with a 413 problem, its memory growing by at most 32 MiB', async () => {
    // Warm-up: the upload path's modules are loaded, and the heap has grown to what a fast stream
    // needs (see MEMORY_BOUND).
    const form = new FormData();
    form.append('file', new Blob(['warm-up'], { type: 'text/plain' }), 'warm-up.txt');
    expect((await call(customer, 'POST', `/v1/tickets/${ticketId}/attachments`, { body: form })).status).toBe(201);
    expect((await streamUpload(new URL(`${server.origin}/v1/tickets/${ticketId}/attachments`), customer, 64 * MiB, false)).status).toBe(413);
    const filesBefore = await readdir(join(dataDir, 'attachments'), { recursive: true });

    const baseline = (await server.rss());
    await resetPeakRss(server.pid);
    const answer = await within(streamUpload(new URL(`${server.origin}/v1/tickets/${ticketId}/attachments`), customer, 1024 * MiB, false), 'the 1 GiB upload');
    const peak = await peakRss(server.pid);
    console.info(`[${engine}] 1 GiB upload: refused after ${(answer.sent / MiB).toFixed(0)} MiB sent; RSS ${(baseline / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)} MiB (+${((peak - baseline) / MiB).toFixed(1)} MiB)`);

    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'payload_too_large' });
    // It stopped reading: what it took is the limit, plus at most what Node's HTTP layer drains
    // (64 MiB) and the sockets' buffers, far from the gigabyte.
    expect(answer.sent).toBeGreaterThan(UPLOAD_LIMIT);
    expect(answer.sent).toBeLessThan(UPLOAD_LIMIT + 128 * MiB);
    expect(peak - baseline).toBeLessThanOrEqual(MEMORY_BOUND);
    // Nothing of it stayed in the store.
    expect(await readdir(join(dataDir, 'attachments'), { recursive: true })).toEqual(filesBefore);
    await stillServing();
  });

  it('refuses an upload that declares 1 GiB before reading it', async () => {
    const answer = await within(streamUpload(new URL(`${server.origin}/v1/tickets/${ticketId}/attachments`), customer, 1024 * MiB, true), 'the declared upload');
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'payload_too_large' });
    expect(answer.sent).toBeLessThan(UPLOAD_LIMIT + 128 * MiB);
    await stillServing();
  });

  it('answers requests while thousands of idle live-event connections are open', async () => {
    // Each connection costs a descriptor in this process and one in the server.
    const spare = 1000;
    const streams = Math.min(WANTED_STREAMS, (await openFileLimit('self')) - spare, (await openFileLimit(server.pid)) - spare);
    console.info(`[${engine}] idle streams: ${streams} (wanted ${WANTED_STREAMS}; open-file limits: test ${await openFileLimit('self')}, server ${await openFileLimit(server.pid)})`);
    expect(streams).toBeGreaterThan(1000);

    // Opening them is rate limited per caller like any request: spread them over enough users.
    const perUser = 400;
    const tokens: string[] = [];
    for (let i = 0; tokens.length * perUser < streams; i++) {
      const email = `listener-${i}-${randomBytes(3).toString('hex')}@example.com`;
      const created = await call(admin, 'POST', '/v1/users', { json: { email, password: 'listening-quietly-1', role: 'customer' } });
      expect(created.status).toBe(201);
      tokens.push(await login(server.origin, email, 'listening-quietly-1'));
    }

    const { host } = new URL(server.origin);
    const connections: ReturnType<typeof rawConnection>[] = [];
    const open = async (i: number) => {
      const connection = rawConnection(
        server.origin,
        `GET /v1/events HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${tokens[i % tokens.length]}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      connections.push(connection);
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (connection.received().includes(': open')) resolve();
          else if (/^HTTP\/1\.1 (?!200)/.test(connection.received())) reject(new Error(`stream ${i}: ${connection.received().slice(0, 300)}`));
        };
        connection.socket.on('data', check);
        void connection.closed.then(() => reject(new Error(`stream ${i} closed: ${connection.received().slice(0, 300)}`)));
      });
    };
    try {
      const started = performance.now();
      const BATCH = 200;
      for (let first = 0; first < streams; first += BATCH) {
        await within(Promise.all(Array.from({ length: Math.min(BATCH, streams - first) }, (_, k) => open(first + k))), `streams ${first}…`);
      }
      const opened = performance.now();
      await settled(server.pid);
      const idle = performance.now();
      // Idle streams cost nothing: requests are answered as on an empty server.
      const list = await within(call(customer, 'GET', '/v1/tickets?limit=5'), 'GET /v1/tickets');
      const answered = performance.now();
      expect(list.status).toBe(200);
      expect((await within(call(customer, 'GET', `/v1/tickets/${ticketId}`), 'GET a ticket')).status).toBe(200);
      console.info(
        `[${engine}] ${streams} streams opened in ${((opened - started) / 1000).toFixed(1)} s, idle after ${((idle - opened) / 1000).toFixed(1)} s more; ` +
          `a GET then took ${(answered - idle).toFixed(0)} ms; server RSS ${((await server.rss()) / MiB).toFixed(0)} MiB`,
      );
      expect(connections.filter((connection) => connection.socket.destroyed)).toHaveLength(0);
    } finally {
      for (const connection of connections) connection.socket.destroy();
    }
    await settled(server.pid);
    await stillServing();
  });

  it(`cuts a slowloris at the ${HEADERS_TIMEOUT_S} s headers timeout, answering others meanwhile`, async () => {
    const { host } = new URL(server.origin);
    const loris = Array.from({ length: 20 }, () => rawConnection(server.origin, `GET /v1/tickets HTTP/1.1\r\nHost: ${host}\r\n`));
    // A byte a second, for as long as the server lets it.
    const drip = setInterval(() => {
      for (const { socket } of loris) if (!socket.destroyed) socket.write('X');
    }, 1000);
    try {
      await stillServing();
      await within(Promise.all(loris.map((connection) => connection.closed)), 'the slowloris connections to be cut');
    } finally {
      clearInterval(drip);
    }
    for (const connection of loris) expect(connection.received()).toMatch(/^HTTP\/1\.1 408/);
    await stillServing();
  });

  it(`cuts a JSON body trickling in at the ${REQUEST_TIMEOUT_S} s request timeout, answering others meanwhile`, async () => {
    const { host } = new URL(server.origin);
    const body = JSON.stringify({ description: 'x'.repeat(200) });
    // More of them than PGlite has connections (one) and than this PostgreSQL pool has (one).
    const slow = Array.from({ length: 3 }, () =>
      rawConnection(
        server.origin,
        `PATCH /v1/tickets/${ticketId} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${customer}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ),
    );
    let offset = 0;
    const drip = setInterval(() => {
      const byte = body[offset++];
      for (const { socket } of slow) if (!socket.destroyed && byte !== undefined) socket.write(byte);
    }, 1000);
    try {
      await stillServing();
      await within(Promise.all(slow.map((connection) => connection.closed)), 'the trickling bodies to be cut');
    } finally {
      clearInterval(drip);
    }
    // Cut before the body was complete: the change was never made.
    expect(offset).toBeLessThan(body.length);
    for (const connection of slow) expect(connection.received()).not.toMatch(/^HTTP\/1\.1 2/);
    const ticket = await call(customer, 'GET', `/v1/tickets/${ticketId}`);
    expect(ticket.body.description).not.toBe(JSON.parse(body).description);
    await stillServing();
  });

  it('serves others while a client reads a download very slowly', async () => {
    const bytes = new TextEncoder().encode(randomBytes(10 * MiB).toString('hex'));
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'text/plain' }), 'big.txt');
    const uploaded = await call(customer, 'POST', `/v1/tickets/${ticketId}/attachments`, { body: form });
    expect(uploaded.status).toBe(201);

    let resume!: () => void;
    let started!: () => void;
    const paused = new Promise<void>((resolve) => (started = resolve));
    const download = new Promise<{ status: number; content: Buffer }>((resolve, reject) => {
      const req = httpRequest(new URL(`${server.origin}/v1/attachments/${uploaded.body.id}/content`), { headers: { authorization: `Bearer ${customer}` } });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, content: Buffer.concat(chunks) }));
        res.on('error', reject);
        resume = () => res.resume();
        // Takes the first bytes, then nothing: the server's writes back up to this client.
        res.once('data', () => {
          res.pause();
          started();
        });
      });
      req.end();
    });
    await within(paused, 'the download to start');
    await stillServing();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await stillServing();
    resume();
    const { status, content } = await within(download, 'the slow download to end');
    expect(status).toBe(200);
    expect(createHash('sha256').update(content).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
