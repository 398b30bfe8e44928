/**
 * (The server's examples/server/src/sla/plan.ts, line for line.)
 *
 * What the SLA engine intends for one ticket, as a pure function of the ticket, its policy and the
 * company settings: the due times to stamp on the ticket, and the timers the scheduler should fire.
 * A breach timer stays planned for a target met after its due time, so a miss is always recorded.
 *
 * - First response: warned `escalation_threshold_minutes` (business minutes) before it is due, and
 *   breached when due, until the first public reply by staff (or the resolution) meets it.
 * - Resolution: likewise, on the clock that stands still while the ticket is pending; while it stands
 *   still no resolution timer is set (unless it was already missed when the pause began), and the
 *   stored due time stays as it stood when the pause began.
 * - An urgent ticket still unassigned `critical_unassigned_minutes` (calendar minutes: urgent work does
 *   not wait for office hours) after it was created is escalated.
 * Escalation-level timers are not planned here: they start when a breach fires (see rules/sla-engine.ts).
 */
import type { components } from '../../generated/api.js';
import { calendarOf, addBusinessMinutes } from './business-time.js';
import { runningClockPoint, type SlaTicket } from './state.js';

type TicketPriority = components['schemas']['TicketPriority'];
type SlaPolicy = components['schemas']['SlaPolicy'];

export type TimerKind =
  | 'first_response_warning'
  | 'first_response_breach'
  | 'resolution_warning'
  | 'resolution_breach'
  | 'escalation_level'
  | 'critical_unassigned';

/** The kinds the planner owns: their unfired timers are replaced each time the ticket is planned. */
export const PLANNED_KINDS: readonly TimerKind[] = [
  'first_response_warning', 'first_response_breach', 'resolution_warning', 'resolution_breach', 'critical_unassigned',
];

export interface Timer {
  kind: TimerKind;
  /** The level an `escalation_level` timer raises to; 0 otherwise. */
  step: number;
  dueAt: Date;
}

export interface PlanInput {
  ticket: SlaTicket;
  priority: TicketPriority;
  assigneeId: string | null;
  policy: SlaPolicy | null;
  criticalUnassignedMinutes: number;
}

export interface SlaPlan {
  policyId: string | null;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  timers: Timer[];
}

const MINUTE = 60_000;

export function planTicketSla({ ticket, priority, assigneeId, policy, criticalUnassignedMinutes }: PlanInput): SlaPlan {
  const timers: Timer[] = [];
  const open = ticket.status !== 'resolved' && ticket.status !== 'closed';

  if (priority === 'urgent' && assigneeId === null && (ticket.status === 'new' || ticket.status === 'open')) {
    timers.push({ kind: 'critical_unassigned', step: 0, dueAt: new Date(ticket.createdAt.getTime() + criticalUnassignedMinutes * MINUTE) });
  }
  if (!policy) return { policyId: null, firstResponseDueAt: null, resolutionDueAt: null, timers };

  const calendar = calendarOf(policy);
  const threshold = policy.escalation_threshold_minutes;

  // The first-response clock never stands still.
  const firstResponseDueAt = addBusinessMinutes(calendar, ticket.createdAt, policy.response_time_minutes);
  const respondedAt = ticket.firstRespondedAt ?? ticket.resolvedAt;
  if (open && respondedAt === null && threshold !== null) {
    const warnAt = addBusinessMinutes(calendar, ticket.createdAt, policy.response_time_minutes - threshold);
    timers.push({ kind: 'first_response_warning', step: 0, dueAt: warnAt });
  }
  // A target met late keeps its breach timer: the reply may land after the due time but before the
  // scheduler's next pass, and the miss must still be stamped and announced.
  if ((open && respondedAt === null) || (respondedAt !== null && respondedAt > firstResponseDueAt)) {
    timers.push({ kind: 'first_response_breach', step: 0, dueAt: firstResponseDueAt });
  }

  // The stored resolution due time is the one that holds if the clock runs on from now: the open
  // pause, if any, is left out (it has not ended, so it has not yet moved the due time).
  const endedStops = ticket.stops.filter((stop) => stop.end !== null);
  const resolutionDueAt = runningClockPoint(calendar, ticket.createdAt, policy.resolution_time_minutes, endedStops);
  const running = open && ticket.status !== 'pending';
  if (running && resolutionDueAt !== null) {
    if (threshold !== null) {
      const warnAt = runningClockPoint(calendar, ticket.createdAt, policy.resolution_time_minutes - threshold, endedStops);
      if (warnAt) timers.push({ kind: 'resolution_warning', step: 0, dueAt: warnAt });
    }
    timers.push({ kind: 'resolution_breach', step: 0, dueAt: resolutionDueAt });
  } else if (resolutionDueAt !== null && stoppedAfter(ticket, resolutionDueAt)) {
    // Stopped (resolved, or put on hold) only after the due time: the miss stands and must still
    // be stamped and escalated, however soon after it the clock stopped.
    timers.push({ kind: 'resolution_breach', step: 0, dueAt: resolutionDueAt });
  }

  return { policyId: policy.id, firstResponseDueAt, resolutionDueAt, timers };
}

/** Whether the resolution clock stands still now, having stopped after `dueAt`. */
function stoppedAfter(ticket: SlaTicket, dueAt: Date): boolean {
  const last = ticket.stops.at(-1);
  const stoppedAt = ticket.resolvedAt ?? (last?.end === null ? last.start : null);
  return stoppedAt !== null && stoppedAt > dueAt;
}
