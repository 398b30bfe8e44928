/**
 * Plans one ticket's SLA again and makes the database say so: stamps the policy and due times on the
 * ticket (the history records each change of target, with the policy as the reason), moves or
 * removes the timers not yet fired, and opens the `multiple_reopens` escalation on a third reopen.
 *
 * Runs as the engine (the owner, no actor bound), with the ticket row locked, so two instances
 * planning the same ticket take turns.
 */
import type { Queryable } from '../db/database.js';
import { escalationChain } from './escalation-chain.js';
import { loadTicketSla } from './load-ticket-sla.js';
import { planTicketSla, PLANNED_KINDS, type SlaPlan } from './plan.js';

/** The reopen that escalates: the third. */
export const REOPENS_BEFORE_ESCALATION = 3;

interface TicketRow {
  priority: 'urgent' | 'high' | 'medium' | 'low';
  assignee_id: string | null;
  reopen_count: number;
  sla_policy_id: string | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  critical_unassigned_minutes: number;
}

/** Returns false when the ticket no longer exists. */
export async function applySlaPlan(tx: Queryable, ticketId: string, now: Date): Promise<boolean> {
  const { rows } = await tx.query<TicketRow>(
    `select t.priority, t.assignee_id, t.reopen_count, t.sla_policy_id, t.first_response_due_at, t.resolution_due_at,
            s.critical_unassigned_minutes
       from tickets t cross join company_settings s
      where t.id = $1
      for update of t`,
    [ticketId],
  );
  const row = rows[0];
  const inputs = row ? await loadTicketSla(tx, ticketId) : null;
  if (!row || !inputs) return false;

  const plan = planTicketSla({
    ticket: inputs.ticket,
    priority: row.priority,
    assigneeId: row.assignee_id,
    policy: inputs.policy,
    criticalUnassignedMinutes: row.critical_unassigned_minutes,
  });

  if (targetsChanged(row, plan)) {
    const reason = inputs.policy ? `SLA policy "${inputs.policy.name}"` : 'No SLA policy applies';
    await tx.query("select set_config('app.change_reason', $1, true)", [reason]);
    await tx.query('update tickets set sla_policy_id = $2, first_response_due_at = $3, resolution_due_at = $4 where id = $1', [
      ticketId,
      plan.policyId,
      plan.firstResponseDueAt,
      plan.resolutionDueAt,
    ]);
    await tx.query("select set_config('app.change_reason', '', true)");
  }

  await tx.query(
    `delete from sla_timers
      where ticket_id = $1 and fired_at is null and kind = any ($2::text[])
        and (kind, step) not in (select * from unnest($3::text[], $4::smallint[]))`,
    [ticketId, PLANNED_KINDS, plan.timers.map((timer) => timer.kind), plan.timers.map((timer) => timer.step)],
  );
  if (plan.timers.length > 0) {
    // A timer that already fired stays fired: each warning, breach and escalation happens once.
    await tx.query(
      `insert into sla_timers (ticket_id, kind, step, due_at)
       select $1, kind, step, due_at from unnest($2::text[], $3::smallint[], $4::timestamptz[]) as t (kind, step, due_at)
       on conflict (ticket_id, kind, step) do update set due_at = excluded.due_at
        where sla_timers.fired_at is null and sla_timers.due_at <> excluded.due_at`,
      [ticketId, plan.timers.map((t) => t.kind), plan.timers.map((t) => t.step), plan.timers.map((t) => t.dueAt)],
    );
  }

  if (row.reopen_count >= REOPENS_BEFORE_ESCALATION) await escalateReopens(tx, ticketId, row.reopen_count, now);
  return true;
}

const sameTime = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

function targetsChanged(row: TicketRow, plan: SlaPlan): boolean {
  return (
    row.sla_policy_id !== plan.policyId ||
    !sameTime(row.first_response_due_at, plan.firstResponseDueAt) ||
    !sameTime(row.resolution_due_at, plan.resolutionDueAt)
  );
}

/** Once per ticket: a ticket reopened again after that is already known to be troubled. */
async function escalateReopens(tx: Queryable, ticketId: string, reopenCount: number, now: Date): Promise<void> {
  const existing = await tx.query("select 1 from escalations where ticket_id = $1 and escalation_type = 'multiple_reopens'", [ticketId]);
  if (existing.rows.length > 0) return;
  const [to] = await escalationChain(tx, ticketId, 1);
  await tx.query(
    `insert into escalations (ticket_id, from_user_id, to_user_id, reason, escalation_level, escalation_type, escalated_at)
     values ($1, null, $2, $3, 1, 'multiple_reopens', $4)`,
    [ticketId, to ?? null, `Reopened ${reopenCount} times: the resolutions are not holding.`, now],
  );
}
