/**
 * Business-time arithmetic against due times worked out by hand. Each case says in its comment how
 * its answer was reached: the wall-clock times in the zone, the offset in force (from the published
 * DST dates), and the UTC instant that gives.
 *
 * DST in 2025: America/New_York springs forward on Sunday 9 March (02:00 EST → 03:00 EDT, at 07:00Z)
 * and falls back on Sunday 2 November (02:00 EDT → 01:00 EST, at 06:00Z); Europe/Berlin springs
 * forward on Sunday 30 March (02:00 CET → 03:00 CEST, at 01:00Z) and falls back on Sunday 26 October
 * (03:00 CEST → 02:00 CET, at 01:00Z).
 */
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, calendarOf, type BusinessCalendar } from '../src/sla/business-time.js';
import type { SlaPolicy } from '../src/sla/policy-row.js';
import { runningClockPoint, type ClockStop } from '../src/sla/ticket-sla-state.js';

const calendar = (overrides: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  businessHoursOnly: true,
  timeZone: 'UTC',
  startHour: 9,
  endHour: 17,
  includeWeekends: false,
  holidays: [],
  ...overrides,
});
const z = (iso: string) => new Date(iso);

const newYork = calendar({ timeZone: 'America/New_York' });
const berlin = calendar({ timeZone: 'Europe/Berlin' });
/** Every hour of every day, but still counted on the wall clock of the zone. */
const allDay = (timeZone: string) => calendar({ timeZone, startHour: 0, endHour: 24, includeWeekends: true });

