/**
 * A ticket's live SLA state, as a pure function of the ticket, the policy it is under and the moment
 * asked: the server's examples/server/src/sla/ticket-sla-state.ts, line for line. The inputs are
 * gathered in `rules/sla.ts`; everything decided by time is here, and nothing stored by the SLA
 * engine is trusted over it (a policy change shows at once).
 *
 * The rules (the contract's `getTicketSla` documents them for clients):
 * - Both clocks start when the ticket is created and count business time (business-time.ts).
 * - First response: never pauses; met at the first public reply by staff, or at the resolution.
 * - Resolution: stands still while the ticket is `pending` and while it was resolved or closed before
 *   a reopen (the "stops"); met when the ticket is resolved. While it stands still the due time is the
 *   one that stood when the stop began; it moves on by the business time the stop took once it ends.
 * - A target is breached once its due instant has passed before it was met; at risk while the
 *   business time left is within the policy's escalation threshold.
 */
import type { components } from '../../generated/api.js';
import { addBusinessMs, businessMsBetween, calendarOf, type BusinessCalendar } from './business-time.js';

type SlaPolicy = components['schemas']['SlaPolicy'];
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
  /** When the ticket first missed a target, as the SLA engine stamped it; null until it does. */
  slaBreachedAt: Date | null;
  /** When the resolution clock stood still, in order; only the last may still be open. */
  stops: ClockStop[];
}

const MINUTE = 60_000;

/**
 * When `minutes` business minutes of *running* clock since `start` are used up, the clock standing
 * still during `stops` (ordered; only the last may be open, end === null). Returns null when the
 * clock is stopped now (an open stop) and the point was not reached before that stop began.
 */
export function runningClockPoint(calendar: BusinessCalendar, start: Date, minutes: number, stops: readonly ClockStop[]): Date | null {
  const point = runningPoint(calendar, start.getTime(), Math.round(minutes * MINUTE), stops);
  return point === null ? null : new Date(point);
}

/** The live SLA state of `ticket` under `policy` (null: no policy applies) at the moment `now`. */
export function ticketSlaState(ticket: SlaTicket, policy: SlaPolicy | null, now: Date): SlaTicketState {
  const created = ticket.createdAt.getTime();
  const nowMs = now.getTime();
  const paused = ticket.status === 'pending';
  const calendar = policy ? calendarOf(policy) : null;
  const threshold = policy?.escalation_threshold_minutes ?? null;
  const thresholdMs = threshold === null ? null : threshold * MINUTE;

  const respondedAt = ticket.firstRespondedAt ?? ticket.resolvedAt;
  const responseRef = respondedAt?.getTime() ?? nowMs;
  const response = calendar && policy ? measure(calendar, created, policy.response_time_minutes, [], responseRef) : null;

  const openStop = ticket.stops.at(-1)?.end === null ? ticket.stops.at(-1) : undefined;
  // While paused the clock stopped when the pause began; everything is measured from there.
  const pausedSince = paused ? Math.min(openStop?.start.getTime() ?? nowMs, nowMs) : null;
  const resolutionRef = ticket.resolvedAt?.getTime() ?? pausedSince ?? nowMs;
  const resolution = calendar && policy ? measure(calendar, created, policy.resolution_time_minutes, ticket.stops, resolutionRef) : null;

  const first_response = {
    status: targetStatus(response, responseRef, respondedAt !== null, false, thresholdMs),
    target_minutes: policy?.response_time_minutes ?? null,
    due_at: isoOrNull(response?.due ?? null),
    responded_at: respondedAt?.toISOString() ?? null,
    ...minutesOf(response),
    remaining_seconds: remainingSeconds(response, responseRef),
    breached: isBreached(response, responseRef),
  };
  const resolutionState = {
    status: targetStatus(resolution, resolutionRef, ticket.resolvedAt !== null, paused, thresholdMs),
    target_minutes: policy?.resolution_time_minutes ?? null,
    due_at: isoOrNull(resolution?.due ?? null),
    resolved_at: ticket.resolvedAt?.toISOString() ?? null,
    ...minutesOf(resolution),
    remaining_seconds: remainingSeconds(resolution, resolutionRef),
    breached: isBreached(resolution, resolutionRef),
  };

  const missed = [first_response.breached ? response : null, resolutionState.breached ? resolution : null]
    .filter((target): target is Measure => target !== null)
    .map((target) => target.due);
  const breachedAt = ticket.slaBreachedAt?.getTime() ?? (missed.length > 0 ? Math.min(...missed) : null);

  return {
    ticket_id: ticket.id,
    policy,
    first_response,
    resolution: resolutionState,
    paused,
    paused_seconds: Math.floor(pausedMs(ticket.stops, created, pausedSince, nowMs) / 1000),
    breached_at: isoOrNull(breachedAt),
    computed_at: now.toISOString(),
  };
}

