/**
 * Crashes: the real server (src/main.ts as a child process, file-backed PGlite or PostgreSQL) is
 * killed with SIGKILL in the middle of a write load of ticket creations, comments and attachment
 * uploads, then started again on the same data. Afterwards:
 *
 * - every write the server acknowledged (a 2xx the client received in full) is there, attachments
 *   with their exact bytes;
 * - nothing is half-written: every ticket, comment and attachment of the load has its history
 *   entry, every attachment row has its file (of the recorded size and digest) and every file in
 *   the store has a row, with no partial or temporary file left (files planted as if by an
 *   interrupted upload are removed by the restart);
 * - a live event stream that was open during the crash resumes from the last id it saw: the ids
 *   seen before and after are disjoint, and together they are exactly the events the database
 *   holds for the load's tickets, committed writes the client never heard back about included.
 *
 * Deterministic by construction: the kill comes after a fixed number of acknowledgements (with
 * writes still in flight), and every check is an invariant over whatever state the kill left; the
 * waits below only bound how long a broken server may take to fail the test.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createEmptyDatabase, engines } from '../support/test-database.js';
import { login, startServer, type ServerProcess } from './server-process.js';

/** Acknowledgements after which the server is killed. */
const KILL_AFTER = 45;
/** Concurrent writers, so that several writes are in flight when it dies. */
const WRITERS = 6;
const TITLE = 'Crash load';
const EVENT_TYPES = ['ticket.created', 'comment.created', 'attachment.created'];
/** Bounds waiting on a broken server; never reached by a working one. */
const PATIENCE_MS = 120_000;

type Ack =
  | { kind: 'ticket'; id: string; by: string }
  | { kind: 'comment'; id: string; ticketId: string }
  | { kind: 'attachment'; id: string; ticketId: string; sha256: string; size: number };

interface ReceivedEvent {
  id: string;
  type: string;
  ticket_id: string | null;
  data: Record<string, unknown>;
}

interface EventLog {
  events: ReceivedEvent[];
  /** Resolves when the stream ends (the server died or the log was closed). */
  ended: Promise<void>;
  waitFor(match: (event: ReceivedEvent) => boolean): Promise<void>;
  close(): void;
}

