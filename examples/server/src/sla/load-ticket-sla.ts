/**
 * Gathers what {@link ticketSlaState} needs about tickets, as the caller sees them under row-level
 * security: the ticket, the policy that matches it, and the periods its resolution clock stood still.
 *
 * The policy is always the one that matches the ticket now, never `tickets.sla_policy_id`: that
 * column is the SLA engine's output (what it last planned with), so reading it back as an input
 * would keep a ticket on a stale policy after its priority, category or the policies change.
 */
import type { Queryable } from '../db/database.js';
import { slaPolicyColumns, toSlaPolicy, type SlaPolicy, type SlaPolicyRow } from './policy-row.js';
import type { ClockStop, SlaTicket } from './ticket-sla-state.js';

/** One ticket's SLA inputs. */
export interface TicketSlaInputs {
  ticket: SlaTicket;
  /** The matching policy; `null` when none applies (or the caller may not see policies). */
  policy: SlaPolicy | null;
}

interface TicketRow {
  id: string;
  status: SlaTicket['status'];
  created_at: Date;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  sla_breached_at: Date | null;
}

type PolicyRow = SlaPolicyRow & { ticket_id: string };

interface StopRow {
  ticket_id: string;
  start: Date;
  end: Date | null;
}

/** `null` when the ticket does not exist or the caller may not see it. */
export async function loadTicketSla(tx: Queryable, ticketId: string): Promise<TicketSlaInputs | null> {
  return (await loadTicketSlas(tx, [ticketId])).get(ticketId) ?? null;
}

/**
 * The batch form, for lists: three queries whatever the number of tickets. Tickets that do not
 * exist or that the caller may not see are absent from the map.
 */
export async function loadTicketSlas(tx: Queryable, ticketIds: readonly string[]): Promise<Map<string, TicketSlaInputs>> {
  const result = new Map<string, TicketSlaInputs>();
  if (ticketIds.length === 0) return result;
  const ids = [...new Set(ticketIds)];

  // first_responded_at is stamped by a trigger at the first public reply by staff (0012).
  const tickets = await tx.query<TicketRow>(
    `select t.id, t.status, t.created_at, t.first_responded_at, t.resolved_at, t.sla_breached_at
       from tickets t where t.id = any($1::uuid[])`,
    [ids],
  );
  if (tickets.rows.length === 0) return result;

  // The most specific active policy for the ticket's priority in effect on the day (in the
  // policy's time zone) the ticket was created: a category's own policy before the catch-all, then
  // the most recent.
  const policies = await tx.query<PolicyRow>(
    `select t.id as ticket_id, ${slaPolicyColumns('p')}
       from tickets t
       cross join lateral (
         select m.* from sla_policies m
          where m.is_active and m.priority = t.priority
            and (m.category_id is null or m.category_id = t.category_id)
            and m.effective_from <= (t.created_at at time zone m.time_zone)::date
            and (m.effective_until is null or m.effective_until >= (t.created_at at time zone m.time_zone)::date)
          order by m.category_id is null, m.effective_from desc, m.id
          limit 1) p
      where t.id = any($1::uuid[])`,
    [ids],
  );
  const policyOf = new Map(policies.rows.map((row) => [row.ticket_id, toSlaPolicy(row)]));

  // Each status change opens a period that the next one closes; pending, resolved and closed
  // periods are the ones the resolution clock stands still in.
  const stops = await tx.query<StopRow>(
    `select ticket_id, started_at as start, ended_at as end from (
       select ticket_id, new_value #>> '{}' as status, created_at as started_at,
              lead(created_at) over (partition by ticket_id order by seq) as ended_at
         from ticket_history where ticket_id = any($1::uuid[]) and field = 'status'
     ) changes
     where status in ('pending', 'resolved', 'closed')
     order by ticket_id, started_at`,
    [ids],
  );
  const stopsOf = new Map<string, ClockStop[]>();
  for (const { ticket_id, start, end } of stops.rows) {
    const list = stopsOf.get(ticket_id) ?? [];
    list.push({ start, end });
    stopsOf.set(ticket_id, list);
  }

  for (const row of tickets.rows) {
    const ticket: SlaTicket = {
      id: row.id,
      status: row.status,
      createdAt: row.created_at,
      firstRespondedAt: row.first_responded_at,
      resolvedAt: row.resolved_at,
      slaBreachedAt: row.sla_breached_at,
      stops: stopsOf.get(row.id) ?? [],
    };
    result.set(row.id, { ticket, policy: policyOf.get(row.id) ?? null });
  }
  return result;
}