describe('addBusinessMinutes', () => {
  const cases: [name: string, calendar: BusinessCalendar, start: string, minutes: number, due: string][] = [
    // --- DST forward, America/New_York ---
    // Fri 7 Mar 16:00 EST (21:00Z): 60 min to 17:00; the weekend has none; Mon 10 Mar opens 09:00 EDT
    // (13:00Z, now UTC-4) and 60 min more ends 10:00 EDT = 14:00Z. (A fixed -5 offset would say 15:00Z.)
    ['New York, Friday into the week DST began', newYork, '2025-03-07T21:00:00Z', 120, '2025-03-10T14:00:00Z'],
    // Sat 8 Mar 23:00 EST (04:00Z on the 9th). Four real hours: 00:00, 01:00, then 02:00 does not exist
    // (the clock reads 03:00 EDT at 07:00Z), 03:00 → 04:00 EDT = 08:00Z. Wall-clock arithmetic would say 03:00.
    ['New York all day, across the skipped hour', allDay('America/New_York'), '2025-03-09T04:00:00Z', 240, '2025-03-09T08:00:00Z'],
    // Hours 01–05 on Sunday 9 Mar: 01:00 EST (06:00Z) to the jump at 07:00Z is 60 min; the clock then reads
    // 03:00 EDT, and 60 min more is 04:00 EDT = 08:00Z.
    ['New York, a window the skipped hour cuts', calendar({ timeZone: 'America/New_York', startHour: 1, endHour: 5, includeWeekends: true }),
      '2025-03-09T06:00:00Z', 120, '2025-03-09T08:00:00Z'],
    // --- DST back, America/New_York ---
    // Fri 31 Oct 16:00 EDT (20:00Z): 60 min; Mon 3 Nov opens 09:00 EST (14:00Z, now UTC-5); +60 = 15:00Z.
    ['New York, Friday into the week DST ended', newYork, '2025-10-31T20:00:00Z', 120, '2025-11-03T15:00:00Z'],
    // Hours 00–03 on Sunday 2 Nov: opens 00:00 EDT (04:00Z); 01:00–02:00 passes twice, so the window closes at
    // 03:00 EST (08:00Z), four real hours later. From 00:30 EDT (04:30Z), 180 min = 07:30Z (02:30 EST).
    ['New York, the repeated hour counts twice', calendar({ timeZone: 'America/New_York', startHour: 0, endHour: 3, includeWeekends: true }),
      '2025-11-02T04:30:00Z', 180, '2025-11-02T07:30:00Z'],
    // --- DST forward, Europe/Berlin ---
    // Fri 28 Mar 16:30 CET (15:30Z): 30 min; Mon 31 Mar opens 09:00 CEST (07:00Z); +30 = 07:30Z.
    ['Berlin, Friday into the week DST began', berlin, '2025-03-28T15:30:00Z', 60, '2025-03-31T07:30:00Z'],
    // Sat 29 Mar 23:00 CET (22:00Z): three real hours are 00:00, 01:00 CET, and at 01:00Z the clock jumps
    // from 02:00 CET to 03:00 CEST: due 2025-03-30T01:00Z, which reads 03:00.
    ['Berlin all day, across the skipped hour', allDay('Europe/Berlin'), '2025-03-29T22:00:00Z', 180, '2025-03-30T01:00:00Z'],
    // Hours 02–03 on Sunday 30 March do not exist: the window is empty, so from 00:00Z the first business
    // minute is Mon 31 Mar 02:00 CEST (00:00Z); 30 min later is 00:30Z.
    ['Berlin, a window wholly skipped', calendar({ timeZone: 'Europe/Berlin', startHour: 2, endHour: 3, includeWeekends: true }),
      '2025-03-30T00:00:00Z', 30, '2025-03-31T00:30:00Z'],
    // --- DST back, Europe/Berlin ---
    // Fri 24 Oct 16:00 CEST (14:00Z): 60 min; Mon 27 Oct opens 09:00 CET (08:00Z); +60 = 09:00Z.
    ['Berlin, Friday into the week DST ended', berlin, '2025-10-24T14:00:00Z', 120, '2025-10-27T09:00:00Z'],
    // Hours 02–04 on Sunday 26 Oct: opens 02:00 CEST (00:00Z), 02:00–03:00 passes twice (CEST then CET), closes
    // 04:00 CET (03:00Z). From 02:30 CEST (00:30Z), 120 min = 02:30Z, which reads 03:30 CET.
    ['Berlin, the repeated hour counts twice', calendar({ timeZone: 'Europe/Berlin', startHour: 2, endHour: 4, includeWeekends: true }),
      '2025-10-26T00:30:00Z', 120, '2025-10-26T02:30:00Z'],
    // --- weekends ---
    // Fri 7 Mar 15:00Z: 120 min to 17:00; Saturday and Sunday have none; Mon 10 Mar 09:00 + 120 = 11:00Z.
    ['over a weekend', calendar(), '2025-03-07T15:00:00Z', 240, '2025-03-10T11:00:00Z'],
    // The same with weekends on: Sat 8 Mar 09:00 + 120 = 11:00Z.
    ['weekends included', calendar({ includeWeekends: true }), '2025-03-07T15:00:00Z', 240, '2025-03-08T11:00:00Z'],
    // --- holidays ---
    // Wed 24 Dec 16:00Z: 60 min; Thu 25 and Fri 26 are holidays, then the weekend; Mon 29 Dec 09:00 + 60 = 10:00Z.
    ['over Christmas holidays', calendar({ holidays: ['2025-12-25', '2025-12-26'] }), '2025-12-24T16:00:00Z', 120, '2025-12-29T10:00:00Z'],
    // Holidays are local dates. Tokyo (UTC+9, no DST): Fri 2 May 16:00 JST (07:00Z): 60 min; Mon 5 May is a
    // holiday (although 09:00 JST that day is still 4 May in UTC); Tue 6 May 09:00 JST (00:00Z) + 60 = 01:00Z.
    ['a holiday in the zone\'s own dates', calendar({ timeZone: 'Asia/Tokyo', holidays: ['2025-05-05'] }), '2025-05-02T07:00:00Z', 120, '2025-05-06T01:00:00Z'],
    // --- created outside business hours ---
    // Tue 4 Mar 20:00Z is after closing: Wed 5 Mar 09:00 + 30 = 09:30Z.
    ['created after closing', calendar(), '2025-03-04T20:00:00Z', 30, '2025-03-05T09:30:00Z'],
    // Tue 4 Mar 06:00Z is before opening: 09:00 + 30 = 09:30Z the same day.
    ['created before opening', calendar(), '2025-03-04T06:00:00Z', 30, '2025-03-04T09:30:00Z'],
    // Sat 8 Mar 10:00Z: the next business minute is Mon 10 Mar 09:00; + 30 = 09:30Z.
    ['created on a Saturday', calendar(), '2025-03-08T10:00:00Z', 30, '2025-03-10T09:30:00Z'],
    // --- hours ending at 24 ---
    // Berlin 18–24: Mon 3 Mar 23:30 CET (22:30Z): 30 min to midnight (23:00Z); Tue 4 Mar 18:00 CET (17:00Z) + 30 = 17:30Z.
    ['hours ending at midnight', calendar({ timeZone: 'Europe/Berlin', startHour: 18, endHour: 24 }), '2025-03-03T22:30:00Z', 60, '2025-03-04T17:30:00Z'],
    // The same on Friday 7 Mar 23:30 CET: the next opening is Mon 10 Mar 18:00 CET (17:00Z); + 30 = 17:30Z.
    ['hours ending at midnight, on a Friday', calendar({ timeZone: 'Europe/Berlin', startHour: 18, endHour: 24 }),
      '2025-03-07T22:30:00Z', 60, '2025-03-10T17:30:00Z'],
    // --- boundaries ---
    // Mon 3 Mar 09:00Z + 480 uses the day exactly: due at closing, 17:00, not at Tuesday's opening.
    ['used up exactly at closing', calendar(), '2025-03-03T09:00:00Z', 480, '2025-03-03T17:00:00Z'],
    // Starting at closing, the first minute is the next day's: Tue 4 Mar 09:01Z.
    ['starting at closing', calendar(), '2025-03-03T17:00:00Z', 1, '2025-03-04T09:01:00Z'],
    // No business time to add: the start itself, even outside business hours.
    ['zero minutes', calendar(), '2025-03-08T10:00:00Z', 0, '2025-03-08T10:00:00Z'],
    ['negative minutes', calendar(), '2025-03-08T10:00:00Z', -30, '2025-03-08T10:00:00Z'],
    // Fractions of a minute count: 09:00 + 0.5 min = 09:00:30.
    ['half a minute', calendar(), '2025-03-03T09:00:00Z', 0.5, '2025-03-03T09:00:30Z'],
    // --- multi-week ---
    // Mon 3 Mar 09:00Z + 4800 min = ten business days of 480: Mon 3 – Fri 14 Mar, ending 17:00Z.
    ['two weeks exactly', calendar(), '2025-03-03T09:00:00Z', 4800, '2025-03-14T17:00:00Z'],
    // One minute more spills into Mon 17 Mar: 09:01Z.
    ['two weeks and a minute', calendar(), '2025-03-03T09:00:00Z', 4801, '2025-03-17T09:01:00Z'],
    // The largest target, 525600 min, is 1095 days of 480 = 219 weeks of 5: it ends on the Friday of week
    // 219, 218 weeks (1526 days) after Fri 7 Mar 2025. 2025-03-07 + 1461 days (four years, one leap day
    // in 2028) = 2029-03-07, + 65 days = 11 May 2029, a Friday: due 2029-05-11T17:00Z.
    ['four years of business days', calendar(), '2025-03-03T09:00:00Z', 525_600, '2029-05-11T17:00:00Z'],
    // --- around the clock ---
    // Without business hours every minute counts, weekend or not: Sat 8 Mar 23:00Z + 90 = Sun 00:30Z.
    ['24/7', calendar({ businessHoursOnly: false, holidays: ['2025-03-09'] }), '2025-03-08T23:00:00Z', 90, '2025-03-09T00:30:00Z'],
  ];

  it.each(cases)('%s', (_name, cal, start, minutes, due) => {
    expect(addBusinessMinutes(cal, z(start), minutes).toISOString()).toBe(z(due).toISOString());
  });

  it('answers an earlier start after a later one (the calendar reaches back)', () => {
    const cal = calendar({ timeZone: 'Europe/Paris' });
    // Asked first about 2030, then about 2020: Fri 3 Jan 2020 16:00 CET (15:00Z) + 120 →
    // 60 min on Friday, Mon 6 Jan 09:00 CET (08:00Z) + 60 = 09:00Z.
    expect(addBusinessMinutes(cal, z('2030-01-07T08:00:00Z'), 60).toISOString()).toBe('2030-01-07T09:00:00.000Z');
    expect(addBusinessMinutes(cal, z('2020-01-03T15:00:00Z'), 120).toISOString()).toBe('2020-01-06T09:00:00.000Z');
    expect(businessMinutesBetween(cal, z('2020-01-03T15:00:00Z'), z('2020-01-06T09:00:00Z'))).toBe(120);
  });

  it('refuses business hours that are not a window', () => {
    expect(() => addBusinessMinutes(calendar({ startHour: 17, endHour: 9 }), z('2025-03-03T09:00:00Z'), 60)).toThrow(RangeError);
    expect(() => addBusinessMinutes(calendar({ holidays: ['2025-02-30'] }), z('2025-03-03T09:00:00Z'), 60)).toThrow(RangeError);
  });
});

