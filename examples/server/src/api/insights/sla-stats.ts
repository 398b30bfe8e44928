/**
 * `GET /v1/stats/sla`: SLA compliance, breaches, response and resolution time percentiles, reopen
 * rate and CSAT over the tickets created in a period, overall and per team, optionally per day, week
 * or month. Everything is aggregated in SQL over `tickets` as the caller sees it under row-level
 * security, so a manager's numbers are those of their department.
 */
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { Queryable } from '../../db/database.js';
import { Problem } from '../../http/problem.js';
import { id, timestamp } from '../../http/schemas.js';
import { numberOrNull } from '../../http/serialize.js';

type SlaStats = components['schemas']['SlaStats'];
type SlaStatsPeriod = components['schemas']['SlaStatsPeriod'];
type SlaStatsMetrics = components['schemas']['SlaStatsMetrics'];
type Interval = NonNullable<SlaStats['interval']>;

export const SlaStatsQuery = z.strictObject({
  from: timestamp.optional(),
  to: timestamp.optional(),
  interval: z.enum(['day', 'week', 'month'] as const satisfies readonly Interval[]).optional(),
  time_zone: z.string().min(1).max(64).optional(),
  department_id: id.optional(),
});

export type SlaStatsQuery = z.output<typeof SlaStatsQuery>;

const DAY = 24 * 3600_000;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 731;
const MAX_DAYS_BY_DAY = 366;

type Numeric = string | number | null;

interface Bucket {
  start: Date;
  end: Date;
}

interface GroupRow {
  start_at: Date;
  overall: boolean;
  team_id: string | null;
  team_name: string | null;
  tickets: number;
  sla_met: number;
  sla_breached: number;
  breaches: number;
  fr_count: number;
  fr_p50: Numeric;
  fr_p90: Numeric;
  fr_p95: Numeric;
  res_count: number;
  res_p50: Numeric;
  res_p90: Numeric;
  res_p95: Numeric;
  reopened: number;
  ever_resolved: number;
  csat_average: Numeric;
  csat_responses: number;
}

/** Minutes from creation to `column`, for the percentiles. */
const minutesTo = (column: string) => `(extract(epoch from ${column} - created_at) / 60)::float8`;

const percentiles = (column: string, prefix: string) =>
  [0.5, 0.9, 0.95]
    .map((p) => `round((percentile_cont(${p}) within group (order by ${minutesTo(column)}))::numeric, 1) as ${prefix}_p${Math.round(p * 100)}`)
    .join(',\n       ');

// Each ticket falls in the period it was created in. An SLA outcome is decided by a breach (stamped by
// the engine) or a resolution under a policy without one; breaches count the engine's
// `sla.breached` events, one per missed target. A reopened ticket was resolved before, so "ever
// resolved" is resolved now or reopened.
const STATS_SQL = `
  with buckets as (
    select * from unnest($1::timestamptz[], $2::timestamptz[]) as b (start_at, end_at)
  ), scoped as (
    select b.start_at, t.team_id, t.created_at, t.sla_policy_id, t.sla_breached_at, t.first_responded_at,
           t.resolved_at, t.reopen_count, f.rating,
           (select count(*) from events e where e.ticket_id = t.id and e.type = 'sla.breached') as breaches
      from tickets t
      join buckets b on t.created_at >= b.start_at and t.created_at < b.end_at
      left join ticket_feedback f on f.ticket_id = t.id
     where t.created_at >= $3 and t.created_at < $4
       and ($5::uuid is null or t.department_id = $5)
  )
  select start_at, grouping(team_id) = 1 as overall, team_id,
         (select name from teams where id = team_id) as team_name,
         count(*)::int as tickets,
         count(*) filter (where sla_policy_id is not null and sla_breached_at is null and resolved_at is not null)::int as sla_met,
         count(*) filter (where sla_breached_at is not null)::int as sla_breached,
         coalesce(sum(breaches), 0)::int as breaches,
         count(first_responded_at)::int as fr_count,
         ${percentiles('first_responded_at', 'fr')},
         count(resolved_at)::int as res_count,
         ${percentiles('resolved_at', 'res')},
         count(*) filter (where reopen_count > 0)::int as reopened,
         count(*) filter (where resolved_at is not null or reopen_count > 0)::int as ever_resolved,
         round(avg(rating), 2) as csat_average,
         count(rating)::int as csat_responses
    from scoped
   group by grouping sets ((start_at, team_id), (start_at))
   order by start_at, overall desc, team_name nulls last, team_id`;

