/**
 * The SLA state calculation against hand-computed expectations.
 *
 * The first part uses a P2-like policy that counts every minute: first response 30 min, resolution
 * 4 h, at risk 15 min before a due time; the ticket is created on Monday 3 March 2025 at 10:00 UTC, so
 * the response is due at 10:30 and the resolution at 14:00.
 *
 * The second part uses business hours (09–17 on weekdays) in Europe/Berlin and America/New_York; each
 * case works its expectations out in its comment. DST in 2025: Berlin moves to CEST (UTC+2) on
 * Sunday 30 March and back to CET (UTC+1) on 26 October; New York moves to EDT (UTC-4) on 9 March.
 */
import { describe, expect, it } from 'vitest';
import type { SlaPolicy } from '../src/sla/policy-row.js';
import { ticketSlaState, type SlaTicket } from '../src/sla/ticket-sla-state.js';

const at = (time: string) => new Date(`2025-03-03T${time}:00.000Z`);
const iso = (time: string) => at(time).toISOString();

const policy: SlaPolicy = {
  id: '5b0e6c2a-9f1d-4e3b-8a7c-2d4f6a8b0c1e',
  name: 'P2 high',
  description: null,
  priority: 'high',
  category_id: null,
  response_time_minutes: 30,
  resolution_time_minutes: 240,
  escalation_threshold_minutes: 15,
  business_hours_only: false,
  business_start_hour: 9,
  business_end_hour: 17,
  include_weekends: false,
  time_zone: 'UTC',
  holidays: [],
  is_active: true,
  effective_from: '2025-01-01',
  effective_until: null,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
};

const ticket = (overrides: Partial<SlaTicket> = {}): SlaTicket => ({
  id: '6f1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f',
  status: 'open',
  createdAt: at('10:00'),
  firstRespondedAt: null,
  resolvedAt: null,
  slaBreachedAt: null,
  stops: [],
  ...overrides,
});

