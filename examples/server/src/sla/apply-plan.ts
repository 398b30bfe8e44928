/**
 * Plans tickets' SLA again and makes the database say so: stamps the policy and due times on each
 * ticket (the history records each change of target, with the policy as the reason), moves or
 * removes the timers not yet fired, and opens the `multiple_reopens` escalation on a third reopen.
 *
 * Runs as the engine (the owner, no actor bound), with the tickets locked in id order, so two
 * instances planning the same ticket take turns and never deadlock. A whole batch costs a fixed
 * number of statements (plus one per policy whose tickets changed targets, and one per third
 * reopen), not a handful per ticket.
 */
import type { Queryable } from '../db/database.js';
import { hasEscalation, openEscalation } from './engine-escalations.js';
import { loadTicketSlas } from './load-ticket-sla.js';
import { planTicketSla, PLANNED_KINDS, type SlaPlan } from './plan.js';

/** The reopen that escalates: the third. */
const REOPENS_BEFORE_ESCALATION = 3;

interface TicketRow {
  id: string;
  priority: 'urgent' | 'high' | 'medium' | 'low';
  assignee_id: string | null;
  reopen_count: number;
  sla_policy_id: string | null;
  first_response_due_at: Date | null;
  resolution_due_at: Date | null;
  critical_unassigned_minutes: number;
}

/** Plans the tickets of `ticketIds` that still exist. */
export async function applySlaPlans(tx: Queryable, ticketIds: readonly string[], now: Date): Promise<void> {
  if (ticketIds.length === 0) return;
  const { rows } = await tx.query<TicketRow>(
    `select t.id, t.priority, t.assignee_id, t.reopen_count, t.sla_policy_id, t.first_response_due_at, t.resolution_due_at,
            s.critical_unassigned_minutes
       from tickets t cross join company_settings s
      where t.id = any ($1::uuid[])
      order by t.id
      for update of t`,
    [[...ticketIds]],
  );
  const inputs = await loadTicketSlas(tx, rows.map((row) => row.id));

  const planned: { row: TicketRow; plan: SlaPlan; reason: string }[] = [];
  for (const row of rows) {
    const input = inputs.get(row.id);
    if (!input) continue;
    const plan = planTicketSla({
      ticket: input.ticket,
      priority: row.priority,
      assigneeId: row.assignee_id,
      policy: input.policy,
      criticalUnassignedMinutes: row.critical_unassigned_minutes,
    });
    const reason = input.policy ? `SLA policy "${input.policy.name}"` : 'No SLA policy applies';
    planned.push({ row, plan, reason });
  }

  await stampTargets(tx, planned.filter(({ row, plan }) => targetsChanged(row, plan)));
  await replaceTimers(tx, planned.map(({ row, plan }) => ({ ticketId: row.id, plan })));
  for (const { row } of planned) {
    if (row.reopen_count >= REOPENS_BEFORE_ESCALATION) await escalateReopens(tx, row.id, row.reopen_count, now);
  }
}

/** One statement per reason: the history trigger reads the reason from `app.change_reason`. */
async function stampTargets(tx: Queryable, changed: { row: TicketRow; plan: SlaPlan; reason: string }[]): Promise<void> {
  const byReason = new Map<string, typeof changed>();
  for (const entry of changed) byReason.set(entry.reason, [...(byReason.get(entry.reason) ?? []), entry]);
  for (const [reason, entries] of byReason) {
    await tx.query("select set_config('app.change_reason', $1, true)", [reason]);
    await tx.query(
      `update tickets t
          set sla_policy_id = p.policy_id, first_response_due_at = p.first_response_due_at, resolution_due_at = p.resolution_due_at
         from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[])
              as p (id, policy_id, first_response_due_at, resolution_due_at)
        where t.id = p.id`,
      [
        entries.map((e) => e.row.id),
        entries.map((e) => e.plan.policyId),
        entries.map((e) => e.plan.firstResponseDueAt),
        entries.map((e) => e.plan.resolutionDueAt),
      ],
    );
  }
  if (byReason.size > 0) await tx.query("select set_config('app.change_reason', '', true)");
}

/** Unfired timers of the planned kinds become exactly the plan's; fired ones stay as they are. */
async function replaceTimers(tx: Queryable, plans: { ticketId: string; plan: SlaPlan }[]): Promise<void> {
  const timers = plans.flatMap(({ ticketId, plan }) => plan.timers.map((timer) => ({ ticketId, ...timer })));
  const columns = [timers.map((t) => t.ticketId), timers.map((t) => t.kind), timers.map((t) => t.step), timers.map((t) => t.dueAt)];
  await tx.query(
    `delete from sla_timers s
      where s.ticket_id = any ($1::uuid[]) and s.fired_at is null and s.kind = any ($2::text[])
        and not exists (select 1 from unnest($3::uuid[], $4::text[], $5::smallint[]) as p (ticket_id, kind, step)
                         where p.ticket_id = s.ticket_id and p.kind = s.kind and p.step = s.step)`,
    [plans.map((p) => p.ticketId), PLANNED_KINDS, columns[0], columns[1], columns[2]],
  );
  if (timers.length === 0) return;
  // A timer that already fired stays fired: each warning, breach and escalation happens once.
  await tx.query(
    `insert into sla_timers (ticket_id, kind, step, due_at)
     select * from unnest($1::uuid[], $2::text[], $3::smallint[], $4::timestamptz[])
     on conflict (ticket_id, kind, step) do update set due_at = excluded.due_at
      where sla_timers.fired_at is null and sla_timers.due_at <> excluded.due_at`,
    columns,
  );
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
  if (await hasEscalation(tx, ticketId, 'multiple_reopens', { ever: true })) return;
  await openEscalation(tx, ticketId, 'multiple_reopens', `Reopened ${reopenCount} times: the resolutions are not holding.`, now);
}
