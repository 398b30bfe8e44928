/**
 * The live SLA states of open tickets, as a list a support team works from ("what breaches in the
 * next hour?"). Staff only, like a single ticket's SLA state: SLA targets are internal to the support
 * team.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readQuery } from '../../http/input.js';
import { forbidden } from '../../http/problem.js';
import { id, oneOrMany, page } from '../../http/schemas.js';
import { PRIORITIES } from '../tickets/schemas.js';
import { listSlaStates, type SlaListStatus } from './sla-state-list.js';

const SLA_STATUSES = ['running', 'at_risk', 'paused', 'breached'] as const satisfies readonly SlaListStatus[];

const Query = z.strictObject({
  ...page,
  status: oneOrMany(z.enum(SLA_STATUSES)).pipe(z.array(z.enum(SLA_STATUSES)).max(SLA_STATUSES.length)).optional(),
  breaching_within: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(10080).optional(),
  assignee_id: z.union([id, z.literal('none')], { error: 'must be a UUID or none' }).optional(),
  team_id: id.optional(),
  priority: oneOrMany(z.enum(PRIORITIES)).pipe(z.array(z.enum(PRIORITIES)).max(PRIORITIES.length)).optional(),
});

/** `GET /v1/sla/tickets`. */
export function slaStateRoutes({ clock }: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      if (c.get('role') === 'customer') throw forbidden('SLA states are visible to the support team only.');
      const query = readQuery(c, Query);
      return c.json(await listSlaStates(c.get('tx'), query, clock.now()));
    });
}
