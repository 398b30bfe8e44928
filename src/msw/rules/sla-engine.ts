/**
 * The server's SLA engine (examples/server/src/sla/scheduler.ts, apply-plan.ts, fire-timer.ts), run
 * by the mock's background jobs against its clock:
 *
 * 1. Plans tickets whose SLA inputs changed: stamps the policy and due times on each (recorded in
 *    the history with the policy as the reason, and as internal `ticket.updated` events, without
 *    moving the ticket's version), sets its timers, and opens a `multiple_reopens` escalation on a
 *    third reopen. The server queues tickets by trigger (`sla_refresh_queue`); the mock plans a
 *    ticket whose version, first response or (urgent) unassigned limit differs from when it last
 *    planned it, and every open ticket of a priority whose policies were written.
 * 2. Fires the timers due by the clock: warnings (`sla.warning`), breaches (the breach stamp,
 *    `sla.breached`, an `sla_breach` escalation raised a level per further threshold of business
 *    time), and the `critical_priority` escalation of an urgent ticket left unassigned.
 */
import { calendarOf } from '../sla/business-time.js';
import { planTicketSla, PLANNED_KINDS, type SlaPlan } from '../sla/plan.js';
import { runningClockPoint, ticketSlaState } from '../sla/state.js';
import type { SlaTimerRow, TicketRow } from '../store.js';
import type { Work, World } from '../world.js';
import { escalationChain, hasEscalation, isOpen, liveEscalations, MAX_ESCALATION_LEVEL, openEscalation, updateEscalation } from './escalations.js';
import { slaInputs, type TicketSlaInputs } from './sla.js';
import { updateTicketAsSystem } from './tickets.js';
import { emit } from './trail.js';

/** The reopen that escalates: the third. */
const REOPENS_BEFORE_ESCALATION = 3;
/** Tickets planned, and timers fired, per pass (the scheduler's batch). */
const BATCH = 200;

type TimerKind = SlaTimerRow['kind'];

/** What a ticket's plan depends on beyond its policies: a change of any of it plans the ticket again. */
function planInputs(world: World, ticket: TicketRow): string {
  const limit = ticket.priority === 'urgent' ? world.store.settings.critical_unassigned_minutes : '';
  return `${ticket.version}|${ticket.sla.first_responded_at ?? ''}|${limit}`;
}

/**
 * Marks the open tickets of `priorities` for planning again (the sla_policies trigger): a policy
 * written or removed may change their targets.
 */
export function queuePriorities(world: World, priorities: readonly string[]): void {
  const { tickets, slaPlans } = world.store.tables;
  for (const ticket of tickets.where((t) => priorities.includes(t.priority) && t.status !== 'resolved' && t.status !== 'closed')) {
    slaPlans.delete(ticket.id);
  }
}

/** One pass of the scheduler: plans a batch of queued tickets, then fires a batch of due timers. */
export function runSlaScheduler(work: Work, now: Date): number {
  return planQueued(work, now) + fireDue(work, now);
}

function planQueued(work: Work, now: Date): number {
  const { world } = work;
  const { tickets, slaPlans } = world.store.tables;
  const queued = tickets
    .where((ticket) => slaPlans.get(ticket.id)?.inputs !== planInputs(world, ticket))
    .slice(0, BATCH)
    .map((ticket) => ticket.id);
  applySlaPlans(work, queued, now);
  for (const id of queued) {
    const ticket = tickets.get(id);
    if (ticket) slaPlans.put({ id, inputs: planInputs(world, ticket) });
  }
  return queued.length;
}

/** Plans the tickets of `ticketIds` that still exist. */
export function applySlaPlans(work: Work, ticketIds: readonly string[], now: Date): void {
  const { world } = work;
  const { tickets } = world.store.tables;
  const planned: { ticket: TicketRow; plan: SlaPlan; reason: string }[] = [];
  for (const id of [...ticketIds].sort()) {
    const ticket = tickets.get(id);
    if (!ticket) continue;
    const inputs = slaInputs(world, ticket, null);
    const plan = planTicketSla({
      ticket: inputs.ticket,
      priority: ticket.priority,
      assigneeId: ticket.assignee_id,
      policy: inputs.policy,
      criticalUnassignedMinutes: world.store.settings.critical_unassigned_minutes,
    });
    planned.push({ ticket, plan, reason: inputs.policy ? `SLA policy "${inputs.policy.name}"` : 'No SLA policy applies' });
  }
  stampTargets(work, planned.filter(({ ticket, plan }) => targetsChanged(ticket, plan)));
  replaceTimers(work, planned);
  for (const { ticket } of planned) {
    if (ticket.reopen_count >= REOPENS_BEFORE_ESCALATION && !hasEscalation(world, ticket.id, 'multiple_reopens', { ever: true })) {
      openEscalation(work, ticket.id, 'multiple_reopens', `Reopened ${ticket.reopen_count} times: the resolutions are not holding.`, now);
    }
  }
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());
const sameTime = (a: string | null, b: Date | null) => (a === null || b === null ? a === null && b === null : Date.parse(a) === b.getTime());