/** A live stream of the load's event types, as the admin, recording every event it delivers. */
async function openEventLog(origin: string, token: string, lastEventId?: string): Promise<EventLog> {
  const abort = new AbortController();
  const res = await fetch(`${origin}/v1/events?types=${EVENT_TYPES.join(',')}`, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const parser = createParser({
    onEvent: (message) => {
      const data = JSON.parse(message.data) as { ticket_id: string | null; data: Record<string, unknown> };
      events.push({ id: message.id!, type: message.event!, ticket_id: data.ticket_id, data: data.data });
      for (const wake of waiters) wake();
    },
    onComment: (comment) => {
      if (comment === 'open') opened();
    },
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    for (const wake of waiters) wake();
  })();
  await open;
  return {
    events,
    ended,
    waitFor: (match) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${PATIENCE_MS} ms`)), PATIENCE_MS);
        const check = () => {
          if (events.some(match)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      }),
    close: () => abort.abort(),
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writers creating tickets, commenting on them and uploading files to them, each as the customer
 * who owns them, until the server dies. `onAck` sees every acknowledged write as it arrives.
 */
async function writeLoad(origin: string, tokens: Record<string, string>, onAck: (ack: Ack) => void): Promise<{ acks: Ack[]; failures: number }> {
  const acks: Ack[] = [];
  const tickets: Record<string, string[]> = {};
  let failures = 0;
  let dead = false;
  const customers = Object.keys(tokens);
  const call = async (customer: string, path: string, body: NonNullable<RequestInit['body']>, type?: string) => {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[customer]}`, ...(type ? { 'content-type': type } : {}) },
      body,
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${text}`);
    return JSON.parse(text) as { id: string };
  };
  const record = (ack: Ack) => {
    acks.push(ack);
    if (ack.kind === 'ticket') (tickets[ack.by] ??= []).push(ack.id);
    onAck(ack);
  };
  const writer = async (n: number) => {
    for (let step = 0; !dead; step++) {
      const customer = customers[(n + step) % customers.length]!;
      const own = tickets[customer] ?? [];
      const target = own[(n * 7 + step) % Math.max(own.length, 1)];
      const kind = target === undefined ? 0 : (n + step) % 3;
      try {
        if (kind === 0) {
          const ticket = await call(customer, '/v1/tickets', JSON.stringify({ title: `${TITLE} ${n}.${step}` }), 'application/json');
          record({ kind: 'ticket', id: ticket.id, by: customer });
        } else if (kind === 1) {
          const comment = await call(customer, `/v1/tickets/${target}/comments`, JSON.stringify({ body: `comment ${n}.${step}` }), 'application/json');
          record({ kind: 'comment', id: comment.id, ticketId: target! });
        } else {
          // Up to 1 MiB of text, different every time: distinct objects, some still being
          // written when the process dies.
          const size = 2048 * (1 + ((n * 131 + step * 977) % 512));
          const bytes = new TextEncoder().encode(randomBytes(size / 2).toString('hex'));
          const form = new FormData();
          form.append('file', new Blob([bytes], { type: 'text/plain' }), `load-${n}-${step}.txt`);
          const attachment = await call(customer, `/v1/tickets/${target}/attachments`, form);
          record({ kind: 'attachment', id: attachment.id, ticketId: target!, sha256: sha256(bytes), size: bytes.byteLength });
        }
      } catch (error) {
        // A refused write would be a bug in the load, not a crash: only connection failures count.
        if (error instanceof Error && error.message.startsWith('/v1/')) throw error;
        failures++;
        dead = true;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
  return { acks, failures };
}

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(async (entry) => (entry.isDirectory() ? filesUnder(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name)).split(sep).join('/')])),
  );
  return nested.flat();
}

async function get(origin: string, token: string, path: string): Promise<Response> {
  return fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

describe.each(engines)('kill -9 in the middle of a write load (%s)', (engine) => {
  it('keeps every acknowledged write, half-writes nothing, and resumes the event stream without a gap', { timeout: 900_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tf-crash-'));
    const postgres = engine === 'postgres' ? await createEmptyDatabase('postgres', { maxConnections: 2 }) : undefined;
    const attachments = join(dataDir, 'attachments');
    let server: ServerProcess | undefined;
    let db: Database | undefined;
    try {
      server = await startServer({ dataDir, databaseUrl: postgres?.url });
      const signIn = async (origin: string) => ({
        admin: await login(origin, 'admin@example.com'),
        customers: { customer: await login(origin, 'customer@example.com'), customer2: await login(origin, 'customer2@example.com') },
      });
      let tokens = await signIn(server.origin);

      // Two subscribers: one stays connected until the crash, the other drops its connection
      // halfway through the load, so that what it resumes from is well behind the crash. Each must
      // have seen an event to have an id to resume from.
      const through = await openEventLog(server.origin, tokens.admin);
      const dropped = await openEventLog(server.origin, tokens.admin);
      const firstRes = await fetch(`${server.origin}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.customers.customer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `${TITLE} first` }),
      });
      expect(firstRes.status).toBe(201);
      const first = (await firstRes.json()) as { id: string };
      await through.waitFor((event) => event.ticket_id === first.id);
      await dropped.waitFor((event) => event.ticket_id === first.id);

      const victim = server;
      let killed: Promise<void> | undefined;
      let acknowledged = 0;
      const { acks, failures } = await writeLoad(server.origin, tokens.customers, () => {
        acknowledged++;
        if (acknowledged === Math.floor(KILL_AFTER / 2)) dropped.close();
        if (acknowledged === KILL_AFTER) killed = victim.kill9();
      });
      await killed;
      await through.ended;
      // The kill came with writes in flight: they failed on a broken connection.
      expect(acks.length).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(failures).toBeGreaterThan(0);
      expect(acks.filter((ack) => ack.kind === 'attachment').length).toBeGreaterThan(0);

      // What an upload interrupted by the crash may have left: an object without a row, and
      // partial files.
      const planted = [`sha256/00/00/${'0'.repeat(64)}`, `tmp/.${'1'.repeat(8)}.partial`, 'tmp/2f1e0d9c-planted'];
      for (const key of planted) {
        await mkdir(dirname(join(attachments, key)), { recursive: true });
        await writeFile(join(attachments, key), 'left behind');
      }

      server = await startServer({ dataDir, databaseUrl: postgres?.url });
      tokens = await signIn(server.origin);
      const resumed = [
        { before: through, after: await openEventLog(server.origin, tokens.admin, through.events.at(-1)!.id) },
        { before: dropped, after: await openEventLog(server.origin, tokens.admin, dropped.events.at(-1)!.id) },
      ];
      const markerRes = await fetch(`${server.origin}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.customers.customer2}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `${TITLE} after the restart` }),
      });
      expect(markerRes.status).toBe(201);
      const marker = (await markerRes.json()) as { id: string };
      // Events are delivered in commit order: once the marker's is in, so is every earlier one.
      for (const { after } of resumed) {
        await after.waitFor((event) => event.ticket_id === marker.id);
        after.close();
      }
      console.info(
        `[${engine}] killed after ${acks.length} acknowledged writes (${failures} in flight); events before/after the crash: ` +
          resumed.map(({ before, after }) => `${before.events.length}+${after.events.length}`).join(', '),
      );

      // Every acknowledged write is there, files with their bytes.
      for (const ack of acks) {
        const path =
          ack.kind === 'ticket' ? `/v1/tickets/${ack.id}` : ack.kind === 'comment' ? `/v1/tickets/${ack.ticketId}/comments/${ack.id}` : `/v1/attachments/${ack.id}/content`;
        const res = await get(server.origin, tokens.admin, path);
        expect(res.status, `${ack.kind} ${ack.id}`).toBe(200);
        if (ack.kind === 'attachment') expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(ack.sha256);
        else await res.body?.cancel();
      }

      // Each stream resumed where it stopped: nothing twice, and every acknowledged write's event.
      const received = resumed.map(({ before, after }) => {
        const beforeIds = new Set(before.events.map((event) => event.id));
        expect(after.events.map((event) => event.id).filter((id) => beforeIds.has(id))).toEqual([]);
        const events = [...before.events, ...after.events];
        for (const ack of acks) {
          const found =
            ack.kind === 'ticket'
              ? events.some((event) => event.type === 'ticket.created' && event.ticket_id === ack.id)
              : events.some((event) => event.type === `${ack.kind}.created` && event.data[`${ack.kind}_id`] === ack.id);
          expect(found, `the event of ${ack.kind} ${ack.id}`).toBe(true);
        }
        return events;
      });

      expect(await server.stop()).toBe(0);
      server = undefined;
      db = postgres ? postgres.db : await openDatabase({ dataDir: join(dataDir, 'pgdata') });

      // Before and after together, each subscriber got exactly what the database holds for the
      // load: writes committed but never acknowledged included.
      const { rows: stored } = await db.query<{ id: string }>(
        `select e.id::text as id from events e join tickets t on t.id = e.ticket_id
          where t.title like $1 and e.type = any($2::text[]) order by e.id`,
        [`${TITLE}%`, EVENT_TYPES],
      );
      const loadTickets = new Set([first.id, marker.id, ...acks.filter((ack) => ack.kind === 'ticket').map((ack) => ack.id)]);
      const { rows: titled } = await db.query<{ id: string }>('select id from tickets where title like $1', [`${TITLE}%`]);
      for (const ticket of loadTickets) expect(titled.map((row) => row.id)).toContain(ticket);
      const loadIds = new Set(titled.map((row) => row.id));
      for (const events of received) {
        expect(events.filter((event) => event.ticket_id && loadIds.has(event.ticket_id)).map((event) => event.id).sort()).toEqual(stored.map((row) => row.id).sort());
      }

      // Nothing half-written: each row of the load has its history entry.
      const { rows: missingHistory } = await db.query<{ what: string; id: string }>(
        `select 'ticket' as what, t.id from tickets t
          where t.title like $1 and not exists (select 1 from ticket_history h where h.ticket_id = t.id and h.action = 'created')
         union all
         select 'comment', c.id from comments c join tickets t on t.id = c.ticket_id
          where t.title like $1 and not exists (
            select 1 from ticket_history h where h.ticket_id = t.id and h.action = 'comment_added' and h.new_value->>'comment_id' = c.id::text)
         union all
         select 'attachment', a.id from attachments a join tickets t on t.id = a.ticket_id
          where t.title like $1 and not exists (
            select 1 from ticket_history h where h.ticket_id = t.id and h.action = 'attachment_added' and h.new_value->>'attachment_id' = a.id::text)`,
        [`${TITLE}%`],
      );
      expect(missingHistory).toEqual([]);

      // The store and the table agree: a file for every row, of its size and digest, and a row
      // for every file; the planted leftovers are gone.
      const { rows: files } = await db.query<{ storage_key: string; sha256: string; size_bytes: string }>(
        "select distinct storage_key, sha256, size_bytes::text from attachments where storage_provider = 'local'",
      );
      const onDisk = (await filesUnder(attachments)).sort();
      expect(onDisk).toEqual([...new Set(files.map((row) => row.storage_key))].sort());
      for (const row of files) {
        const bytes = await readFile(join(attachments, row.storage_key));
        expect({ key: row.storage_key, size: bytes.byteLength, sha256: sha256(bytes) }).toEqual({
          key: row.storage_key,
          size: Number(row.size_bytes),
          sha256: row.sha256,
        });
      }
      for (const key of planted) expect(onDisk).not.toContain(key);
    } finally {
      await server?.kill9();
      if (postgres) await postgres.drop();
      else await db?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
