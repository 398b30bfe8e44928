/**
 * The rules of an SLA policy live in the table's constraints; this turns the database's refusal into
 * a message that names the fields, rather than a constraint name.
 */
import { IANAZone } from 'luxon';
import { isDatabaseError } from '../../http/database-errors.js';
import { Problem } from '../../http/problem.js';

const CHECKS: Record<string, string> = {
  sla_resolution_after_response: 'resolution_time_minutes must be greater than response_time_minutes.',
  sla_business_hours: 'business_end_hour must be after business_start_hour.',
  sla_effective_range: 'effective_until must not be before effective_from.',
  sla_policies_time_zone_check: 'time_zone is not a known IANA time zone (such as Europe/Berlin).',
};

/**
 * Business time is counted with this runtime's time-zone data (luxon over Intl), which may lack a
 * name the database knows; such a zone is refused as the database refuses an unknown one.
 */
export function assertKnownTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !IANAZone.isValidZone(timeZone)) {
    throw new Problem(422, 'unprocessable', CHECKS.sla_policies_time_zone_check!);
  }
}

/** Runs a write to `sla_policies`, translating its constraint violations; other errors pass through. */
export async function withPolicyRules<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDatabaseError(error)) throw error;
    const broken = error.code === '23514' && error.constraint ? CHECKS[error.constraint] : undefined;
    if (broken) throw new Problem(422, 'unprocessable', broken);
    if (error.code === '23505' && error.constraint === 'sla_priority_category_key') {
      throw new Problem(409, 'conflict', 'A policy for this priority and category already starts on this effective_from date.');
    }
    if (error.code === '23503') throw new Problem(422, 'unprocessable', 'category_id does not refer to an existing category.');
    throw error;
  }
}
