/**
 * `tf.stats` (examples/server/src/api/insights/stats.ts and sla-stats.ts): ticket and SLA
 * statistics computed from the store over the tickets the caller sees, so every number is one of
 * the caller's own view; SLA statistics for staff only, by calendar period in a time zone.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { ok, type HandlerTable } from '../operation.js';
import { fieldProblem, forbidden } from '../problems.js';
import { canSeeTicket } from '../rules/policies.js';
import { isValidZone, zoneOf, type Zone } from '../sla/zone.js';
import type { TicketRow } from '../store.js';
import { isStaff, type Actor, type World } from '../world.js';
import { id, timestamp } from './shared.js';

type Schemas = components['schemas'];
type SlaStatsMetrics = Schemas['SlaStatsMetrics'];
type Interval = 'day' | 'week' | 'month';

const TicketStatsQuery = z.strictObject({
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
  department_id: id.optional(),
  team_id: id.optional(),
});
const SlaStatsQuery = z.strictObject({
  from: timestamp.optional(),
  to: timestamp.optional(),
  interval: z.enum(['day', 'week', 'month']).optional(),
  time_zone: z.string().min(1).max(64).optional(),
  department_id: id.optional(),
});

const MINUTE = 60_000;
const DAY = 24 * 3_600_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 731;
const MAX_DAYS_BY_DAY = 366;

/** numeric rounding as PostgreSQL's `round(x, digits)`: halves away from zero. */
function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
}

const average = (values: number[]) => (values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length);

function visibleTickets(world: World, actor: Actor): TicketRow[] {
  return world.store.tables.tickets.where((ticket) => canSeeTicket(actor, ticket));
}

/** The ratings of tickets the caller sees (ticket_feedback joined to the visible tickets). */
function ratingsOf(world: World, tickets: readonly TicketRow[]): Map<string, number> {
  const ids = new Set(tickets.map((ticket) => ticket.id));
  return new Map(world.store.tables.ticketFeedback.where((feedback) => ids.has(feedback.ticket_id)).map((feedback) => [feedback.ticket_id, feedback.rating]));
}

const minutesTo = (ticket: TicketRow, at: string) => (Date.parse(at) - Date.parse(ticket.created_at)) / MINUTE;

function ticketStats(world: World, actor: Actor, query: z.output<typeof TicketStatsQuery>, now: number): Schemas['TicketStats'] {
  const lower = (value: string | undefined) => value?.toLowerCase();
  const tickets = visibleTickets(world, actor).filter(
    (ticket) =>
      (query.created_after === undefined || Date.parse(ticket.created_at) >= Date.parse(query.created_after)) &&
      (query.created_before === undefined || Date.parse(ticket.created_at) < Date.parse(query.created_before)) &&
      (query.department_id === undefined || ticket.department_id === lower(query.department_id)) &&
      (query.team_id === undefined || ticket.team_id === lower(query.team_id)),
  );
  const open = tickets.filter((ticket) => ticket.status !== 'resolved' && ticket.status !== 'closed');
  const byStatus: Schemas['TicketStatsByStatus'] = { new: 0, open: 0, in_progress: 0, pending: 0, resolved: 0, closed: 0 };
  const byPriority: Schemas['TicketStatsByPriority'] = { urgent: 0, high: 0, medium: 0, low: 0 };
  for (const ticket of tickets) {
    byStatus[ticket.status] += 1;
    byPriority[ticket.priority] += 1;
  }
  const minutes = (pick: (ticket: TicketRow) => string | null) => {
    const value = average(tickets.flatMap((ticket) => (pick(ticket) === null ? [] : [(Date.parse(pick(ticket)!) - Date.parse(ticket.created_at)) / 1000])));
    return value === null ? null : round(value / 60, 1);
  };
  const ratings = [...ratingsOf(world, tickets).values()];
  const csat = average(ratings);
  return {
    total: tickets.length,
    by_status: byStatus,
    by_priority: byPriority,
    open: open.length,
    overdue: open.filter((ticket) => ticket.sla.breached_at !== null || (ticket.sla.resolution_due_at !== null && Date.parse(ticket.sla.resolution_due_at) < now)).length,
    escalated: tickets.filter((ticket) => ticket.escalation_level > 0).length,
    avg_first_response_minutes: minutes((ticket) => ticket.sla.first_responded_at),
    avg_resolution_minutes: minutes((ticket) => ticket.resolved_at),
    csat: { average: csat === null ? null : round(csat, 2), responses: ratings.length },
  };
}

/** PostgreSQL's `percentile_cont`: linear interpolation between the closest ranks. */
function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const position = fraction * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);

function metricsOf(world: World, tickets: readonly TicketRow[], ratings: ReadonlyMap<string, number>): SlaStatsMetrics {
  const percentiles = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (fraction: number) => {
      const value = percentile(sorted, fraction);
      return value === null ? null : round(value, 1);
    };
    return { count: values.length, p50: at(0.5), p90: at(0.9), p95: at(0.95) };
  };
  const { events } = world.store.tables;
  const breaches = tickets.reduce((sum, ticket) => sum + events.where((event) => event.ticket_id === ticket.id && event.type === 'sla.breached').length, 0);
  const sla_met = tickets.filter((t) => t.sla.policy_id !== null && t.sla.breached_at === null && t.resolved_at !== null).length;
  const sla_breached = tickets.filter((t) => t.sla.breached_at !== null).length;
  const rated = tickets.flatMap((ticket) => (ratings.has(ticket.id) ? [ratings.get(ticket.id)!] : []));
  const csat = average(rated);
  return {
    tickets: tickets.length,
    sla_met,
    sla_breached,
    compliance_percent: percent(sla_met, sla_met + sla_breached),
    breaches,
    first_response_minutes: percentiles(tickets.flatMap((t) => (t.sla.first_responded_at === null ? [] : [minutesTo(t, t.sla.first_responded_at)]))),
    resolution_minutes: percentiles(tickets.flatMap((t) => (t.resolved_at === null ? [] : [minutesTo(t, t.resolved_at)]))),
    reopen_rate_percent: percent(tickets.filter((t) => t.reopen_count > 0).length, tickets.filter((t) => t.resolved_at !== null || t.reopen_count > 0).length),
    csat: { average: csat === null ? null : round(csat, 2), responses: rated.length },
  };
}

