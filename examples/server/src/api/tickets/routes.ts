/**
 * Tickets, their workflow, tags and history. Every request runs as the caller under row-level
 * security: which tickets exist for them, and what they may change, is the database's answer.
 */
import { Hono, type Context } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readJson, readOptionalJson, readParams, readQuery } from '../../http/input.js';
import { etag } from '../../http/serialize.js';
import { listHistory } from './history.js';
import { ifMatchVersions } from '../../http/if-match.js';
import { listTickets, ListQuery } from './list-query.js';
import {
  HistoryQuery,
  NoBody,
  TicketAssign,
  TicketCreate,
  TicketParams,
  TicketPend,
  TicketReopen,
  TicketResolve,
  TicketTagParams,
  TicketUpdate,
} from './schemas.js';
import { toTicket, type TicketRow } from './serialize.js';
import { addTag, removeTag } from './tags.js';
import { assignTicket, moveTicket } from './transitions.js';
import { createTicket, deleteTicket, readTicket, updateTicket } from './writes.js';

/** A ticket with its version as the ETag. */
const ticketResponse = (c: Context<AppEnv>, row: TicketRow, status: 200 | 201 = 200, headers: Record<string, string> = {}) =>
  c.json(toTicket(row), status, { ETag: etag(row.version), ...headers });

export function ticketRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      return c.json(await listTickets(c.get('tx'), query, { userId: c.get('principal').userId, role: c.get('role') }));
    })
    .post('/', async (c) => {
      const body = await readJson(c, TicketCreate);
      const row = await createTicket(c.get('tx'), body);
      return ticketResponse(c, row, 201, { Location: `/v1/tickets/${row.id}` });
    })
    .get('/:ticket_id', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      return ticketResponse(c, await readTicket(c.get('tx'), ticket_id));
    })
    .patch('/:ticket_id', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const versions = ifMatchVersions(c);
      const body = await readJson(c, TicketUpdate);
      return ticketResponse(c, await updateTicket(c.get('tx'), ticket_id, versions, body));
    })
    .delete('/:ticket_id', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      await deleteTicket(c.get('tx'), ticket_id, ifMatchVersions(c));
      return c.body(null, 204);
    })
    .post('/:ticket_id/assign', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const versions = ifMatchVersions(c);
      const body = await readJson(c, TicketAssign);
      return ticketResponse(c, await assignTicket(c.get('tx'), ticket_id, versions, body));
    })
    .post('/:ticket_id/start', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const versions = ifMatchVersions(c);
      await readOptionalJson(c, NoBody);
      return ticketResponse(c, await moveTicket(c.get('tx'), ticket_id, versions, { to: 'in_progress', openNew: true }));
    })
    .post('/:ticket_id/pend', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const versions = ifMatchVersions(c);
      const { reason } = await readJson(c, TicketPend);
      return ticketResponse(c, await moveTicket(c.get('tx'), ticket_id, versions, { to: 'pending', reason }));
    })
    .post('/:ticket_id/resolve', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const versions = ifMatchVersions(c);
      const { resolution_notes } = await readJson(c, TicketResolve);
      return ticketResponse(c, await moveTicket(c.get('tx'), ticket_id, versions, { to: 'resolved', resolutionNotes: resolution_notes }));
    })
    .post('/:ticket_id/close', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const versions = ifMatchVersions(c);
      await readOptionalJson(c, NoBody);
      return ticketResponse(c, await moveTicket(c.get('tx'), ticket_id, versions, { to: 'closed' }));
    })
    .post('/:ticket_id/reopen', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const versions = ifMatchVersions(c);
      const { reason } = await readOptionalJson(c, TicketReopen);
      return ticketResponse(c, await moveTicket(c.get('tx'), ticket_id, versions, { to: 'open', from: ['resolved', 'closed'], reason }));
    })
    .put('/:ticket_id/tags/:tag_id', async (c) => {
      const { ticket_id, tag_id } = readParams(c, TicketTagParams);
      await addTag(c.get('tx'), ticket_id, tag_id);
      return c.body(null, 204);
    })
    .delete('/:ticket_id/tags/:tag_id', async (c) => {
      const { ticket_id, tag_id } = readParams(c, TicketTagParams);
      await removeTag(c.get('tx'), ticket_id, tag_id);
      return c.body(null, 204);
    })
    .get('/:ticket_id/history', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const query = readQuery(c, HistoryQuery);
      return c.json(await listHistory(c.get('tx'), ticket_id, query));
    });
}