function targetsChanged(ticket: TicketRow, plan: SlaPlan): boolean {
  return (
    ticket.sla.policy_id !== plan.policyId ||
    !sameTime(ticket.sla.first_response_due_at, plan.firstResponseDueAt) ||
    !sameTime(ticket.sla.resolution_due_at, plan.resolutionDueAt)
  );
}

/** One statement per reason on the server: the history entries carry it. */
function stampTargets(work: Work, changed: { ticket: TicketRow; plan: SlaPlan; reason: string }[]): void {
  const byReason = new Map<string, typeof changed>();
  for (const entry of changed) byReason.set(entry.reason, [...(byReason.get(entry.reason) ?? []), entry]);
  const { tickets } = work.world.store.tables;
  for (const [reason, entries] of byReason) {
    work.reason = reason;
    try {
      for (const { ticket, plan } of entries) {
        updateTicketAsSystem(work, tickets.get(ticket.id) ?? ticket, {
          sla: { policy_id: plan.policyId, first_response_due_at: iso(plan.firstResponseDueAt), resolution_due_at: iso(plan.resolutionDueAt) },
        });
      }
    } finally {
      work.reason = null;
    }
  }
}

const timerId = (ticketId: string, kind: TimerKind, step: number) => `${ticketId} ${kind} ${step}`;

/** Unfired timers of the planned kinds become exactly the plan's; fired ones stay as they are. */
function replaceTimers(work: Work, plans: { ticket: TicketRow; plan: SlaPlan }[]): void {
  const { slaTimers } = work.world.store.tables;
  for (const { ticket, plan } of plans) {
    const wanted = new Set(plan.timers.map((timer) => timerId(ticket.id, timer.kind, timer.step)));
    for (const timer of slaTimers.where((t) => t.ticket_id === ticket.id && t.fired_at === null && PLANNED_KINDS.includes(t.kind))) {
      if (!wanted.has(timer.id)) slaTimers.delete(timer.id);
    }
    // A timer that already fired stays fired: each warning, breach and escalation happens once.
    for (const timer of plan.timers) {
      const id = timerId(ticket.id, timer.kind, timer.step);
      const held = slaTimers.get(id);
      if (held && held.fired_at !== null) continue;
      slaTimers.put({ id, ticket_id: ticket.id, kind: timer.kind, step: timer.step, due_at: timer.dueAt.toISOString(), fired_at: null, outcome: null });
    }
  }
}

type FireResult = { done: true; outcome: string } | { done: false };

