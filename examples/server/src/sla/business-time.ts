/**
 * Business time: the minutes an SLA clock counts. With `business_hours_only` they are the policy's
 * business hours, [startHour, endHour) wall-clock time in its time zone on business days (Monday to
 * Friday unless weekends are included; never on a holiday); otherwise every minute counts.
 *
 * Time-zone rules come from luxon's IANA zones (see business-windows.ts): an hour skipped when DST
 * starts holds no business time, and an hour repeated when it ends counts twice.
 */
import type { SlaPolicy } from './policy-row.js';
import { windowsFor } from './business-windows.js';

/** When an SLA clock runs; {@link calendarOf} reads it from a policy. */
export interface BusinessCalendar {
  /** false: every minute counts (24/7), and the other fields are ignored. */
  businessHoursOnly: boolean;
  /** An IANA time zone name. */
  timeZone: string;
  /** 0–23, local. */
  startHour: number;
  /** 1–24, local, after startHour. */
  endHour: number;
  includeWeekends: boolean;
  /** 'YYYY-MM-DD' local dates with no business time. */
  holidays: readonly string[];
}

const MINUTE_MS = 60_000;

/** The business calendar of a policy. */
export function calendarOf(policy: SlaPolicy): BusinessCalendar {
  return {
    businessHoursOnly: policy.business_hours_only,
    timeZone: policy.time_zone,
    startHour: policy.business_start_hour,
    endHour: policy.business_end_hour,
    includeWeekends: policy.include_weekends,
    holidays: policy.holidays,
  };
}

/** The instant at which `minutes` business minutes after `start` are used up. minutes <= 0 → start. */
export function addBusinessMinutes(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  return new Date(addBusinessMs(calendar, instantOf(start), Math.round(minutes * MINUTE_MS)));
}

/** Business minutes (fractional) between two instants; 0 when to <= from. */
export function businessMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  return businessMsBetween(calendar, instantOf(from), instantOf(to)) / MINUTE_MS;
}

/**
 * {@link addBusinessMinutes} in epoch milliseconds. When the time runs out exactly as business
 * closes, the answer is the closing instant, not the next opening.
 */
export function addBusinessMs(calendar: BusinessCalendar, start: number, ms: number): number {
  if (ms <= 0) return start;
  if (!calendar.businessHoursOnly) return start + ms;
  const windows = windowsFor(calendar, start);
  windows.cover(start);
  return windows.instantAt(windows.elapsedTo(start) + ms);
}

/** {@link businessMinutesBetween} in epoch milliseconds. */
export function businessMsBetween(calendar: BusinessCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  if (!calendar.businessHoursOnly) return to - from;
  const windows = windowsFor(calendar, from);
  // Cover both first: reaching back for `from` moves the origin `elapsedTo` counts from.
  windows.cover(from);
  windows.cover(to);
  return windows.elapsedTo(to) - windows.elapsedTo(from);
}

function instantOf(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Business time needs a valid date.');
  return ms;
}
