/** For webhook tests: a receiver on loopback, and running the dispatcher past a given event. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queryable } from '../../src/db/database.js';
import type { Worker } from '../../src/workers/worker.js';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An HTTP server on 127.0.0.1 that records every request and answers as `respond` says (200 `ok` by default). */
export interface Receiver {
  url: string;
  requests: Received[];
  respond: (request: Received, response: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    requests: [],
    respond: (_request, response) => response.end('ok'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      receiver.requests.push(received);
      receiver.respond(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/**
 * Runs the webhook dispatcher until it has passed event `lastId`. The consumer reads only events
 * whose transaction is older than every one still running, so on a shared PostgreSQL server another
 * test's open transaction can hold it back for a moment: it is waited for, never skipped.
 */
export async function dispatchThrough(db: Queryable, dispatcher: Worker, lastId: string): Promise<void> {
  for (let tries = 0; tries < 500; tries += 1) {
    await dispatcher.runOnce();
    const { rows } = await db.query<{ done: boolean }>(
      `select (c.tx_id, c.event_id) >= (e.tx_id, e.id) as done
         from event_consumers c, events e where c.name = 'webhooks' and e.id = $1`,
      [lastId],
    );
    if (rows[0]?.done) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the dispatcher never got past event ${lastId}`);
}
