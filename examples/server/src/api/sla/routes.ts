/**
 * SLA policies. Staff read them and admins write them; row-level security decides both (a customer
 * sees none, and anyone else's write is refused by the database as a 403).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound } from '../../http/problem.js';
import { refusal } from '../../http/refusal.js';
import { date, flag, id, oneOrMany, page } from '../../http/schemas.js';
import { slaPolicyColumns, toSlaPolicy, type SlaPolicyRow } from '../../sla/policy-row.js';
import { assertKnownTimeZone, withPolicyRules } from './policy-errors.js';

const COLUMNS = slaPolicyColumns();
const ADMINS_ONLY = 'Only admins may change SLA policies.';

const priority = z.enum(['urgent', 'high', 'medium', 'low']);
const minutes = (min: number) => z.int().min(min).max(525_600);
const fields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().max(10_000).nullable(),
  priority,
  category_id: id.nullable(),
  response_time_minutes: minutes(1),
  resolution_time_minutes: minutes(2),
  escalation_threshold_minutes: minutes(1).nullable(),
  business_hours_only: z.boolean(),
  business_start_hour: z.int().min(0).max(23),
  business_end_hour: z.int().min(1).max(24),
  include_weekends: z.boolean(),
  time_zone: z.string().min(1).max(64),
  // Kept in order, so that a policy reads the same however its dates were sent.
  holidays: z
    .array(date)
    .max(366)
    .refine((dates) => new Set(dates).size === dates.length, 'must not repeat a date')
    .transform((dates) => [...dates].sort()),
  is_active: z.boolean(),
  effective_from: date,
  effective_until: date.nullable(),
};

const SlaPolicyCreate = conforms<components['schemas']['SlaPolicyCreate']>()(
  z.strictObject({
    name: fields.name,
    priority: fields.priority,
    response_time_minutes: fields.response_time_minutes,
    resolution_time_minutes: fields.resolution_time_minutes,
    description: fields.description.optional(),
    category_id: fields.category_id.optional(),
    escalation_threshold_minutes: fields.escalation_threshold_minutes.optional(),
    business_hours_only: fields.business_hours_only.optional(),
    business_start_hour: fields.business_start_hour.optional(),
    business_end_hour: fields.business_end_hour.optional(),
    include_weekends: fields.include_weekends.optional(),
    time_zone: fields.time_zone.optional(),
    holidays: fields.holidays.optional(),
    is_active: fields.is_active.optional(),
    effective_from: fields.effective_from.optional(),
    effective_until: fields.effective_until.optional(),
  }),
);

const SlaPolicyUpdate = conforms<components['schemas']['SlaPolicyUpdate']>()(
  z
    .strictObject({
      name: fields.name.optional(),
      description: fields.description.optional(),
      priority: fields.priority.optional(),
      category_id: fields.category_id.optional(),
      response_time_minutes: fields.response_time_minutes.optional(),
      resolution_time_minutes: fields.resolution_time_minutes.optional(),
      escalation_threshold_minutes: fields.escalation_threshold_minutes.optional(),
      business_hours_only: fields.business_hours_only.optional(),
      business_start_hour: fields.business_start_hour.optional(),
      business_end_hour: fields.business_end_hour.optional(),
      include_weekends: fields.include_weekends.optional(),
      time_zone: fields.time_zone.optional(),
      holidays: fields.holidays.optional(),
      is_active: fields.is_active.optional(),
      effective_from: fields.effective_from.optional(),
      effective_until: fields.effective_until.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ListQuery = z.strictObject({
  ...page,
  priority: oneOrMany(priority).optional(),
  category_id: id.optional(),
  is_active: flag.optional(),
});

const Params = z.strictObject({ sla_policy_id: id });

/** Columns a PATCH sets from the body when present; nullable ones may be cleared with null. */
const UPDATABLE = Object.keys(fields) as (keyof typeof fields)[];