function fireDue(work: Work, now: Date): number {
  const { world } = work;
  const { slaTimers, tickets } = world.store.tables;
  // A deleted ticket's timers went with it (on delete cascade).
  for (const timer of slaTimers.where((t) => !tickets.get(t.ticket_id))) slaTimers.delete(timer.id);
  const due = slaTimers
    .where((timer) => timer.fired_at === null && Date.parse(timer.due_at) <= now.getTime())
    .sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at) || compare(a.ticket_id, b.ticket_id) || compare(a.kind, b.kind) || a.step - b.step)
    .slice(0, BATCH);
  if (due.length === 0) return 0;
  // Loaded once for the batch, as the server does with the tickets locked.
  const inputs = new Map(due.map((timer) => [timer.ticket_id, slaInputs(world, tickets.get(timer.ticket_id)!, null)]));
  const outcomes: { timer: SlaTimerRow; outcome: string }[] = [];
  for (const timer of due) {
    try {
      // A savepoint per timer: one that throws is undone and recorded as failed, and the batch goes on.
      world.store.transaction(() => {
        let result = fireTimer(work, timer, now, inputs.get(timer.ticket_id));
        if (!result.done) {
          applySlaPlans(work, [timer.ticket_id], now);
          // Planning moved or removed a stale timer; if it is still due as it was, nothing can come of it.
          result = stillDue(world, timer, now) ? { done: true, outcome: 'skipped: nothing to do' } : result;
        }
        if (result.done) outcomes.push({ timer, outcome: result.outcome });
      });
    } catch (error) {
      outcomes.push({ timer, outcome: `failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500) });
    }
  }
  for (const { timer, outcome } of outcomes) {
    const held = slaTimers.get(timer.id);
    if (held?.fired_at === null && Date.parse(held.due_at) <= now.getTime()) slaTimers.put({ ...held, fired_at: now.toISOString(), outcome });
  }
  return due.length;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function stillDue(world: World, timer: SlaTimerRow, now: Date): boolean {
  const held = world.store.tables.slaTimers.get(timer.id);
  return held?.fired_at === null && Date.parse(held.due_at) <= now.getTime();
}

const TARGETS = {
  first_response_warning: ['first_response', 'warning'],
  first_response_breach: ['first_response', 'breach'],
  resolution_warning: ['resolution', 'warning'],
  resolution_breach: ['resolution', 'breach'],
} as const;

function fireTimer(work: Work, timer: SlaTimerRow, now: Date, inputs: TicketSlaInputs | undefined): FireResult {
  switch (timer.kind) {
    case 'first_response_warning':
    case 'first_response_breach':
    case 'resolution_warning':
    case 'resolution_breach': {
      const [target, action] = TARGETS[timer.kind];
      const live = liveTarget(inputs, target, now);
      return action === 'warning' ? warn(work, timer, live) : breach(work, timer, live, now);
    }
    case 'escalation_level':
      return raiseLevel(work, timer);
    case 'critical_unassigned':
      return escalateUnassigned(work, timer, now);
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

function warn(work: Work, timer: SlaTimerRow, live: LiveTarget): FireResult {
  // Past the due time a warning would come after (or with) the breach notice: pointless.
  if (live?.state.status === 'breached') return { done: true, outcome: 'skipped: already breached' };
  if (live?.state.status !== 'at_risk') return { done: false };
  emit(work, 'sla.warning', timer.ticket_id, true, { target: live.target, due_at: live.state.due_at, policy_id: live.policy.id });
  return { done: true, outcome: 'warned' };
}

function breach(work: Work, timer: SlaTimerRow, live: LiveTarget, now: Date): FireResult {
  if (!live?.state.due_at) return { done: false };
  const { target } = live;
  const dueAt = new Date(live.state.due_at);
  // At the due instant itself the live state still reads `at_risk`, but the time allowed is used up.
  if (live.state.status === 'met' || live.state.status === 'paused' || live.state.status === 'none' || dueAt > now) return { done: false };

  const { tickets } = work.world.store.tables;
  const ticket = tickets.get(timer.ticket_id);
  // The breach time is when the target was missed, not when the scheduler noticed.
  if (ticket?.sla.breached_at === null) updateTicketAsSystem(work, ticket, { sla: { breached_at: dueAt.toISOString() } });
  emit(work, 'sla.breached', timer.ticket_id, true, { target, due_at: live.state.due_at, policy_id: live.policy.id });

  if (live.metAt !== null) return { done: true, outcome: 'breached (met late)' };
  if (hasEscalation(work.world, timer.ticket_id, 'sla_breach')) return { done: true, outcome: 'breached (escalation already open)' };
  const label = target === 'first_response' ? 'First response' : 'Resolution';
  openEscalation(work, timer.ticket_id, 'sla_breach', `${label} target of policy "${live.policy.name}" missed (due ${live.state.due_at}).`, now);

  // Each further threshold of business time that passes with the escalation open raises it a level.
  const threshold = live.policy.escalation_threshold_minutes;
  if (threshold !== null) {
    const targetMinutes = target === 'first_response' ? live.policy.response_time_minutes : live.policy.resolution_time_minutes;
    const stops = target === 'first_response' ? [] : live.inputs.ticket.stops.filter((stop) => stop.end !== null);
    const calendar = calendarOf(live.policy);
    const { slaTimers } = work.world.store.tables;
    for (let level = 2; level <= MAX_ESCALATION_LEVEL; level += 1) {
      const at = runningClockPoint(calendar, live.inputs.ticket.createdAt, targetMinutes + (level - 1) * threshold, stops);
      if (!at) continue;
      const id = timerId(timer.ticket_id, 'escalation_level', level);
      slaTimers.put({ id, ticket_id: timer.ticket_id, kind: 'escalation_level', step: level, due_at: at.toISOString(), fired_at: null, outcome: null });
    }
  }
  return { done: true, outcome: 'breached' };
}

function raiseLevel(work: Work, timer: SlaTimerRow): FireResult {
  const { world } = work;
  const ticket = world.store.tables.tickets.get(timer.ticket_id);
  const escalation =
    ticket && ticket.status !== 'resolved' && ticket.status !== 'closed'
      ? liveEscalations(world)
          .filter((e) => e.ticket_id === timer.ticket_id && e.escalation_type === 'sla_breach' && isOpen(e))
          .sort((a, b) => Date.parse(b.escalated_at) - Date.parse(a.escalated_at))[0]
      : undefined;
  if (!escalation) return { done: true, outcome: 'skipped: no open SLA escalation' };
  if (escalation.escalation_level >= timer.step) return { done: true, outcome: `skipped: already at level ${escalation.escalation_level}` };
  const [to] = escalationChain(world, timer.ticket_id, timer.step);
  updateEscalation(work, escalation, { escalation_level: timer.step, to_user_id: to ?? escalation.to_user_id });
  return { done: true, outcome: `raised to level ${timer.step}` };
}

function escalateUnassigned(work: Work, timer: SlaTimerRow, now: Date): FireResult {
  const { world } = work;
  const ticket = world.store.tables.tickets.get(timer.ticket_id);
  const still = ticket?.priority === 'urgent' && ticket.assignee_id === null && (ticket.status === 'new' || ticket.status === 'open');
  if (!still) return { done: false };
  if (hasEscalation(world, timer.ticket_id, 'critical_priority')) return { done: true, outcome: 'skipped: escalation already open' };
  openEscalation(
    work,
    timer.ticket_id,
    'critical_priority',
    'Urgent ticket still unassigned after the time the company settings allow (critical_unassigned_minutes).',
    now,
  );
  return { done: true, outcome: 'escalated' };
}
