/**
 * The SLA state calculation against hand-computed expectations. A P2-like policy throughout:
 * first response 30 min, resolution 4 h, at risk 15 min before a due time; the ticket is created on
 * Monday 3 March 2025 at 10:00 UTC, so the response is due at 10:30 and the resolution at 14:00.
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
  firstResponseDueAt: null,
  resolutionDueAt: null,
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
      first_response: { status: 'none', target_minutes: null, due_at: null, responded_at: null, remaining_seconds: null, breached: false },
      resolution: { status: 'none', target_minutes: null, due_at: null, resolved_at: null, remaining_seconds: null, breached: false },
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
      status: 'running', target_minutes: 30, due_at: iso('10:30'), responded_at: null, remaining_seconds: 20 * 60, breached: false,
    });
    expect(state.resolution).toEqual({
      status: 'running', target_minutes: 240, due_at: iso('14:00'), resolved_at: null, remaining_seconds: (3 * 60 + 50) * 60, breached: false,
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
      status: 'met', target_minutes: 30, due_at: iso('10:30'), responded_at: iso('10:12'), remaining_seconds: 18 * 60, breached: false,
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
      status: 'met', target_minutes: 240, due_at: iso('14:00'), resolved_at: iso('12:00'), remaining_seconds: 2 * 3600, breached: false,
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

  it('takes due times and the breach time the ticket carries as they are', () => {
    const state = ticketSlaState(
      ticket({ firstResponseDueAt: at('11:00'), resolutionDueAt: at('18:00'), slaBreachedAt: at('09:00') }),
      policy,
      at('10:50'),
    );
    expect(state.first_response).toMatchObject({ due_at: iso('11:00'), remaining_seconds: 10 * 60, status: 'at_risk' });
    expect(state.resolution).toMatchObject({ due_at: iso('18:00'), remaining_seconds: (7 * 60 + 10) * 60 });
    expect(state.breached_at).toBe(iso('09:00'));
  });

  it('never reports negative pause time when asked about a moment before the pause began', () => {
    const state = ticketSlaState(ticket({ status: 'pending', stops: [{ start: at('10:05'), end: null }] }), policy, at('10:00'));
    expect(state.paused_seconds).toBe(0);
    expect(state.resolution).toMatchObject({ status: 'paused', remaining_seconds: 240 * 60 });
  });
});