describe('ticketSlaState', () => {
  it('reports no targets when no policy applies', () => {
    const state = ticketSlaState(ticket(), null, at('11:00'));
    expect(state).toEqual({
      ticket_id: ticket().id,
      policy: null,
      first_response: {
        status: 'none', target_minutes: null, due_at: null, responded_at: null,
        elapsed_business_minutes: null, remaining_business_minutes: null, remaining_seconds: null, breached: false,
      },
      resolution: {
        status: 'none', target_minutes: null, due_at: null, resolved_at: null,
        elapsed_business_minutes: null, remaining_business_minutes: null, remaining_seconds: null, breached: false,
      },
      paused: false,
      paused_seconds: 0,
      breached_at: null,
      computed_at: iso('11:00'),
    });
  });

  it('counts down both targets from creation', () => {
    const state = ticketSlaState(ticket(), policy, at('10:10'));
    expect(state.policy).toBe(policy);
    expect(state.first_response).toEqual({
      status: 'running', target_minutes: 30, due_at: iso('10:30'), responded_at: null,
      elapsed_business_minutes: 10, remaining_business_minutes: 20, remaining_seconds: 20 * 60, breached: false,
    });
    expect(state.resolution).toEqual({
      status: 'running', target_minutes: 240, due_at: iso('14:00'), resolved_at: null,
      elapsed_business_minutes: 10, remaining_business_minutes: 230, remaining_seconds: (3 * 60 + 50) * 60, breached: false,
    });
    expect(state.breached_at).toBeNull();
  });

  it('marks a target at risk within the threshold, and not before', () => {
    expect(ticketSlaState(ticket(), policy, at('10:14')).first_response.status).toBe('running');
    expect(ticketSlaState(ticket(), policy, at('10:15')).first_response.status).toBe('at_risk');
    // Exactly at the due time the target is still met-able: nothing is overdue yet.
    const due = ticketSlaState(ticket(), policy, at('10:30')).first_response;
    expect(due).toMatchObject({ status: 'at_risk', remaining_seconds: 0, breached: false });
    expect(ticketSlaState(ticket(), { ...policy, escalation_threshold_minutes: null }, at('10:29')).first_response.status).toBe('running');
  });

  it('goes negative once overdue and records when the ticket breached', () => {
    const state = ticketSlaState(ticket(), policy, at('10:45'));
    expect(state.first_response).toMatchObject({ status: 'breached', remaining_seconds: -15 * 60, breached: true });
    expect(state.resolution).toMatchObject({ status: 'running', remaining_seconds: (3 * 60 + 15) * 60, breached: false });
    expect(state.breached_at).toBe(iso('10:30'));
    // Half a second late is late: remaining rounds down, never up to zero.
    const justLate = ticketSlaState(ticket(), policy, new Date(at('10:30').getTime() + 500));
    expect(justLate.first_response).toMatchObject({ remaining_seconds: -1, breached: true });
  });

  it('freezes the first-response clock at the reply: met on time, or breached when late', () => {
    const onTime = ticketSlaState(ticket({ firstRespondedAt: at('10:12') }), policy, at('11:00'));
    expect(onTime.first_response).toEqual({
      status: 'met', target_minutes: 30, due_at: iso('10:30'), responded_at: iso('10:12'),
      elapsed_business_minutes: 12, remaining_business_minutes: 18, remaining_seconds: 18 * 60, breached: false,
    });
    expect(onTime.breached_at).toBeNull();
    const late = ticketSlaState(ticket({ firstRespondedAt: at('10:40') }), policy, at('11:00'));
    expect(late.first_response).toMatchObject({ status: 'breached', remaining_seconds: -10 * 60, breached: true });
    expect(late.breached_at).toBe(iso('10:30'));
  });

  it('pauses the resolution clock while pending, and moves the due time on by the pause once resumed', () => {
    const responded = { firstRespondedAt: at('10:05') };
    const paused = ticketSlaState(ticket({ ...responded, status: 'pending', stops: [{ start: at('11:00'), end: null }] }), policy, at('13:00'));
    expect(paused.paused).toBe(true);
    expect(paused.paused_seconds).toBe(2 * 3600);
    // Three hours were left when the pause began, and still are.
    expect(paused.resolution).toMatchObject({ status: 'paused', due_at: iso('14:00'), remaining_seconds: 3 * 3600, breached: false });
    // The first response never pauses.
    expect(paused.first_response.status).toBe('met');

    const resumed = ticketSlaState(
      ticket({ ...responded, status: 'in_progress', stops: [{ start: at('11:00'), end: at('13:00') }] }),
      policy,
      at('13:30'),
    );
    expect(resumed.paused).toBe(false);
    expect(resumed.paused_seconds).toBe(2 * 3600);
    expect(resumed.resolution).toMatchObject({ status: 'running', due_at: iso('16:00'), remaining_seconds: 2.5 * 3600 });
  });

  it('does not let a pause that starts after the due time undo the breach', () => {
    const state = ticketSlaState(
      ticket({ firstRespondedAt: at('10:05'), status: 'pending', stops: [{ start: at('15:00'), end: null }] }),
      policy,
      at('17:00'),
    );
    expect(state.resolution).toMatchObject({ status: 'breached', due_at: iso('14:00'), remaining_seconds: -3600, breached: true });
    expect(state.breached_at).toBe(iso('14:00'));
    expect(state.paused).toBe(true);
  });

  it('stops the resolution clock at the resolution, which also answers an unanswered ticket', () => {
    const state = ticketSlaState(
      ticket({ status: 'resolved', resolvedAt: at('12:00'), stops: [{ start: at('12:00'), end: null }] }),
      policy,
      at('18:00'),
    );
    expect(state.resolution).toEqual({
      status: 'met', target_minutes: 240, due_at: iso('14:00'), resolved_at: iso('12:00'),
      elapsed_business_minutes: 120, remaining_business_minutes: 120, remaining_seconds: 2 * 3600, breached: false,
    });
    expect(state.first_response).toMatchObject({ status: 'breached', responded_at: iso('12:00'), remaining_seconds: -90 * 60 });
    // Being resolved is not a pause.
    expect(state.paused).toBe(false);
    expect(state.paused_seconds).toBe(0);
  });

  it('restarts the resolution clock on reopen, not counting the time it was resolved', () => {
    const state = ticketSlaState(
      ticket({ firstRespondedAt: at('10:05'), status: 'open', stops: [{ start: at('12:00'), end: at('13:00') }] }),
      policy,
      at('14:30'),
    );
    expect(state.resolution).toMatchObject({ status: 'running', due_at: iso('15:00'), resolved_at: null, remaining_seconds: 30 * 60 });
    expect(state.paused_seconds).toBe(3600);
  });

  it('reports the breach time the SLA engine stamped, while computing the due times itself', () => {
    const state = ticketSlaState(ticket({ slaBreachedAt: at('10:31') }), policy, at('10:50'));
    expect(state.first_response).toMatchObject({ due_at: iso('10:30'), status: 'breached' });
    expect(state.breached_at).toBe(iso('10:31'));
  });

  it('never reports negative pause time when asked about a moment before the pause began', () => {
    const state = ticketSlaState(ticket({ status: 'pending', stops: [{ start: at('10:05'), end: null }] }), policy, at('10:00'));
    expect(state.paused_seconds).toBe(0);
    expect(state.resolution).toMatchObject({ status: 'paused', remaining_seconds: 240 * 60 });
  });
});