describe('businessMinutesBetween', () => {
  const cases: [name: string, calendar: BusinessCalendar, from: string, to: string, minutes: number][] = [
    // Fri 7 Mar 16:30Z to Mon 10 Mar 09:15Z: 30 min on Friday, 15 on Monday.
    ['over a weekend', calendar(), '2025-03-07T16:30:00Z', '2025-03-10T09:15:00Z', 45],
    // Half a minute is half a minute.
    ['fractions', calendar(), '2025-03-03T09:00:00Z', '2025-03-03T09:00:30Z', 0.5],
    // Nothing, or backwards: 0.
    ['an empty span', calendar(), '2025-03-03T10:00:00Z', '2025-03-03T10:00:00Z', 0],
    ['a backward span', calendar(), '2025-03-03T12:00:00Z', '2025-03-03T10:00:00Z', 0],
    // Entirely outside hours: Saturday.
    ['a Saturday', calendar(), '2025-03-08T00:00:00Z', '2025-03-09T00:00:00Z', 0],
    // Berlin, every hour of Sunday 30 Mar (23:00Z on the 29th to 22:00Z on the 30th): 23 real hours.
    ['the day DST began in Berlin', allDay('Europe/Berlin'), '2025-03-29T23:00:00Z', '2025-03-30T22:00:00Z', 23 * 60],
    // Berlin, every hour of Sunday 26 Oct (22:00Z on the 25th to 23:00Z on the 26th): 25 real hours.
    ['the day DST ended in Berlin', allDay('Europe/Berlin'), '2025-10-25T22:00:00Z', '2025-10-26T23:00:00Z', 25 * 60],
    // New York, 01–05 on Sunday 2 Nov: 01:00 EDT (05:00Z) to 05:00 EST (10:00Z), five real hours.
    ['the day DST ended in New York', calendar({ timeZone: 'America/New_York', startHour: 1, endHour: 5, includeWeekends: true }),
      '2025-11-02T00:00:00Z', '2025-11-03T00:00:00Z', 5 * 60],
    // Christmas week 2025 with both holidays: Mon 22, Tue 23, Wed 24 and nothing after, 3 × 480.
    ['a week with holidays', calendar({ holidays: ['2025-12-26', '2025-12-25'] }), '2025-12-22T00:00:00Z', '2025-12-29T00:00:00Z', 3 * 480],
    // The span of the largest target (see addBusinessMinutes above).
    ['four years', calendar(), '2025-03-03T09:00:00Z', '2029-05-11T17:00:00Z', 525_600],
    // 24/7: every minute, 2 days.
    ['24/7', calendar({ businessHoursOnly: false }), '2025-03-08T00:00:00Z', '2025-03-10T00:00:00Z', 2 * 1440],
  ];

  it.each(cases)('%s', (_name, cal, from, to, minutes) => {
    expect(businessMinutesBetween(cal, z(from), z(to))).toBe(minutes);
  });
});

