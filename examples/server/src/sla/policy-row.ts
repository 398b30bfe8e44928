/** SLA policy rows as the database returns them, and as the contract shows them. */
import type { components } from '../../../../src/generated/api.js';
import { dateOnly, iso } from '../http/serialize.js';

export type SlaPolicy = components['schemas']['SlaPolicy'];

export interface SlaPolicyRow {
  id: string;
  name: string;
  description: string | null;
  priority: SlaPolicy['priority'];
  category_id: string | null;
  response_time_minutes: number;
  resolution_time_minutes: number;
  escalation_threshold_minutes: number | null;
  business_hours_only: boolean;
  business_start_hour: number;
  business_end_hour: number;
  include_weekends: boolean;
  time_zone: string;
  /** Selected as JSON (see {@link slaPolicyColumns}): ISO dates whatever the session's DateStyle. */
  holidays: string[];
  is_active: boolean;
  effective_from: Date | string;
  effective_until: Date | string | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns of {@link SlaPolicyRow}, qualified by `alias` when the query joins other tables. */
export const slaPolicyColumns = (alias?: string) =>
  [
    'id', 'name', 'description', 'priority', 'category_id', 'response_time_minutes', 'resolution_time_minutes',
    'escalation_threshold_minutes', 'business_hours_only', 'business_start_hour', 'business_end_hour',
    'include_weekends', 'time_zone', 'holidays', 'is_active', 'effective_from', 'effective_until', 'created_at', 'updated_at',
  ]
    .map((column) => {
      const qualified = alias ? `${alias}.${column}` : column;
      // Both drivers parse JSON, and JSON writes dates as YYYY-MM-DD; a date[] would arrive as Dates
      // at local midnight or as text in the session's DateStyle.
      return column === 'holidays' ? `to_json(${qualified}) as holidays` : qualified;
    })
    .join(', ');

export const toSlaPolicy = (row: SlaPolicyRow): SlaPolicy => ({
  id: row.id,
  name: row.name,
  description: row.description,
  priority: row.priority,
  category_id: row.category_id,
  response_time_minutes: row.response_time_minutes,
  resolution_time_minutes: row.resolution_time_minutes,
  escalation_threshold_minutes: row.escalation_threshold_minutes,
  business_hours_only: row.business_hours_only,
  business_start_hour: row.business_start_hour,
  business_end_hour: row.business_end_hour,
  include_weekends: row.include_weekends,
  time_zone: row.time_zone,
  holidays: row.holidays,
  is_active: row.is_active,
  effective_from: dateOnly(row.effective_from),
  effective_until: row.effective_until === null ? null : dateOnly(row.effective_until),
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});