describe('ticketSlaState in business hours', () => {
  const z = (instant: string) => new Date(instant);
  const businessPolicy = (overrides: Partial<SlaPolicy>): SlaPolicy => ({
    ...policy,
    name: 'P2 Berlin office',
    response_time_minutes: 60,
    resolution_time_minutes: 480,
    escalation_threshold_minutes: 30,
    business_hours_only: true,
    business_start_hour: 9,
    business_end_hour: 17,
    include_weekends: false,
    time_zone: 'Europe/Berlin',
    // Good Friday 2025.
    holidays: ['2025-04-18'],
    ...overrides,
  });
  const berlin = businessPolicy({});

  it('starts the clocks at the next opening for a ticket created on a weekend (across DST)', () => {
    // Created Sat 29 Mar 12:00 CET (11:00Z); the next business minute is Mon 31 Mar 09:00 CEST (07:00Z),
    // after the clocks went forward. Response due 10:00 CEST (08:00Z), resolution 17:00 CEST (15:00Z).
    // Asked at 09:20 CEST (07:20Z): 20 business minutes have run; 40 left on the response (above the
    // 30-minute threshold), 460 on the resolution; 40 min and 7 h 40 min of calendar time to the due times.
    const state = ticketSlaState(ticket({ createdAt: z('2025-03-29T11:00:00Z') }), berlin, z('2025-03-31T07:20:00Z'));
    expect(state.first_response).toEqual({
      status: 'running', target_minutes: 60, due_at: '2025-03-31T08:00:00.000Z', responded_at: null,
      elapsed_business_minutes: 20, remaining_business_minutes: 40, remaining_seconds: 40 * 60, breached: false,
    });
    expect(state.resolution).toEqual({
      status: 'running', target_minutes: 480, due_at: '2025-03-31T15:00:00.000Z', resolved_at: null,
      elapsed_business_minutes: 20, remaining_business_minutes: 460, remaining_seconds: (7 * 60 + 40) * 60, breached: false,
    });
  });

  it('skips a holiday and the weekend after it', () => {
    // Created Thu 17 Apr 16:30 CEST (14:30Z): 30 min that day; Fri 18 Apr is a holiday, then the weekend;
    // Mon 21 Apr 09:00 CEST (07:00Z) + 30 → the response is due at 07:30Z. Asked on the holiday at 12:00
    // CEST (10:00Z): 30 business minutes ran, 30 are left — at risk — and 2 days 21 h 30 min of calendar time.
    const state = ticketSlaState(ticket({ createdAt: z('2025-04-17T14:30:00Z') }), berlin, z('2025-04-18T10:00:00Z'));
    expect(state.first_response).toMatchObject({
      status: 'at_risk', due_at: '2025-04-21T07:30:00.000Z', elapsed_business_minutes: 30, remaining_business_minutes: 30,
      remaining_seconds: ((2 * 24 + 21) * 60 + 30) * 60,
    });
  });

  it('pauses the resolution clock by business time, and moves the due time on by it once resumed', () => {
    // Created Mon 3 Mar 09:00 CET (08:00Z), answered at once; resolution due 17:00 CET (16:00Z).
    const base = { createdAt: z('2025-03-03T08:00:00Z'), firstRespondedAt: z('2025-03-03T08:10:00Z') };
    // Pending from 16:00 CET (15:00Z); asked at 20:00 CET (19:00Z): the due time stays as it stood, 60
    // business minutes (and one calendar hour) were left when the pause began; paused 4 h so far.
    const paused = ticketSlaState(
      ticket({ ...base, status: 'pending', stops: [{ start: z('2025-03-03T15:00:00Z'), end: null }] }),
      berlin,
      z('2025-03-03T19:00:00Z'),
    );
    expect(paused.resolution).toMatchObject({
      status: 'paused', due_at: '2025-03-03T16:00:00.000Z', elapsed_business_minutes: 420, remaining_business_minutes: 60,
      remaining_seconds: 3600, breached: false,
    });
    expect(paused).toMatchObject({ paused: true, paused_seconds: 4 * 3600 });
    // Asked again on Tuesday at 09:30 CET, still pending: nothing moves.
    const later = ticketSlaState(
      ticket({ ...base, status: 'pending', stops: [{ start: z('2025-03-03T15:00:00Z'), end: null }] }),
      berlin,
      z('2025-03-04T08:30:00Z'),
    );
    expect(later.resolution).toMatchObject({ status: 'paused', due_at: '2025-03-03T16:00:00.000Z', remaining_business_minutes: 60 });

    // Resumed Tue 10:00 CET (09:00Z). The pause held two business hours (Mon 16–17, Tue 09–10), so the due
    // time moves from Mon 17:00 to Tue 11:00 CET (10:00Z). At 10:30 CET (09:30Z): 420 + 30 = 450 ran, 30 are
    // left (at risk), half an hour of calendar time; paused 18 calendar hours in all.
    const resumed = ticketSlaState(
      ticket({ ...base, status: 'in_progress', stops: [{ start: z('2025-03-03T15:00:00Z'), end: z('2025-03-04T09:00:00Z') }] }),
      berlin,
      z('2025-03-04T09:30:00Z'),
    );
    expect(resumed.resolution).toMatchObject({
      status: 'at_risk', due_at: '2025-03-04T10:00:00.000Z', elapsed_business_minutes: 450, remaining_business_minutes: 30,
      remaining_seconds: 1800, breached: false,
    });
    expect(resumed).toMatchObject({ paused: false, paused_seconds: 18 * 3600 });
  });

  it('measures a raised priority from the creation under the new policy', () => {
    // The same ticket under two policies, as the loader picks them before and after its priority was
    // raised. Created Mon 3 Mar 09:00 CET (08:00Z); asked at 11:00 CET (10:00Z), 120 business minutes in.
    const created = ticket({ createdAt: z('2025-03-03T08:00:00Z') });
    const now = z('2025-03-03T10:00:00Z');
    // Medium: response in 240 → due 13:00 CET (12:00Z), running with 120 left.
    const medium = businessPolicy({ name: 'P3 medium', priority: 'medium', response_time_minutes: 240, resolution_time_minutes: 1440, escalation_threshold_minutes: 60 });
    expect(ticketSlaState(created, medium, now).first_response).toMatchObject({
      status: 'running', due_at: '2025-03-03T12:00:00.000Z', remaining_business_minutes: 120,
    });
    expect(ticketSlaState(created, medium, now).breached_at).toBeNull();
    // Urgent: response in 60 → due 10:00 CET (09:00Z), already an hour past; resolution in 240 → due 13:00
    // CET (12:00Z), 120 left. The ticket breached when the new response target ran out.
    const urgent = businessPolicy({ name: 'P1 urgent', priority: 'urgent', response_time_minutes: 60, resolution_time_minutes: 240 });
    const raised = ticketSlaState(created, urgent, now);
    expect(raised.first_response).toMatchObject({
      status: 'breached', due_at: '2025-03-03T09:00:00.000Z', elapsed_business_minutes: 120, remaining_business_minutes: -60,
      remaining_seconds: -3600, breached: true,
    });
    expect(raised.resolution).toMatchObject({ status: 'running', due_at: '2025-03-03T12:00:00.000Z', remaining_business_minutes: 120 });
    expect(raised.breached_at).toBe('2025-03-03T09:00:00.000Z');
  });

  it('counts New York business hours across the change to daylight saving time', () => {
    // Created Fri 7 Mar 16:00 EST (21:00Z): 60 min that day, then Mon 10 Mar from 09:00 EDT (13:00Z). Response
    // in 120 → 10:00 EDT (14:00Z); resolution in 480 → 60 + 420 → 16:00 EDT (20:00Z). Asked at 09:30 EDT
    // (13:30Z): 90 business minutes ran; 30 left on the response (at risk), 390 on the resolution.
    const newYork = businessPolicy({ time_zone: 'America/New_York', holidays: [], response_time_minutes: 120 });
    const state = ticketSlaState(ticket({ createdAt: z('2025-03-07T21:00:00Z') }), newYork, z('2025-03-10T13:30:00Z'));
    expect(state.first_response).toMatchObject({
      status: 'at_risk', due_at: '2025-03-10T14:00:00.000Z', elapsed_business_minutes: 90, remaining_business_minutes: 30, remaining_seconds: 1800,
    });
    expect(state.resolution).toMatchObject({
      status: 'running', due_at: '2025-03-10T20:00:00.000Z', elapsed_business_minutes: 90, remaining_business_minutes: 390,
      remaining_seconds: 6.5 * 3600,
    });
  });

  it('is breached once the due instant passes, even when no business minute passed since', () => {
    // Created Fri 24 Oct 16:00 CEST (14:00Z): the 60-minute response is due at closing, 17:00 CEST (15:00Z).
    // On Saturday at 12:00Z it is breached with 0 business minutes left and 21 calendar hours overdue; the
    // resolution (60 on Friday + 420 on Monday after the clocks went back → 16:00 CET = 15:00Z) still runs.
    const state = ticketSlaState(ticket({ createdAt: z('2025-10-24T14:00:00Z') }), berlin, z('2025-10-25T12:00:00Z'));
    expect(state.first_response).toMatchObject({
      status: 'breached', due_at: '2025-10-24T15:00:00.000Z', elapsed_business_minutes: 60, remaining_business_minutes: 0,
      remaining_seconds: -21 * 3600, breached: true,
    });
    expect(state.resolution).toMatchObject({ status: 'running', due_at: '2025-10-27T15:00:00.000Z', remaining_business_minutes: 420 });
    expect(state.breached_at).toBe('2025-10-24T15:00:00.000Z');
  });
});