// The calendar periods that overlap [from, to), counted in the time zone, cut to [from, to).
const BUCKETS_SQL = `
  select greatest($1::timestamptz, s at time zone $4) as start,
         least($2::timestamptz, (s + ('1 ' || $3)::interval) at time zone $4) as end
    from generate_series(date_trunc($3, $1::timestamptz at time zone $4), $2::timestamptz at time zone $4, ('1 ' || $3)::interval) s
   where s at time zone $4 < $2::timestamptz and (s + ('1 ' || $3)::interval) at time zone $4 > $1::timestamptz
   order by 1`;

/** The statistics; `now` is the app clock's, the default end of the period. */
export async function slaStats(tx: Queryable, query: SlaStatsQuery, now: Date): Promise<SlaStats> {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY);
  checkSpan(from, to, query.interval);
  const timeZone = await resolveTimeZone(tx, query.time_zone);

  const buckets: Bucket[] = query.interval
    ? (await tx.query<Bucket>(BUCKETS_SQL, [from.toISOString(), to.toISOString(), query.interval, timeZone])).rows
    : [{ start: from, end: to }];

  const { rows } = await tx.query<GroupRow>(STATS_SQL, [
    buckets.map((bucket) => bucket.start.toISOString()),
    buckets.map((bucket) => bucket.end.toISOString()),
    from.toISOString(),
    to.toISOString(),
    query.department_id ?? null,
  ]);

  const periods: SlaStatsPeriod[] = buckets.map((bucket) => ({
    start: bucket.start.toISOString(),
    end: bucket.end.toISOString(),
    overall: emptyMetrics(),
    teams: [],
  }));
  const byStart = new Map(periods.map((period, i) => [buckets[i]!.start.getTime(), period]));
  for (const row of rows) {
    const period = byStart.get(row.start_at.getTime());
    if (!period) continue;
    if (row.overall) period.overall = toMetrics(row);
    else period.teams.push({ team_id: row.team_id, team_name: row.team_name, metrics: toMetrics(row) });
  }

  return { from: from.toISOString(), to: to.toISOString(), interval: query.interval ?? null, time_zone: timeZone, periods };
}

function checkSpan(from: Date, to: Date, interval: Interval | undefined): void {
  const days = (to.getTime() - from.getTime()) / DAY;
  if (days <= 0) throw invalid('from', '`from` must be before `to`.');
  if (days > MAX_DAYS) throw invalid('from', `The period may span at most ${MAX_DAYS} days.`);
  if (interval === 'day' && days > MAX_DAYS_BY_DAY) throw invalid('interval', `By day, the period may span at most ${MAX_DAYS_BY_DAY} days.`);
}

/** The zone asked for, checked by PostgreSQL (which counts the periods in it), or the company's. */
async function resolveTimeZone(tx: Queryable, asked: string | undefined): Promise<string> {
  if (asked === undefined) {
    const { rows } = await tx.query<{ time_zone: string }>('select time_zone from company_settings limit 1');
    return rows[0]?.time_zone ?? 'UTC';
  }
  const { rows } = await tx.query<{ ok: boolean }>('select app.is_time_zone($1) as ok', [asked]);
  if (!rows[0]?.ok) throw invalid('time_zone', `${asked} is not a known IANA time zone (such as Europe/Berlin).`);
  return asked;
}

const invalid = (path: string, message: string) =>
  new Problem(400, 'validation_failed', `${path}: ${message}`, [{ location: 'query', path, message }]);

/** A share as a percentage to one decimal; `null` when there is nothing to share out. */
const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);

function toMetrics(row: GroupRow): SlaStatsMetrics {
  return {
    tickets: row.tickets,
    sla_met: row.sla_met,
    sla_breached: row.sla_breached,
    compliance_percent: percent(row.sla_met, row.sla_met + row.sla_breached),
    breaches: row.breaches,
    first_response_minutes: { count: row.fr_count, p50: numberOrNull(row.fr_p50), p90: numberOrNull(row.fr_p90), p95: numberOrNull(row.fr_p95) },
    resolution_minutes: { count: row.res_count, p50: numberOrNull(row.res_p50), p90: numberOrNull(row.res_p90), p95: numberOrNull(row.res_p95) },
    reopen_rate_percent: percent(row.reopened, row.ever_resolved),
    csat: { average: numberOrNull(row.csat_average), responses: row.csat_responses },
  };
}

function emptyMetrics(): SlaStatsMetrics {
  const none = { count: 0, p50: null, p90: null, p95: null };
  return {
    tickets: 0,
    sla_met: 0,
    sla_breached: 0,
    compliance_percent: null,
    breaches: 0,
    first_response_minutes: { ...none },
    resolution_minutes: { ...none },
    reopen_rate_percent: null,
    csat: { average: null, responses: 0 },
  };
}
