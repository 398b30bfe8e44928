/**
 * Business time, as the server's SLA engine counts it (examples/server/src/sla/business-time.ts and
 * business-windows.ts), with time zones from `Intl` instead of luxon: the minutes an SLA clock counts
 * are the policy's business hours, [startHour, endHour) wall-clock time in its time zone on business
 * days (Monday to Friday unless weekends are included; never on a holiday); without
 * `business_hours_only` every minute counts. An hour skipped when DST starts holds no business time,
 * and an hour repeated when it ends counts twice.
 *
 * The windows of a calendar are kept as an index (each business day's opening and closing as
 * instants, with the business time before each), so "business time up to t" is a binary search and
 * one index serves every ticket under the same policy.
 */
import type { components } from '../../generated/api.js';
import { localDay, zoneOf, type Zone } from './zone.js';

type SlaPolicy = components['schemas']['SlaPolicy'];

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
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Days worked out at a time when the index must reach further. */
const CHUNK_DAYS = 366;
/** How far the index may reach before a calendar is taken to have no business time at all. */
const MAX_DAYS = 1000 * 366;
const MAX_CACHED = 64;

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

/** What decides a calendar's windows. */
type WindowRules = Omit<BusinessCalendar, 'businessHoursOnly'>;

/**
 * The windows of one calendar over a range of local dates that grows on demand. Business time is
 * counted from the first window kept (`before`), so values are only compared within one call, after
 * every instant involved is covered (growing backwards moves the origin).
 */
class BusinessWindows {
  readonly #zone: Zone;
  readonly #rules: WindowRules;
  readonly #holidays: ReadonlySet<number>;
  #starts: number[] = [];
  #ends: number[] = [];
  /** Business time before window k, from the first window kept. */
  #before: number[] = [];
  /** Local dates covered, as days since 1970-01-01, both ends included. */
  #firstDay: number;
  #lastDay: number;
  /** The instants the covered dates begin and end: the index answers for [coverFrom, coverTo). */
  #coverFrom: number;
  #coverTo: number;

  constructor(rules: WindowRules, around: number) {
    validate(rules);
    this.#rules = rules;
    this.#zone = zoneOf(rules.timeZone);
    this.#holidays = new Set(rules.holidays.map(dayNumberOf));
    this.#firstDay = localDay(this.#zone, around) - 7;
    this.#lastDay = this.#firstDay - 1;
    this.#coverFrom = this.#coverTo = this.#wallInstant(this.#firstDay * DAY_MS);
    this.#append(CHUNK_DAYS + 7);
  }

  /** Makes sure `instant` can be asked about. */
  cover(instant: number): void {
    while (instant < this.#coverFrom) this.#prepend(CHUNK_DAYS);
    while (instant >= this.#coverTo) this.#append(CHUNK_DAYS);
  }

  /** Business time from the origin to `instant`, which must be covered. */
  elapsedTo(instant: number): number {
    const k = lastAtOrBefore(this.#starts, instant);
    if (k < 0) return 0;
    return this.#before[k]! + Math.min(instant, this.#ends[k]!) - this.#starts[k]!;
  }

  /** The first instant at which business time from the origin reaches `total`. */
  instantAt(total: number): number {
    for (;;) {
      const k = this.#firstReaching(total);
      if (k >= 0) return this.#starts[k]! + (total - this.#before[k]!);
      this.#append(CHUNK_DAYS);
    }
  }

  #firstReaching(total: number): number {
    let lo = 0;
    let hi = this.#starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#before[mid]! + this.#ends[mid]! - this.#starts[mid]! >= total) {
        found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  }

  #append(days: number): void {
    this.#guard(days);
    const from = this.#lastDay + 1;
    const windows = this.#windows(from, from + days - 1, this.#ends.at(-1) ?? -Infinity);
    let total = this.#starts.length === 0 ? 0 : this.#before.at(-1)! + this.#ends.at(-1)! - this.#starts.at(-1)!;
    for (const [start, end] of windows) {
      this.#starts.push(start);
      this.#ends.push(end);
      this.#before.push(total);
      total += end - start;
    }
    this.#lastDay = from + days - 1;
    this.#coverTo = this.#wallInstant((this.#lastDay + 1) * DAY_MS);
  }

  #prepend(days: number): void {
    this.#guard(days);
    const from = this.#firstDay - days;
    const earlier = this.#windows(from, this.#firstDay - 1, -Infinity);
    // The first window kept may have been clipped against nothing; clip the old first one now.
    const lastEarlier = earlier.at(-1)?.[1] ?? -Infinity;
    const kept = this.#starts.map((start, k): [number, number] => [Math.max(start, lastEarlier), this.#ends[k]!]).filter(([s, e]) => e > s);
    const all = [...earlier, ...kept];
    this.#starts = all.map(([start]) => start);
    this.#ends = all.map(([, end]) => end);
    this.#before = [];
    let total = 0;
    for (const [start, end] of all) {
      this.#before.push(total);
      total += end - start;
    }
    this.#firstDay = from;
    this.#coverFrom = this.#wallInstant(from * DAY_MS);
  }

