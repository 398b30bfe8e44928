/**
 * The four ways of calling the API the SDK benchmark compares, each getting one ticket and, with
 * validation on, checking it against the contract's zod schema (the SDK does that itself; the
 * others are given the same schema, as a careful user would).
 */
import ky from 'ky';
import createClient from 'openapi-fetch';
import { Ticketflow } from '../../src/index.js';
import type { paths } from '../../src/generated/api.js';
import { responseSchemas } from '../../src/generated/schemas.js';
import { TICKET_ID } from './canned.js';

export type ClientName = 'sdk' | 'fetch' | 'openapi-fetch' | 'ky';
export const CLIENTS: readonly ClientName[] = ['fetch', 'sdk', 'openapi-fetch', 'ky'];

export type GetTicket = () => PromiseLike<unknown>;

const TOKEN = 'bench-access-token';
const headers = { authorization: `Bearer ${TOKEN}` };

export function getTicket(client: ClientName, baseUrl: string, validate: boolean): GetTicket {
  const schema = responseSchemas.getTicket!;
  const check = (body: unknown) => (validate ? schema.parse(body) : body);
  const url = `${baseUrl}/v1/tickets/${TICKET_ID}`;
  switch (client) {
    case 'sdk': {
      const tf = new Ticketflow({ baseUrl, accessToken: TOKEN, validate });
      return () => tf.tickets.get(TICKET_ID);
    }
    case 'fetch':
      return async () => {
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error(`status ${response.status}`);
        return check(await response.json());
      };
    case 'openapi-fetch': {
      const api = createClient<paths>({ baseUrl, headers });
      return async () => {
        const { data, error } = await api.GET('/v1/tickets/{ticket_id}', { params: { path: { ticket_id: TICKET_ID } } });
        if (error !== undefined) throw new Error('request failed');
        return check(data);
      };
    }
    case 'ky': {
      const api = ky.create({ prefixUrl: baseUrl, headers });
      return async () => check(await api.get(`v1/tickets/${TICKET_ID}`).json());
    }
  }
}