export function slaPolicyRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { priority: query.priority, category_id: query.category_id, is_active: query.is_active };
      const print = fingerprint('sla_policies', filters);
      // Priority in the enum's order (urgent first), then name; the id makes the order total.
      const after = query.cursor ? decodeCursor(query.cursor, print, 3) : null;
      const { rows } = await c.get('tx').query<SlaPolicyRow & { sort_priority: string }>(
        `select ${COLUMNS}, priority::text as sort_priority from sla_policies
          where ($1::text[] is null or priority = any ($1::text[]::ticket_priority[]))
            and ($2::uuid is null or category_id = $2)
            and ($3::boolean is null or is_active = $3)
            and ($4::text is null or (priority, name, id) > ($4::ticket_priority, $5, $6::uuid))
          order by priority, name, id
          limit $7`,
        [query.priority ?? null, query.category_id ?? null, query.is_active ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.sort_priority, row.name, row.id], toSlaPolicy));
    })
    .post('/', async (c) => {
      const body = await readJson(c, SlaPolicyCreate);
      assertKnownTimeZone(body.time_zone);
      const { rows } = await withPolicyRules(() =>
        c.get('tx').query<SlaPolicyRow>(
          `insert into sla_policies (name, description, priority, category_id, response_time_minutes, resolution_time_minutes,
                                     escalation_threshold_minutes, business_hours_only, business_start_hour, business_end_hour,
                                     include_weekends, time_zone, is_active, effective_from, effective_until, holidays)
           values ($1, $2, $3, $4, $5, $6, $7, coalesce($8, true), coalesce($9, 9), coalesce($10, 17), coalesce($11, false),
                   coalesce($12, 'UTC'), coalesce($13, true),
                   -- "Today" where the policy's business happens; an unknown zone is left to the check constraint.
                   coalesce($14::date, case when app.is_time_zone(coalesce($12, 'UTC'))
                                            then (now() at time zone coalesce($12, 'UTC'))::date else current_date end),
                   $15, coalesce($16::date[], '{}'))
           returning ${COLUMNS}`,
          [
            body.name, body.description ?? null, body.priority, body.category_id ?? null, body.response_time_minutes,
            body.resolution_time_minutes, body.escalation_threshold_minutes ?? null, body.business_hours_only ?? null,
            body.business_start_hour ?? null, body.business_end_hour ?? null, body.include_weekends ?? null,
            body.time_zone ?? null, body.is_active ?? null, body.effective_from ?? null, body.effective_until ?? null,
            body.holidays ?? null,
          ],
        ),
      );
      const policy = toSlaPolicy(rows[0]!);
      return c.json(policy, 201, { Location: `/v1/sla-policies/${policy.id}` });
    })
    .get('/:sla_policy_id', async (c) => {
      const { sla_policy_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<SlaPolicyRow>(`select ${COLUMNS} from sla_policies where id = $1`, [sla_policy_id]);
      if (!rows[0]) throw notFound('SLA policy');
      return c.json(toSlaPolicy(rows[0]));
    })
    .patch('/:sla_policy_id', async (c) => {
      const { sla_policy_id } = readParams(c, Params);
      const body = await readJson(c, SlaPolicyUpdate);
      assertKnownTimeZone(body.time_zone);
      // Only the fields given are set, so an explicit null clears and an absent field keeps its value.
      // Column names come from the fixed list above, never from input.
      const given = UPDATABLE.filter((column) => column in body);
      const assignments = given.map((column, index) => `${column} = $${index + 2}`).join(', ');
      const { rows } = await withPolicyRules(() =>
        c.get('tx').query<SlaPolicyRow>(`update sla_policies set ${assignments} where id = $1 returning ${COLUMNS}`, [
          sla_policy_id,
          ...given.map((column) => body[column] ?? null),
        ]),
      );
      if (!rows[0]) throw await refusal(c.get('tx'), 'sla_policies', sla_policy_id, 'SLA policy', ADMINS_ONLY);
      return c.json(toSlaPolicy(rows[0]));
    })
    .delete('/:sla_policy_id', async (c) => {
      const { sla_policy_id } = readParams(c, Params);
      const { rowCount } = await c.get('tx').query('delete from sla_policies where id = $1', [sla_policy_id]);
      if (rowCount === 0) throw await refusal(c.get('tx'), 'sla_policies', sla_policy_id, 'SLA policy', ADMINS_ONLY);
      return c.body(null, 204);
    });
}
