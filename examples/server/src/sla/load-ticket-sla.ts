/**
 * Gathers what {@link ticketSlaState} needs about one ticket, as the caller sees it under row-level
 * security: the ticket, the policy it is under, and the periods its resolution clock stood still.
 */
import type { Queryable } from '../db/database.js';
import { slaPolicyColumns, toSlaPolicy, type SlaPolicy, type SlaPolicyRow } from './policy-row.js';
import type { ClockStop, SlaTicket } from './ticket-sla-state.js';

interface TicketRow {
  id: string;
  status: SlaTicket['status'];
  created_at: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  sla_breached_at: Date | null;
}

/** `null` when the ticket does not exist or the caller may not see it. */
export async function loadTicketSla(tx: Queryable, ticketId: string): Promise<{ ticket: SlaTicket; policy: SlaPolicy | null } | null> {
  // Until something records first_responded_at, the first response is the first public reply by
  // staff other than the requester.
  const tickets = await tx.query<TicketRow>(
    `select t.id, t.status, t.created_at, t.resolved_at, t.first_response_due_at, t.resolution_due_at, t.sla_breached_at,
            coalesce(t.first_responded_at, (
              select min(c.created_at) from comments c join users u on u.id = c.author_id
               where c.ticket_id = t.id and not c.is_internal and c.deleted_at is null
                 and c.author_id <> t.requester_id and u.role <> 'customer')) as first_responded_at
       from tickets t where t.id = $1`,
    [ticketId],
  );
  const row = tickets.rows[0];
  if (!row) return null;

  // The policy set on the ticket, or else the most specific active one in effect on the day (in the
  // policy's time zone) the ticket was created: a category's own policy before the catch-all, then
  // the most recent.
  const policies = await tx.query<SlaPolicyRow>(
    `select ${slaPolicyColumns('p')}
       from tickets t
       join sla_policies p on p.id = coalesce(t.sla_policy_id, (
         select m.id from sla_policies m
          where m.is_active and m.priority = t.priority
            and (m.category_id is null or m.category_id = t.category_id)
            and m.effective_from <= (t.created_at at time zone m.time_zone)::date
            and (m.effective_until is null or m.effective_until >= (t.created_at at time zone m.time_zone)::date)
          order by m.category_id is null, m.effective_from desc, m.id
          limit 1))
      where t.id = $1`,
    [ticketId],
  );

  // Each status change opens a period that the next one closes; pending, resolved and closed
  // periods are the ones the resolution clock stands still in.
  const stops = await tx.query<{ start: Date; end: Date | null }>(
    `select started_at as start, ended_at as end from (
       select new_value #>> '{}' as status, created_at as started_at, lead(created_at) over (order by seq) as ended_at
         from ticket_history where ticket_id = $1 and field = 'status'
     ) changes
     where status in ('pending', 'resolved', 'closed')
     order by started_at`,
    [ticketId],
  );

  const policyRow = policies.rows[0];
  return {
    ticket: {
      id: row.id,
      status: row.status,
      createdAt: row.created_at,
      firstRespondedAt: row.first_responded_at,
      resolvedAt: row.resolved_at,
      firstResponseDueAt: row.first_response_due_at,
      resolutionDueAt: row.resolution_due_at,
      slaBreachedAt: row.sla_breached_at,
      stops: stops.rows satisfies ClockStop[],
    },
    policy: policyRow ? toSlaPolicy(policyRow) : null,
  };
}
