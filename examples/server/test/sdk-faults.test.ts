/**
 * The SDK over a real port, through a loopback proxy that injects faults in front of this server:
 * a POST whose answer is lost after the server committed it, 429 and 503 with Retry-After, and a
 * server that never answers. Retries, timeouts, aborts and idempotency behave as documented: a
 * retried create makes one ticket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, RateLimitError, Ticketflow, TimeoutError } from '../../../src/index.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { engines } from './support/test-database.js';

/** What the proxy does with the next request: pass it on, or one of the faults. */
type Fault = 'pass' | 'lose-answer' | '429' | '503' | 'stall';

describe.each(engines)('SDK faults over a real port (%s)', (engine) => {
  let api: ApiHarness;
  let backend: ServerType;
  let proxy: Server;
  let backendUrl: string;
  let proxyUrl: string;
  const faults: Fault[] = [];
  const seen: { method: string; url: string; fault: Fault; key: string | undefined }[] = [];
  const stalled: ServerResponse[] = [];

  beforeAll(async () => {
    api = await createApiHarness(engine);
    backendUrl = await new Promise<string>((resolve) => {
      backend = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`));
    });
    proxy = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of stalled) res.destroy();
    await new Promise((resolve) => proxy.close(resolve));
    await new Promise((resolve) => backend.close(resolve));
    await api.close();
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const fault = faults.shift() ?? 'pass';
    const key = req.headers['idempotency-key'];
    seen.push({ method: req.method!, url: req.url!, fault, key: typeof key === 'string' ? key : undefined });
    const problem = (status: number, code: string) => {
      res.writeHead(status, { 'content-type': 'application/problem+json', 'retry-after': '1' });
      res.end(JSON.stringify({ type: `https://ticketflow.dev/problems/${code}`, title: code, status, code, request_id: 'proxy' }));
    };
    if (fault === '429') return problem(429, 'rate_limited');
    if (fault === '503') return problem(503, 'unavailable');
    if (fault === 'stall') return void stalled.push(res);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const answer = await fetch(backendUrl + req.url, { method: req.method ?? 'GET', headers, ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) });
    const body = Buffer.from(await answer.arrayBuffer());
    // The server has done the work and answered; the answer never reaches the client.
    if (fault === 'lose-answer') return void req.socket.destroy();
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(body);
  }

  const client = async (options: { maxRetries?: number; timeout?: number | false } = {}) =>
    new Ticketflow({ baseUrl: proxyUrl, accessToken: await api.tokenFor('customer'), ...options });

  const ticketsTitled = async (title: string) =>
    Number((await api.db.query<{ n: string }>('select count(*) as n from tickets where title = $1', [title])).rows[0]!.n);

  it('retries a create whose answer was lost with the same key: one ticket, and the first one is returned', async () => {
    const tf = await client();
    seen.length = 0;
    faults.push('lose-answer');
    const ticket = await tf.tickets.create({ title: 'Lost answer', description: 'The first attempt was committed' });
    expect(await ticketsTitled('Lost answer')).toBe(1);
    expect(seen.map((s) => [s.method, s.fault])).toEqual([
      ['POST', 'lose-answer'],
      ['POST', 'pass'],
    ]);
    expect(seen[1]!.key).toBe(seen[0]!.key);
    expect(ticket.title).toBe('Lost answer');
  });

  it('waits out 429 and 503 with Retry-After, then succeeds; gives up after maxRetries', async () => {
    const tf = await client({ maxRetries: 2 });
    seen.length = 0;
    faults.push('429', '503');
    const ticket = await tf.tickets.create({ title: 'Patience', description: 'x' });
    expect(seen.map((s) => s.fault)).toEqual(['429', '503', 'pass']);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(await ticketsTitled('Patience')).toBe(1);
    expect(ticket.title).toBe('Patience');

    faults.push('429', '429', '429');
    await expect(tf.tickets.list()).rejects.toBeInstanceOf(RateLimitError);
  });

  it('times out a server that never answers, and aborts on the caller\'s signal', async () => {
    const tf = await client({ maxRetries: 0, timeout: 300 });
    faults.push('stall');
    await expect(tf.tickets.list()).rejects.toBeInstanceOf(TimeoutError);

    const controller = new AbortController();
    faults.push('stall');
    const call = (await client({ maxRetries: 0, timeout: false })).tickets.list({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(call).rejects.toBeInstanceOf(AbortError);
  });
});
