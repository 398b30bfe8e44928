/**
 * JSON bodies are bounded and read whole before the request's transaction opens: a client sending
 * one slowly must not hold a database connection (PGlite has only one) while it trickles in.
 * Handlers then read Hono's cached copy. Multipart uploads have their own streaming limit.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../context.js';
import { Problem } from './problem.js';

export function jsonBodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (): never => {
    throw new Problem(413, 'payload_too_large', `The body exceeds ${maxSize} bytes.`);
  };
  // For a body of undeclared length (chunked): counts it as it streams in.
  const counted = bodyLimit({ maxSize, onError: tooLarge });
  return async function jsonBodyLimit(c, next) {
    // The Fetch API gives GET and HEAD no body, and asking (`c.req.raw.body`) would make the Node
    // adapter build a whole Request, stream and abort signal included, on most requests.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (c.req.header('content-type')?.toLowerCase().startsWith('multipart/')) return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      // HTTP framing reads exactly the declared length, so the header alone bounds the body (as
      // Hono's own limit trusts it); reading it straight from the socket skips the web stream.
      if (Number.parseInt(declared, 10) > maxSize) tooLarge();
      await readBody(c);
      return next();
    }
    return counted(c, async () => {
      if (c.req.raw.body) await readBody(c);
      await next();
    });
  };
}

async function readBody(c: Context<AppEnv>): Promise<void> {
  await c.req.arrayBuffer().catch(() => {
    throw new Problem(400, 'request_aborted', 'The request body could not be read to the end.');
  });
}
