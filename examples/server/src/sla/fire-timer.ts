/**
 * What the scheduler does when a timer is due. Each action checks the ticket's live state first
 * (the timer may be stale: a reply or a pause can land between planning and firing) and reports
 * what it did; the scheduler records that as the timer's outcome.
 *
 * Every write goes through the database's own triggers: the breach stamp is recorded in the
 * history, escalations move the ticket's level and emit `escalation.*` events, and `app.emit` sends
 * `sla.*` events. Notifications and webhooks follow from those events (notification routing and
 * webhook dispatch consume the outbox), so nothing here sends anything itself.
 */
import type { Queryable } from '../db/database.js';
import { runningClockPoint, ticketSlaState } from './ticket-sla-state.js';
import { calendarOf } from './business-time.js';
import { escalationChain, MAX_ESCALATION_LEVEL } from './escalation-chain.js';
import { hasEscalation, openEscalation } from './engine-escalations.js';
import type { TicketSlaInputs } from './load-ticket-sla.js';
import type { TimerKind } from './plan.js';

export interface DueTimer {
  ticket_id: string;
  kind: TimerKind;
  step: number;
  due_at: Date;
}

/**
 * What firing did: `done` marks the timer fired with its outcome; not done means the timer was stale
 * and the ticket must be planned again (which moves or removes it).
 */
export type FireResult = { done: true; outcome: string } | { done: false };

const TARGETS = {
  first_response_warning: ['first_response', 'warning'],
  first_response_breach: ['first_response', 'breach'],
  resolution_warning: ['resolution', 'warning'],
  resolution_breach: ['resolution', 'breach'],
} as const;

/**
 * Fires `timer` at `now`. `inputs` are the ticket's SLA inputs as loaded with the ticket locked
 * (firing never changes them: it stamps, escalates and emits), or undefined if it is gone.
 */
export async function fireTimer(tx: Queryable, timer: DueTimer, now: Date, inputs: TicketSlaInputs | undefined): Promise<FireResult> {
  switch (timer.kind) {
    case 'first_response_warning':
    case 'first_response_breach':
    case 'resolution_warning':
    case 'resolution_breach': {
      const [target, action] = TARGETS[timer.kind];
      const live = liveTarget(inputs, target, now);
      return action === 'warning' ? warn(tx, timer, live) : breach(tx, timer, live, now);
    }
    case 'escalation_level':
      return raiseLevel(tx, timer);
    case 'critical_unassigned':
      return escalateUnassigned(tx, timer, now);
  }
}

type Target = 'first_response' | 'resolution';

type LiveTarget = ReturnType<typeof liveTarget>;

function liveTarget(inputs: TicketSlaInputs | undefined, target: Target, now: Date) {
  if (!inputs?.policy) return null;
  const state = ticketSlaState(inputs.ticket, inputs.policy, now);
  const metAt = target === 'first_response' ? state.first_response.responded_at : state.resolution.resolved_at;
  return { target, inputs, policy: inputs.policy, state: state[target], metAt };
}

async function warn(tx: Queryable, timer: DueTimer, live: LiveTarget): Promise<FireResult> {
  // Past the due time a warning would come after (or with) the breach notice: pointless.
  if (live?.state.status === 'breached') return { done: true, outcome: 'skipped: already breached' };
  // A target met, paused or no longer under a policy has nothing to warn about; planning again
  // removes or moves the timer.
  if (live?.state.status !== 'at_risk') return { done: false };
  await tx.query("select app.emit('sla.warning', $1, true, $2::jsonb)", [
    timer.ticket_id,
    { target: live.target, due_at: live.state.due_at, policy_id: live.policy.id },
  ]);
  return { done: true, outcome: 'warned' };
}

