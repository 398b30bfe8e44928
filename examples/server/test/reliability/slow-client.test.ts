/**
 * A client that sends its JSON body slowly holds only its own request: the body is read (bounded by
 * the JSON limit) before the request's transaction opens, so a trickle never holds one of the
 * database's connections, of which PGlite has exactly one. In-process and deterministic: the slow
 * bodies stop after their first byte and go on only once the other request has been answered.
 *
 * The end-to-end side (a slowloris against the real server, cut by its timeouts) is in
 * resource-limits.reliability.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../support/api-harness.js';
import { engines } from '../support/test-database.js';

const POOL = 2;

interface Trickle {
  stream: ReadableStream<Uint8Array>;
  length: number;
  /** Resolves once the server has taken the first byte and asked for more. */
  waiting: Promise<void>;
  /** Sends the rest of the body. */
  finish(): void;
}

/** A body that sends one byte, then nothing more until `finish()`. */
function trickle(text: string): Trickle {
  const bytes = new TextEncoder().encode(text);
  let signalWaiting!: () => void;
  let release!: () => void;
  const waiting = new Promise<void>((resolve) => (signalWaiting = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === 0) {
        controller.enqueue(bytes.subarray(0, 1));
        sent = 1;
        return;
      }
      signalWaiting();
      await released;
      controller.enqueue(bytes.subarray(1));
      controller.close();
    },
  });
  return { stream, length: bytes.byteLength, waiting, finish: release };
}

describe.each(engines)('a slow client (%s)', (engine) => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await createApiHarness(engine, { maxConnections: POOL });
  });
  afterAll(() => api.close());

  it(`holds no database connection while its JSON body trickles in: ${POOL + 1} stalled bodies, and other requests are answered`, async () => {
    const created = await api.as('customer').post('/v1/tickets', { title: 'Slowly described' });
    expect(created.status).toBe(201);
    const authorization = `Bearer ${await api.tokenFor('customer')}`;

    // More stalled writers than connections: on PGlite one would be enough to block everything.
    const bodies = Array.from({ length: POOL + 1 }, (_, i) => trickle(JSON.stringify({ description: `written slowly ${i}` })));
    const writes = bodies.map(async (body) =>
      api.app.request(`/v1/tickets/${created.body.id}`, {
        method: 'PATCH',
        // A declared length: Hono's body limit then checks the header and leaves the reading to
        // whoever comes next, which must not be the handler inside its transaction.
        headers: { authorization, 'content-type': 'application/json', 'content-length': String(body.length) },
        body: body.stream,
        duplex: 'half',
      }),
    );
    await Promise.all(bodies.map((body) => body.waiting));

    const list = await api.as('customer').get('/v1/tickets');
    expect(list.status).toBe(200);
    const comment = await api.as('customer').post(`/v1/tickets/${created.body.id}/comments`, { body: 'Answered meanwhile' });
    expect(comment.status).toBe(201);

    for (const body of bodies) body.finish();
    const answers = await Promise.all(writes);
    expect(answers.map((res) => res.status)).toEqual(bodies.map(() => 200));
    const final = await api.as('customer').get(`/v1/tickets/${created.body.id}`);
    expect(final.body.version).toBe(created.body.version + bodies.length);
    expect(bodies.map((_, i) => `written slowly ${i}`)).toContain(final.body.description);
  });

  it('answers a body cut short with a 400 problem, not a 500', async () => {
    const authorization = `Bearer ${await api.tokenFor('customer')}`;
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"title":'));
        controller.error(new Error('connection reset'));
      },
    });
    const res = await api.app.request('/v1/tickets', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', 'content-length': '40' },
      body: broken,
      duplex: 'half',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('request_aborted');
  });
});
