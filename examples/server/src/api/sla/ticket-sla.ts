/**
 * A ticket's live SLA state. Staff only: SLA targets are internal to the support team (the policies
 * themselves are invisible to customers under row-level security, so a customer's view would be
 * wrong rather than merely partial).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readParams } from '../../http/input.js';
import { forbidden, notFound } from '../../http/problem.js';
import { id } from '../../http/schemas.js';
import { loadTicketSla } from '../../sla/load-ticket-sla.js';
import { ticketSlaState } from '../../sla/ticket-sla-state.js';

const Params = z.strictObject({ ticket_id: id });

export function ticketSlaRoutes({ clock }: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const { ticket_id } = readParams(c, Params);
      // Looked up first, so a customer learns nothing about tickets that are not theirs (404).
      const inputs = await loadTicketSla(c.get('tx'), ticket_id);
      if (!inputs) throw notFound('ticket');
      if (c.get('role') === 'customer') throw forbidden('SLA targets are visible to the support team only.');
      return c.json(ticketSlaState(inputs.ticket, inputs.policy, clock.now()));
    });
}
