/** The peer address of a request, for audit rows and per-client rate limits. */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The socket's remote address when served by Node; undefined in-process (`app.request`). Proxy
 * headers such as X-Forwarded-For are deliberately not trusted: anyone can send them.
 */
export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
