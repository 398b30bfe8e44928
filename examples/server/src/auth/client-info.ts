/** Who is on the other end of a request, as recorded on sessions and audit rows. */
import type { Context } from 'hono';
import { clientAddress } from '../http/client-address.js';

export interface ClientInfo {
  ip: string | undefined;
  userAgent: string | undefined;
}

export const clientOf = (c: Context): ClientInfo => ({
  ip: clientAddress(c),
  userAgent: c.req.header('user-agent')?.slice(0, 500),
});
