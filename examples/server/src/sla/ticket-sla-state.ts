/**
 * A ticket's live SLA state, as a pure function of the ticket, the policy it is under and the moment
 * asked. The route gathers the inputs (`load-ticket-sla.ts`); everything decided by time is here.
 *
 * The rules (the contract's `getTicketSla` documents them for clients):
 * - Both clocks start when the ticket is created.
 * - First response: never pauses; met at the first public reply by staff, or at the resolution.
 * - Resolution: stands still while the ticket is `pending` and while it was resolved or closed before
 *   a reopen (the "stops"); met when the ticket is resolved.
 * - A due time the ticket already carries (set by the SLA engine) is taken as is.
 *
 * This is the minimal calculation: every calendar minute counts. Business hours
 * (`business_hours_only` in the policy's `time_zone`) belong to the SLA engine, which replaces
 * {@link dueAfter} with business-time arithmetic; the shape of the state does not change.
 */
import type { components } from '../../../../src/generated/api.js';
import type { SlaPolicy } from './policy-row.js';

type SlaTicketState = components['schemas']['SlaTicketState'];
type SlaTargetStatus = components['schemas']['SlaTargetStatus'];
type TicketStatus = components['schemas']['TicketStatus'];

/** A period the resolution clock stood still; `end` is null while it lasts. */
export interface ClockStop {
  start: Date;
  end: Date | null;
}

export interface SlaTicket {
  id: string;
  status: TicketStatus;
  createdAt: Date;
  firstRespondedAt: Date | null;
  resolvedAt: Date | null;
  /** Due times stored on the ticket by the SLA engine; null until it sets them. */
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  slaBreachedAt: Date | null;
  /** When the resolution clock stood still, in order; only the last may still be open. */
  stops: ClockStop[];
}

const MINUTE = 60_000;

export function ticketSlaState(ticket: SlaTicket, policy: SlaPolicy | null, now: Date): SlaTicketState {
  const created = ticket.createdAt.getTime();
  const nowMs = now.getTime();
  const paused = ticket.status === 'pending';
  const threshold = policy?.escalation_threshold_minutes ?? null;

  const responseTarget = policy?.response_time_minutes ?? null;
  const respondedAt = ticket.firstRespondedAt ?? ticket.resolvedAt;
  const responseRef = respondedAt?.getTime() ?? nowMs;
  const responseDue = ticket.firstResponseDueAt?.getTime() ?? (responseTarget === null ? null : created + responseTarget * MINUTE);

  const resolutionTarget = policy?.resolution_time_minutes ?? null;
  const openStop = ticket.stops.at(-1)?.end === null ? ticket.stops.at(-1) : undefined;
  // While paused the clock stopped when the pause began; remaining time is measured from there.
  const pausedSince = paused ? Math.min(openStop?.start.getTime() ?? nowMs, nowMs) : null;
  const resolutionRef = ticket.resolvedAt?.getTime() ?? pausedSince ?? nowMs;
  const resolutionDue =
    ticket.resolutionDueAt?.getTime() ??
    (resolutionTarget === null ? null : dueAfter(created, resolutionTarget * MINUTE, ticket.stops, resolutionRef));

  const first_response = {
    status: targetStatus(responseDue, responseRef, respondedAt !== null, false, threshold),
    target_minutes: responseTarget,
    due_at: isoOrNull(responseDue),
    responded_at: respondedAt?.toISOString() ?? null,
    remaining_seconds: remaining(responseDue, responseRef),
    breached: responseDue !== null && responseRef > responseDue,
  };
  const resolution = {
    status: targetStatus(resolutionDue, resolutionRef, ticket.resolvedAt !== null, paused, threshold),
    target_minutes: resolutionTarget,
    due_at: isoOrNull(resolutionDue),
    resolved_at: ticket.resolvedAt?.toISOString() ?? null,
    remaining_seconds: remaining(resolutionDue, resolutionRef),
    breached: resolutionDue !== null && resolutionRef > resolutionDue,
  };

  const missed = [first_response.breached ? responseDue : null, resolution.breached ? resolutionDue : null].filter(
    (due): due is number => due !== null,
  );
  const breachedAt = ticket.slaBreachedAt?.getTime() ?? (missed.length > 0 ? Math.min(...missed) : null);

  return {
    ticket_id: ticket.id,
    policy,
    first_response,
    resolution,
    paused,
    paused_seconds: Math.floor(pausedMs(ticket.stops, created, pausedSince, nowMs) / 1000),
    breached_at: isoOrNull(breachedAt),
    computed_at: now.toISOString(),
  };
}

/**
 * When `targetMs` of running time after `start` is used up, counting only stops that began before
 * the clock ran out and before `ref` (a stop that begins after the due time does not un-breach it).
 */
function dueAfter(start: number, targetMs: number, stops: ClockStop[], ref: number): number {
  let due = start + targetMs;
  for (const stop of stops) {
    const from = Math.max(stop.start.getTime(), start);
    if (from >= due || from >= ref) break;
    const to = Math.min(stop.end?.getTime() ?? ref, ref);
    due += Math.max(0, to - from);
  }
  return due;
}

/** Time spent in stops that ended, plus the current pause up to now. */
function pausedMs(stops: ClockStop[], start: number, pausedSince: number | null, now: number): number {
  let total = 0;
  for (const stop of stops) {
    if (stop.end === null) continue;
    total += Math.max(0, stop.end.getTime() - Math.max(stop.start.getTime(), start));
  }
  if (pausedSince !== null) total += Math.max(0, now - pausedSince);
  return total;
}

function targetStatus(due: number | null, ref: number, met: boolean, paused: boolean, thresholdMinutes: number | null): SlaTargetStatus {
  if (due === null) return 'none';
  if (ref > due) return 'breached';
  if (met) return 'met';
  if (paused) return 'paused';
  if (thresholdMinutes !== null && due - ref <= thresholdMinutes * MINUTE) return 'at_risk';
  return 'running';
}

const remaining = (due: number | null, ref: number) => (due === null ? null : Math.floor((due - ref) / 1000));

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
