/**
 * Ticket and SLA statistics. Computed over `tickets` as the caller sees it under row-level security,
 * so every number is one of the caller's own view: a customer's are about their own tickets only.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readQuery } from '../../http/input.js';
import { forbidden } from '../../http/problem.js';
import { id, timestamp } from '../../http/schemas.js';
import { numberOrNull } from '../../http/serialize.js';
import { slaStats, SlaStatsQuery } from './sla-stats.js';

type TicketStats = components['schemas']['TicketStats'];
type ByStatus = components['schemas']['TicketStatsByStatus'];
type ByPriority = components['schemas']['TicketStatsByPriority'];

interface StatsRow {
  total: number;
  open: number;
  overdue: number;
  escalated: number;
  by_status: Record<string, number>;
  by_priority: Record<string, number>;
  avg_first_response_minutes: string | null;
  avg_resolution_minutes: string | null;
  csat_average: string | null;
  csat_responses: number;
}

const Query = z.strictObject({
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
  department_id: id.optional(),
  team_id: id.optional(),
});

// Every key present, zero included: a dashboard should not have to know the enums to draw a bar.
const zeroStatuses = (): ByStatus => ({ new: 0, open: 0, in_progress: 0, pending: 0, resolved: 0, closed: 0 });
const zeroPriorities = (): ByPriority => ({ urgent: 0, high: 0, medium: 0, low: 0 });

// `visible` is read several times, so PostgreSQL materialises it once. "Open" is every status before
// resolved; overdue is measured against the app clock ($5) so it agrees with the rest of the API.
// $6 is the caller when they are a customer: the policies show a customer their own tickets only,
// and saying so lets the planner read the requester index instead of testing the policies on every
// ticket (as the ticket list does). Exported for bench/rls.ts, which times it under row-level
// security and as the owner.
export const STATS_SQL = `
  with visible as (
    select id, status, priority, created_at, first_responded_at, resolved_at, resolution_due_at, sla_breached_at, escalation_level
      from tickets
     where ($1::timestamptz is null or created_at >= $1)
       and ($2::timestamptz is null or created_at < $2)
       and ($3::uuid is null or department_id = $3)
       and ($4::uuid is null or team_id = $4)
       and ($6::uuid is null or requester_id = $6)
  ), ratings as (
    select f.rating from ticket_feedback f join visible v on v.id = f.ticket_id
  )
  select
    (select count(*)::int from visible) as total,
    (select count(*)::int from visible where status not in ('resolved', 'closed')) as open,
    (select count(*)::int from visible
      where status not in ('resolved', 'closed') and (sla_breached_at is not null or resolution_due_at < $5)) as overdue,
    (select count(*)::int from visible where escalation_level > 0) as escalated,
    (select coalesce(jsonb_object_agg(status, n), '{}') from (select status, count(*)::int as n from visible group by status) s) as by_status,
    (select coalesce(jsonb_object_agg(priority, n), '{}') from (select priority, count(*)::int as n from visible group by priority) p) as by_priority,
    (select round(avg(extract(epoch from first_responded_at - created_at))::numeric / 60, 1) from visible
      where first_responded_at is not null) as avg_first_response_minutes,
    (select round(avg(extract(epoch from resolved_at - created_at))::numeric / 60, 1) from visible
      where resolved_at is not null) as avg_resolution_minutes,
    (select round(avg(rating), 2) from ratings) as csat_average,
    (select count(*)::int from ratings) as csat_responses`;

/** `GET /v1/stats/tickets` and `GET /v1/stats/sla`. */
export function statsRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/tickets', async (c) => {
      const query = readQuery(c, Query);
      const { rows } = await c.get('tx').query<StatsRow>(STATS_SQL, [
        query.created_after ?? null,
        query.created_before ?? null,
        query.department_id ?? null,
        query.team_id ?? null,
        deps.clock.now().toISOString(),
        c.get('role') === 'customer' ? c.get('principal').userId : null,
      ]);
      const row = rows[0]!;
      const stats: TicketStats = {
        total: row.total,
        by_status: { ...zeroStatuses(), ...row.by_status },
        by_priority: { ...zeroPriorities(), ...row.by_priority },
        open: row.open,
        overdue: row.overdue,
        escalated: row.escalated,
        avg_first_response_minutes: numberOrNull(row.avg_first_response_minutes),
        avg_resolution_minutes: numberOrNull(row.avg_resolution_minutes),
        csat: { average: numberOrNull(row.csat_average), responses: row.csat_responses },
      };
      return c.json(stats);
    })
    .get('/sla', async (c) => {
      // SLA targets are internal to the support team, as everywhere else in the API.
      if (c.get('role') === 'customer') throw forbidden('SLA statistics are visible to the support team only.');
      const query = readQuery(c, SlaStatsQuery);
      return c.json(await slaStats(c.get('tx'), query, deps.clock.now()));
    });
}
