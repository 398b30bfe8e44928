/**
 * Statistics on the mock through the SDK, computed from the store over what each caller sees:
 * ticket counts, averages and overdue tickets; SLA compliance by calendar period in a time zone,
 * for staff only.
 */
import { describe, expect, it } from 'vitest';
import { failure, useMock } from './support.js';

const MINUTE = 60_000;

describe('statistics on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    const support = mock().seed.department({ name: 'Support' });
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'customer2', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent', department_id: support.id });
    mock().seed.user({ key: 'admin', role: 'admin' });
    const team = mock().seed.team({ name: 'Desk', department_id: support.id });
    return { team, admin: client('admin') };
  }

  it('counts the tickets each caller sees, with averages and what is overdue', async () => {
    const { team, admin } = people();
    mock().seed.slaPolicy({ priority: 'urgent', response_time_minutes: 5, resolution_time_minutes: 60, business_hours_only: false });
    const urgent = await admin.tickets.create({ title: 'Urgent', priority: 'urgent', team_id: team.id, requester_id: mock().user('customer').id });
    await admin.tickets.create({ title: 'Low', priority: 'low', team_id: team.id, requester_id: mock().user('customer2').id });
    await admin.tickets.assign(urgent.id, { assignee_id: mock().user('agent').id });
    mock().clock.advance(10 * MINUTE);
    await client('agent').comments.create(urgent.id, { body: 'On it' });
    mock().clock.advance(80 * MINUTE);

    const stats = await client('admin').stats.tickets({ team_id: team.id });
    expect(stats).toMatchObject({
      total: 2,
      open: 2,
      overdue: 1,
      escalated: 1,
      by_status: { new: 1, open: 1, in_progress: 0, pending: 0, resolved: 0, closed: 0 },
      by_priority: { urgent: 1, high: 0, medium: 0, low: 1 },
      avg_resolution_minutes: null,
      csat: { average: null, responses: 0 },
    });
    // The reply came ten minutes (and a few milliseconds of writes) after the ticket.
    expect(stats.avg_first_response_minutes).toBe(10);
    expect(await client('customer2').stats.tickets({ team_id: team.id })).toMatchObject({ total: 1, by_priority: { urgent: 0, low: 1 } });
  });

  it('gives SLA numbers by day in a time zone, to staff only', async () => {
    const { team } = people();
    mock().seed.slaPolicy({ priority: 'medium', response_time_minutes: 30, resolution_time_minutes: 120, business_hours_only: false });
    mock().clock.set('2026-02-02T12:00:00Z');
    const met = await client('admin').tickets.create({ title: 'Met', team_id: team.id, requester_id: mock().user('customer').id });
    await client('admin').tickets.assign(met.id, { assignee_id: mock().user('agent').id });
    await client('agent').tickets.start(met.id);
    await client('agent').tickets.resolve(met.id, { resolution_notes: 'Done' });
    await client('admin').tickets.create({ title: 'Missed', requester_id: mock().user('customer').id });
    mock().clock.advance(200 * MINUTE);

    const stats = await client('admin').stats.sla({ from: '2026-02-01T05:00:00Z', to: '2026-02-04T05:00:00Z', interval: 'day', time_zone: 'America/New_York' });
    expect(stats.periods.map((period) => [period.start, period.overall.tickets])).toEqual([
      ['2026-02-01T05:00:00.000Z', 0],
      ['2026-02-02T05:00:00.000Z', 2],
      ['2026-02-03T05:00:00.000Z', 0],
    ]);
    const day = stats.periods[1]!;
    expect(day.overall).toMatchObject({ sla_met: 1, sla_breached: 1, compliance_percent: 50, breaches: 2 });
    expect(day.teams.map((each) => [each.team_name, each.metrics.tickets])).toEqual([['Desk', 1], [null, 1]]);
    const refused = await failure(client('customer').stats.sla());
    expect([refused.status, refused.problem?.detail]).toEqual([403, 'SLA statistics are visible to the support team only.']);
    const backwards = await failure(client('admin').stats.sla({ from: '2026-02-02T00:00:00Z', to: '2026-02-01T00:00:00Z' }));
    expect(backwards.problem?.detail).toBe('from: `from` must be before `to`.');
  });
});
