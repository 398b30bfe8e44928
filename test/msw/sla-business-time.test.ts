/**
 * The mock's business time (time zones through Intl, not luxon) against due times worked out by
 * hand — the server's own cases (examples/server/test/sla-business-time.test.ts), so the two
 * engines are held to the same answers across DST changes, weekends and holidays.
 */
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from '../../src/msw/sla/business-time.js';
import { isValidZone, localDate, zoneOf } from '../../src/msw/sla/zone.js';

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
const allDay = (timeZone: string) => calendar({ timeZone, startHour: 0, endHour: 24, includeWeekends: true });

describe('addBusinessMinutes on the mock', () => {
  const cases: [name: string, calendar: BusinessCalendar, start: string, minutes: number, due: string][] = [
    // Fri 7 Mar 16:00 EST (21:00Z): 60 min to 17:00; Mon 10 Mar opens 09:00 EDT (13:00Z); +60 = 14:00Z.
    ['New York, Friday into the week DST began', calendar({ timeZone: 'America/New_York' }), '2025-03-07T21:00:00Z', 120, '2025-03-10T14:00:00Z'],
    // 23:00 EST Sat 8 Mar: 00:00, 01:00, then 02:00 is skipped; 03:00 → 04:00 EDT = 08:00Z.
    ['New York all day, across the skipped hour', allDay('America/New_York'), '2025-03-09T04:00:00Z', 240, '2025-03-09T08:00:00Z'],
    // 00–03 on Sun 2 Nov: 01:00–02:00 passes twice; from 00:30 EDT (04:30Z) 180 min = 07:30Z.
    ['New York, the repeated hour counts twice', calendar({ timeZone: 'America/New_York', startHour: 0, endHour: 3, includeWeekends: true }), '2025-11-02T04:30:00Z', 180, '2025-11-02T07:30:00Z'],
    // 02–03 on Sun 30 Mar does not exist in Berlin: the next business minute is Mon 31 Mar 02:00 CEST (00:00Z).
    ['Berlin, a window wholly skipped', calendar({ timeZone: 'Europe/Berlin', startHour: 2, endHour: 3, includeWeekends: true }), '2025-03-30T00:00:00Z', 30, '2025-03-31T00:30:00Z'],
    // Tokyo holidays are Tokyo dates: Mon 5 May is off although 09:00 JST is still 4 May in UTC.
    ["a holiday in the zone's own dates", calendar({ timeZone: 'Asia/Tokyo', holidays: ['2025-05-05'] }), '2025-05-02T07:00:00Z', 120, '2025-05-06T01:00:00Z'],
    ['over Christmas holidays', calendar({ holidays: ['2025-12-25', '2025-12-26'] }), '2025-12-24T16:00:00Z', 120, '2025-12-29T10:00:00Z'],
    ['used up exactly at closing', calendar(), '2025-03-03T09:00:00Z', 480, '2025-03-03T17:00:00Z'],
    ['four years of business days', calendar(), '2025-03-03T09:00:00Z', 525_600, '2029-05-11T17:00:00Z'],
    ['24/7', calendar({ businessHoursOnly: false, holidays: ['2025-03-09'] }), '2025-03-08T23:00:00Z', 90, '2025-03-09T00:30:00Z'],
  ];

  it.each(cases)('%s', (_name, cal, start, minutes, due) => {
    expect(addBusinessMinutes(cal, z(start), minutes).toISOString()).toBe(z(due).toISOString());
  });

  it('counts 23 and 25 hour days on the days DST changes', () => {
    expect(businessMinutesBetween(allDay('Europe/Berlin'), z('2025-03-29T23:00:00Z'), z('2025-03-30T22:00:00Z'))).toBe(23 * 60);
    expect(businessMinutesBetween(allDay('Europe/Berlin'), z('2025-10-25T22:00:00Z'), z('2025-10-26T23:00:00Z'))).toBe(25 * 60);
  });
});

describe('time zones through Intl', () => {
  it('knows IANA names, and counts an unknown one as UTC', () => {
    expect(isValidZone('Europe/Berlin')).toBe(true);
    expect(isValidZone('Mars/Olympus')).toBe(false);
    expect(zoneOf('Mars/Olympus').offset(Date.parse('2025-07-01T00:00:00Z'))).toBe(0);
    // Lord Howe moves by half an hour for DST.
    expect(zoneOf('Australia/Lord_Howe').offset(Date.parse('2025-01-15T00:00:00Z'))).toBe(660);
    expect(zoneOf('Australia/Lord_Howe').offset(Date.parse('2025-07-15T00:00:00Z'))).toBe(630);
  });

  it("reads an instant's local date, as a policy's effective dates are compared", () => {
    expect(localDate(zoneOf('Pacific/Auckland'), Date.parse('2025-12-31T12:00:00Z'))).toBe('2026-01-01');
    expect(localDate(zoneOf('America/Los_Angeles'), Date.parse('2026-01-01T07:00:00Z'))).toBe('2025-12-31');
  });
});