async function breach(tx: Queryable, timer: DueTimer, live: LiveTarget, now: Date): Promise<FireResult> {
  if (!live?.state.due_at) return { done: false };
  const { target } = live;
  const dueAt = new Date(live.state.due_at);
  // At the due instant itself the live state still reads `at_risk` (nothing is late *yet*), but the
  // time allowed is used up: the timer firing then is the breach. Met in time, paused, or moved
  // later by a pause: planning again removes or moves the timer.
  if (live.state.status === 'met' || live.state.status === 'paused' || live.state.status === 'none' || dueAt > now) {
    return { done: false };
  }

  // The breach time is when the target was missed, not when the scheduler noticed.
  await tx.query('update tickets set sla_breached_at = $2 where id = $1 and sla_breached_at is null', [timer.ticket_id, dueAt]);
  await tx.query("select app.emit('sla.breached', $1, true, $2::jsonb)", [
    timer.ticket_id,
    { target, due_at: live.state.due_at, policy_id: live.policy.id },
  ]);

  // Met late (the reply or resolution came before this pass): recorded and announced, but there is
  // nothing left to escalate.
  if (live.metAt !== null) return { done: true, outcome: 'breached (met late)' };

  // One open SLA escalation per ticket: a second missed target joins the one already open.
  if (await hasEscalation(tx, timer.ticket_id, 'sla_breach')) return { done: true, outcome: 'breached (escalation already open)' };
  const label = target === 'first_response' ? 'First response' : 'Resolution';
  await openEscalation(tx, timer.ticket_id, 'sla_breach', `${label} target of policy "${live.policy.name}" missed (due ${live.state.due_at}).`, now);

  // Each further threshold of business time that passes with the escalation open raises it a level
  // (pauses after the breach do not hold it back: the target is already missed). The timers belong
  // to this escalation: those of an earlier one, fired or not, are set again.
  const threshold = live.policy.escalation_threshold_minutes;
  if (threshold !== null) {
    const targetMinutes = target === 'first_response' ? live.policy.response_time_minutes : live.policy.resolution_time_minutes;
    const stops = target === 'first_response' ? [] : live.inputs.ticket.stops.filter((stop) => stop.end !== null);
    const calendar = calendarOf(live.policy);
    const levels = [];
    for (let level = 2; level <= MAX_ESCALATION_LEVEL; level += 1) {
      const at = runningClockPoint(calendar, live.inputs.ticket.createdAt, targetMinutes + (level - 1) * threshold, stops);
      if (at) levels.push({ level, at });
    }
    await tx.query(
      `insert into sla_timers (ticket_id, kind, step, due_at)
       select $1, 'escalation_level', level, at from unnest($2::smallint[], $3::timestamptz[]) as l (level, at)
       on conflict (ticket_id, kind, step) do update set due_at = excluded.due_at, fired_at = null, outcome = null`,
      [timer.ticket_id, levels.map((l) => l.level), levels.map((l) => l.at)],
    );
  }
  return { done: true, outcome: 'breached' };
}

async function raiseLevel(tx: Queryable, timer: DueTimer): Promise<FireResult> {
  const { rows } = await tx.query<{ id: string; escalation_level: number }>(
    `select e.id, e.escalation_level from escalations e join tickets t on t.id = e.ticket_id
      where e.ticket_id = $1 and e.escalation_type = 'sla_breach' and e.status in ('pending', 'acknowledged')
        and t.status not in ('resolved', 'closed')
      order by e.escalated_at desc limit 1`,
    [timer.ticket_id],
  );
  const escalation = rows[0];
  if (!escalation) return { done: true, outcome: 'skipped: no open SLA escalation' };
  if (escalation.escalation_level >= timer.step) return { done: true, outcome: `skipped: already at level ${escalation.escalation_level}` };
  const [to] = await escalationChain(tx, timer.ticket_id, timer.step);
  await tx.query('update escalations set escalation_level = $2, to_user_id = coalesce($3, to_user_id) where id = $1', [
    escalation.id,
    timer.step,
    to ?? null,
  ]);
  return { done: true, outcome: `raised to level ${timer.step}` };
}

async function escalateUnassigned(tx: Queryable, timer: DueTimer, now: Date): Promise<FireResult> {
  const { rows } = await tx.query<{ still: boolean; open: boolean }>(
    `select t.priority = 'urgent' and t.assignee_id is null and t.status in ('new', 'open') as still,
            exists (select 1 from escalations e where e.ticket_id = t.id and e.escalation_type = 'critical_priority'
                      and e.status in ('pending', 'acknowledged')) as open
       from tickets t where t.id = $1`,
    [timer.ticket_id],
  );
  const row = rows[0];
  if (!row?.still) return { done: false };
  if (row.open) return { done: true, outcome: 'skipped: escalation already open' };
  await openEscalation(tx, timer.ticket_id, 'critical_priority', 'Urgent ticket still unassigned after the time the company settings allow (critical_unassigned_minutes).', now);
  return { done: true, outcome: 'escalated' };
}
