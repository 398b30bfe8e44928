/**
 * IANA time zones through `Intl` alone (the server uses luxon, which the kit must not depend on, and
 * luxon itself reads the same `Intl` data): a zone's UTC offset at an instant, and the local date of
 * an instant. Enough for business hours, holidays and policies' effective dates.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A time zone: its offset from UTC (in minutes) at an instant. */
export interface Zone {
  readonly name: string;
  offset(instant: number): number;
}

const UTC: Zone = { name: 'UTC', offset: () => 0 };

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(name: string): Intl.DateTimeFormat {
  let format = formats.get(name);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(name, format);
  }
  return format;
}

/** Whether this runtime knows the zone, as luxon's `IANAZone.isValidZone` decides it. */
export function isValidZone(name: string): boolean {
  try {
    formatFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of `instant` in the zone, as if it were UTC milliseconds (whole seconds). */
function wallOf(format: Intl.DateTimeFormat, instant: number): number {
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = part.value;
  const wall = new Date(0);
  wall.setUTCFullYear(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return wall.getTime();
}

/**
 * The zone called `name`; a name this runtime does not know counts as UTC, as the server's
 * business calendar treats it (the API refuses such names on writes).
 */
export function zoneOf(name: string): Zone {
  if (!isValidZone(name)) return UTC;
  const format = formatFor(name);
  const cache = new Map<number, number>();
  return {
    name,
    offset(instant) {
      // Offsets change on whole minutes at most once in a while: one lookup per minute is plenty.
      const whole = Math.floor(instant / 1000) * 1000;
      let offset = cache.get(whole);
      if (offset === undefined) {
        offset = Math.round((wallOf(format, whole) - whole) / MINUTE_MS);
        if (cache.size > 100_000) cache.clear();
        cache.set(whole, offset);
      }
      return offset;
    },
  };
}

/** The local date of `instant` in the zone, as days since 1970-01-01. */
export function localDay(zone: Zone, instant: number): number {
  return Math.floor((instant + zone.offset(instant) * MINUTE_MS) / DAY_MS);
}

/** The local date of `instant` in the zone, as `YYYY-MM-DD`. */
export function localDate(zone: Zone, instant: number): string {
  return new Date(localDay(zone, instant) * DAY_MS).toISOString().slice(0, 10);
}