/** Where one target stands at `ref`, the moment its clock is read (now, or when it stopped). */
interface Measure {
  targetMs: number;
  /** When the target is due, with the stops before `ref` counted in. */
  due: number;
  /** Business time the clock has run from the creation to `ref`. */
  elapsedMs: number;
}

function measure(calendar: BusinessCalendar, created: number, targetMinutes: number, stops: readonly ClockStop[], ref: number): Measure {
  // Only what happened before `ref` counts, and a stop still open at `ref` ends there: the due time
  // is the one standing at `ref`, and a stop that begins after the due time does not undo a breach.
  const before = stops
    .filter((stop) => stop.start.getTime() < ref)
    .map((stop) => ({ start: stop.start, end: new Date(Math.min(stop.end?.getTime() ?? ref, ref)) }));
  const targetMs = targetMinutes * MINUTE;
  const due = runningPoint(calendar, created, targetMs, before)!;
  let elapsedMs = businessMsBetween(calendar, created, ref);
  for (const stop of before) elapsedMs -= businessMsBetween(calendar, Math.max(stop.start.getTime(), created), stop.end.getTime());
  return { targetMs, due, elapsedMs: Math.max(0, elapsedMs) };
}

function runningPoint(calendar: BusinessCalendar, start: number, ms: number, stops: readonly ClockStop[]): number | null {
  let cursor = start;
  let left = ms;
  for (const stop of stops) {
    const stopStart = stop.start.getTime();
    const stopEnd = stop.end?.getTime() ?? null;
    if (stopEnd !== null && stopEnd <= cursor) continue;
    if (stopStart > cursor) {
      const point = addBusinessMs(calendar, cursor, left);
      // Reached no later than the stop began: the stop cannot move it.
      if (point <= stopStart) return point;
      left -= businessMsBetween(calendar, cursor, stopStart);
    } else if (left <= 0) {
      return cursor;
    }
    if (stopEnd === null) return null;
    cursor = stopEnd;
  }
  return addBusinessMs(calendar, cursor, left);
}

function minutesOf(target: Measure | null) {
  if (!target) return { elapsed_business_minutes: null, remaining_business_minutes: null };
  return {
    elapsed_business_minutes: Math.floor(target.elapsedMs / MINUTE),
    remaining_business_minutes: Math.floor((target.targetMs - target.elapsedMs) / MINUTE),
  };
}

/** Time spent in stops that ended, plus the current pause up to now. */
function pausedMs(stops: readonly ClockStop[], start: number, pausedSince: number | null, now: number): number {
  let total = 0;
  for (const stop of stops) {
    if (stop.end === null) continue;
    total += Math.max(0, stop.end.getTime() - Math.max(stop.start.getTime(), start));
  }
  if (pausedSince !== null) total += Math.max(0, now - pausedSince);
  return total;
}

const isBreached = (target: Measure | null, ref: number) => target !== null && ref > target.due;

function targetStatus(target: Measure | null, ref: number, met: boolean, paused: boolean, thresholdMs: number | null): SlaTargetStatus {
  if (target === null) return 'none';
  if (ref > target.due) return 'breached';
  if (met) return 'met';
  if (paused) return 'paused';
  if (thresholdMs !== null && target.targetMs - target.elapsedMs <= thresholdMs) return 'at_risk';
  return 'running';
}

const remainingSeconds = (target: Measure | null, ref: number) => (target === null ? null : Math.floor((target.due - ref) / 1000));

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