describe('runningClockPoint', () => {
  // UTC 9–17 on weekdays; the clock starts Mon 3 Mar 09:00Z with 480 min to run, so without stops it
  // ends at 17:00 the same day.
  const start = z('2025-03-03T09:00:00Z');
  const stop = (from: string, to: string | null): ClockStop => ({ start: z(from), end: to === null ? null : z(to) });
  const cases: [name: string, stops: ClockStop[], point: string | null][] = [
    ['no stops', [], '2025-03-03T17:00:00Z'],
    // Stopped 10:00–15:00: 60 min ran before, 420 are left at 15:00: 120 on Monday, 300 on Tuesday → 14:00.
    ['a stop within the day', [stop('2025-03-03T10:00:00Z', '2025-03-03T15:00:00Z')], '2025-03-04T14:00:00Z'],
    // Stopped Mon 16:00 – Tue 08:00, which holds one business hour: 420 ran, 60 left from Tue 08:00 → the
    // clock resumes at 09:00 and runs out at 10:00 (Monday 17:00 moved on by one business hour).
    ['an overnight stop moves it by the business time only', [stop('2025-03-03T16:00:00Z', '2025-03-04T08:00:00Z')], '2025-03-04T10:00:00Z'],
    // Two stops of an hour each: two business hours later than 17:00 → Tue 11:00.
    ['two stops', [stop('2025-03-03T10:00:00Z', '2025-03-03T11:00:00Z'), stop('2025-03-03T13:00:00Z', '2025-03-03T14:00:00Z')],
      '2025-03-04T11:00:00Z'],
    // Stopped since Mon 12:00 and not yet resumed: only 180 min ran, so the point cannot be known.
    ['stopped now, before the point', [stop('2025-03-03T12:00:00Z', null)], null],
    // Stopped since Tue 10:00, after the point (Mon 17:00) was reached: the stop cannot move it.
    ['stopped now, after the point', [stop('2025-03-04T10:00:00Z', null)], '2025-03-03T17:00:00Z'],
    // A stop that begins exactly at the point does not move it either.
    ['stopped exactly at the point', [stop('2025-03-03T17:00:00Z', '2025-03-04T12:00:00Z')], '2025-03-03T17:00:00Z'],
  ];

  it.each(cases)('%s', (_name, stops, point) => {
    expect(runningClockPoint(calendar(), start, 480, stops)?.toISOString() ?? null).toBe(point === null ? null : z(point).toISOString());
  });

  it('costs nothing for a stop outside business time', () => {
    // From Mon 13:00Z, 480 min runs 240 on Monday and 240 on Tuesday → Tue 13:00Z, with or without a stop
    // from Mon 17:30 to Tue 08:30, when no business time passes.
    const monday = z('2025-03-03T13:00:00Z');
    expect(runningClockPoint(calendar(), monday, 480, [])?.toISOString()).toBe('2025-03-04T13:00:00.000Z');
    expect(runningClockPoint(calendar(), monday, 480, [stop('2025-03-03T17:30:00Z', '2025-03-04T08:30:00Z')])?.toISOString()).toBe(
      '2025-03-04T13:00:00.000Z',
    );
  });

  it('pauses in business time across a DST change (Berlin)', () => {
    // Fri 28 Mar 09:00 CET (08:00Z), 960 min = two business days. Stopped Fri 13:00 CET (12:00Z) to Mon
    // 31 Mar 11:00 CEST (09:00Z): 240 min ran on Friday, 720 are left at Mon 11:00 CEST: 360 on Monday,
    // 360 on Tuesday from 09:00 CEST → 15:00 CEST on Tue 1 Apr = 13:00Z.
    const point = runningClockPoint(berlin, z('2025-03-28T08:00:00Z'), 960, [stop('2025-03-28T12:00:00Z', '2025-03-31T09:00:00Z')]);
    expect(point?.toISOString()).toBe('2025-04-01T13:00:00.000Z');
  });
});

describe('calendarOf', () => {
  it('reads the business calendar of a policy', () => {
    const policy = {
      business_hours_only: true,
      time_zone: 'Europe/Berlin',
      business_start_hour: 8,
      business_end_hour: 18,
      include_weekends: true,
      holidays: ['2025-12-25'],
    } as SlaPolicy;
    expect(calendarOf(policy)).toEqual({
      businessHoursOnly: true,
      timeZone: 'Europe/Berlin',
      startHour: 8,
      endHour: 18,
      includeWeekends: true,
      holidays: ['2025-12-25'],
    });
  });
});