  /** The windows of the dates firstDay..lastDay, in order, none starting before `after`. */
  #windows(firstDay: number, lastDay: number, after: number): [number, number][] {
    const windows: [number, number][] = [];
    let previousEnd = after;
    for (let day = firstDay; day <= lastDay; day += 1) {
      if (!this.#isBusinessDay(day)) continue;
      // A date that does not exist (a zone that skipped a day) collapses onto the next one; never
      // count an instant twice.
      const start = Math.max(this.#wallInstant(day * DAY_MS + this.#rules.startHour * HOUR_MS), previousEnd);
      const end = this.#wallInstant(day * DAY_MS + this.#rules.endHour * HOUR_MS);
      if (end > start) {
        windows.push([start, end]);
        previousEnd = end;
      }
    }
    return windows;
  }

  #isBusinessDay(day: number): boolean {
    if (this.#holidays.has(day)) return false;
    if (this.#rules.includeWeekends) return true;
    const weekday = new Date(day * DAY_MS).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  #wallInstant(wall: number): number {
    return firstInstantAtWall(this.#zone, wall);
  }

  #guard(days: number): void {
    if (this.#lastDay - this.#firstDay + days > MAX_DAYS) {
      throw new RangeError(`The business calendar in ${this.#rules.timeZone} has no business time within ${MAX_DAYS} days.`);
    }
  }
}

/**
 * The first instant at which the wall clock in `zone` reads `wall` or later; `wall` is a local
 * date and time written as if it were UTC milliseconds. A reading the clock shows twice (DST ends)
 * gives the first time it does; one it skips (DST starts) gives the moment it jumps past it.
 */
function firstInstantAtWall(zone: Zone, wall: number): number {
  const offsets = [...new Set([-2, -1, 0, 1, 2].map((days) => zone.offset(wall + days * DAY_MS)))];
  let best = Infinity;
  for (const offset of offsets) {
    const instant = wall - offset * MINUTE_MS;
    if (zone.offset(instant) === offset) best = Math.min(best, instant);
  }
  if (best !== Infinity) return best;

  // In a gap: the clock reads less than `wall` at `lo` and more at `hi`; find where it jumps.
  let lo = wall - Math.max(...offsets) * MINUTE_MS;
  let hi = wall - Math.min(...offsets) * MINUTE_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + zone.offset(mid) * MINUTE_MS >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Index of the last value at or before `at` in an ascending list; -1 when there is none. */
function lastAtOrBefore(values: readonly number[], at: number): number {
  let lo = 0;
  let hi = values.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumberOf(date: string): number {
  const match = DATE.exec(date);
  const day = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS : NaN;
  if (!Number.isInteger(day) || new Date(day * DAY_MS).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`A holiday must be a date written YYYY-MM-DD, not "${date}".`);
  }
  return day;
}

function validate(rules: WindowRules): void {
  const { startHour, endHour } = rules;
  if (!Number.isInteger(startHour) || !Number.isInteger(endHour) || startHour < 0 || endHour > 24 || endHour <= startHour) {
    throw new RangeError(`Business hours must be whole hours with 0 <= start < end <= 24, not ${startHour}–${endHour}.`);
  }
}

const byKey = new Map<string, BusinessWindows>();

/** The index for `rules`, shared by every caller with the same rules (a bounded cache). */
function windowsFor(rules: WindowRules, around: number): BusinessWindows {
  const key = [rules.timeZone, rules.startHour, rules.endHour, rules.includeWeekends, rules.holidays.join(',')].join('|');
  let windows = byKey.get(key);
  if (!windows) {
    windows = new BusinessWindows(rules, around);
    if (byKey.size >= MAX_CACHED) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, windows);
  }
  return windows;
}
