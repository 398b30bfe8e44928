/**
 * A tiny node:http server with keep-alive answering canned JSON: GET /v1/tickets/{id} and the
 * paged GET /v1/tickets. It does no work per request beyond writing prepared bytes, so the
 * benchmark measures the clients.
 */
import { createServer } from 'node:http';
import { announce, onStop } from '../lib/child.js';
import { cannedTicket, LIST_ITEMS, PAGE_SIZE, pageJson } from './canned.js';

const ticket = Buffer.from(JSON.stringify(cannedTicket()));
const pages = Array.from({ length: LIST_ITEMS / PAGE_SIZE }, (_, i) => Buffer.from(pageJson(i)));
let requests = 0;

const server = createServer((request, response) => {
  requests += 1;
  const url = new URL(request.url ?? '/', 'http://localhost');
  let body: Buffer | undefined;
  if (url.pathname.startsWith('/v1/tickets/')) body = ticket;
  else if (url.pathname === '/v1/tickets') body = pages[Number(url.searchParams.get('cursor') ?? 0)];
  if (!body) {
    response.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"type":"about:blank","status":404}');
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': `r${requests}` });
  response.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announce(typeof address === 'object' && address ? address.port : 0);
});
onStop(() => new Promise((resolve) => server.close(() => resolve())));