/** The instant the wall-clock reading `wall` (local time as UTC milliseconds) happens in `zone`, as `timestamp at time zone` reads it. */
function instantOf(zone: Zone, wall: number): number {
  const guess = wall - zone.offset(wall) * MINUTE;
  return wall - zone.offset(guess) * MINUTE;
}

/** The start of the calendar period holding the local reading `wall` (date_trunc). */
function truncate(wall: number, interval: Interval): number {
  const date = new Date(wall);
  if (interval === 'day') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (interval === 'month') return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  // ISO weeks start on Monday.
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return day - ((date.getUTCDay() + 6) % 7) * DAY;
}

function nextPeriod(wall: number, interval: Interval): number {
  const date = new Date(wall);
  if (interval === 'day') return wall + DAY;
  if (interval === 'week') return wall + 7 * DAY;
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The calendar periods that overlap [from, to), counted in the zone, cut to [from, to). */
function bucketsOf(from: number, to: number, interval: Interval, zone: Zone): { start: number; end: number }[] {
  const buckets: { start: number; end: number }[] = [];
  for (let wall = truncate(from + zone.offset(from) * MINUTE, interval); instantOf(zone, wall) < to; wall = nextPeriod(wall, interval)) {
    const start = instantOf(zone, wall);
    const end = instantOf(zone, nextPeriod(wall, interval));
    if (end > from) buckets.push({ start: Math.max(from, start), end: Math.min(to, end) });
  }
  return buckets;
}

function slaStats(world: World, actor: Actor, query: z.output<typeof SlaStatsQuery>, now: Date): Schemas['SlaStats'] {
  const to = query.to ? Date.parse(query.to) : now.getTime();
  const from = query.from ? Date.parse(query.from) : to - DEFAULT_DAYS * DAY;
  const days = (to - from) / DAY;
  if (days <= 0) throw fieldProblem('query', 'from', '`from` must be before `to`.');
  if (days > MAX_DAYS) throw fieldProblem('query', 'from', `The period may span at most ${MAX_DAYS} days.`);
  if (query.interval === 'day' && days > MAX_DAYS_BY_DAY) throw fieldProblem('query', 'interval', `By day, the period may span at most ${MAX_DAYS_BY_DAY} days.`);
  const timeZone = query.time_zone ?? world.store.settings.time_zone;
  if (query.time_zone !== undefined && !isValidZone(query.time_zone)) {
    throw fieldProblem('query', 'time_zone', `${query.time_zone} is not a known IANA time zone (such as Europe/Berlin).`);
  }
  const buckets = query.interval ? bucketsOf(from, to, query.interval, zoneOf(timeZone)) : [{ start: from, end: to }];
  const department = query.department_id?.toLowerCase();
  const tickets = visibleTickets(world, actor).filter((t) => (department === undefined || t.department_id === department));
  const ratings = ratingsOf(world, tickets);
  const { teams } = world.store.tables;
  const periods = buckets.map(({ start, end }) => {
    const inPeriod = tickets.filter((t) => Date.parse(t.created_at) >= start && Date.parse(t.created_at) < end && Date.parse(t.created_at) >= from && Date.parse(t.created_at) < to);
    const byTeam = new Map<string | null, TicketRow[]>();
    for (const ticket of inPeriod) byTeam.set(ticket.team_id, [...(byTeam.get(ticket.team_id) ?? []), ticket]);
    const teamRows = [...byTeam.entries()].map(([teamId, rows]) => ({
      team_id: teamId,
      team_name: teamId === null ? null : (teams.get(teamId)?.name ?? null),
      metrics: metricsOf(world, rows, ratings),
    }));
    // Team name order, nameless last, then the id.
    teamRows.sort((a, b) => {
      if (a.team_name !== b.team_name) return a.team_name === null ? 1 : b.team_name === null ? -1 : a.team_name < b.team_name ? -1 : 1;
      if (a.team_id === b.team_id) return 0;
      return a.team_id === null ? 1 : b.team_id === null ? -1 : a.team_id < b.team_id ? -1 : 1;
    });
    return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), overall: metricsOf(world, inPeriod, ratings), teams: teamRows };
  });
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), interval: query.interval ?? null, time_zone: timeZone, periods };
}

export const statsHandlers: HandlerTable = {
  getTicketStats: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const query = req.query(TicketStatsQuery);
      return ok(ticketStats(world, work.me, query, world.clock.now().getTime()));
    },
  },
  getSlaStats: {
    scope: 'tickets',
    handle({ world, work, req }) {
      // SLA targets are internal to the support team, as everywhere else in the API.
      if (!isStaff(work.me)) throw forbidden('SLA statistics are visible to the support team only.');
      const query = req.query(SlaStatsQuery);
      return ok(slaStats(world, work.me, query, world.clock.now()));
    },
  },
};
