/**
 * PostgreSQL errors that are the caller's fault, mapped to precise 4xx problems. The database is
 * where the rules live (checks, workflow triggers, row-level security), so its refusals are the
 * API's refusals. Anything not listed here is a server bug and stays a 500.
 */
import { Problem } from './problem.js';

interface DatabaseError {
  code: string;
  message: string;
  constraint?: string | undefined;
  detail?: string | undefined;
  table?: string | undefined;
}

/** Check constraints raised by workflow triggers: the current state forbids the change. */
const WORKFLOW_CONSTRAINTS = new Set(['ticket_status_transition', 'escalation_status_transition']);

export function isDatabaseError(error: unknown): error is DatabaseError {
  return (
    error instanceof Error &&
    typeof (error as unknown as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as unknown as { code: string }).code)
  );
}

export function problemFromDatabaseError(error: DatabaseError): Problem | undefined {
  switch (error.code) {
    case '23505': // unique_violation
      return new Problem(409, 'conflict', describeUnique(error));
    case '23503': // foreign_key_violation
      return new Problem(422, 'unprocessable', describeForeignKey(error));
    case '23001': // restrict_violation: an ON DELETE RESTRICT key still has referencing rows
      return new Problem(409, 'conflict', 'Other records still refer to this one.');
    case '23514': // check_violation (constraints and our triggers)
      if (error.constraint && WORKFLOW_CONSTRAINTS.has(error.constraint)) {
        return new Problem(409, 'invalid_transition', error.message);
      }
      return new Problem(422, 'unprocessable', triggerMessage(error) ?? `The change breaks the rule ${error.constraint ?? 'of the data'}.`);
    case '23502': // not_null_violation
      return new Problem(422, 'unprocessable', 'A required value is missing.');
    case '42501': // insufficient_privilege: row-level security or a guard trigger
      return new Problem(403, 'forbidden', triggerMessage(error) ?? 'You may not make this change.');
    case '22P02': // invalid_text_representation
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
    case '22009': // invalid_time_zone_displacement_value (a time such as "-000016-12-31T23:59:59Z")
    case '22003': // numeric_value_out_of_range
    case '22001': // string_data_right_truncation
    case '22023': // invalid_parameter_value
    case '22021': // character_not_in_repertoire (a NUL byte in text)
    case '22P05': // untranslatable_character
    case '2201B': // invalid_regular_expression
      return new Problem(400, 'validation_failed', 'A value is out of range or malformed.');
    case '28000': // invalid_authorization_specification: app.bind_actor refused the user
      return new Problem(401, 'unauthenticated', 'This account is inactive or locked.');
    case '40001': // serialization_failure
    case '40P01': // deadlock_detected
    case '55P03': // lock_not_available
      return new Problem(503, 'unavailable', 'The change collided with another one; retry it.', undefined, { 'Retry-After': '1' });
    default:
      return undefined;
  }
}

/**
 * Our own triggers raise messages written for API callers; PostgreSQL's built-in messages (RLS
 * "new row violates row-level security policy …", constraint names) are not shown verbatim.
 */
function triggerMessage(error: DatabaseError): string | undefined {
  if (/row-level security|violates check constraint|permission denied/.test(error.message)) return undefined;
  return error.message;
}

function describeUnique(error: DatabaseError): string {
  // detail looks like: Key (lower(name))=(Billing) already exists.
  const field = /^Key \((?:lower\()?([a-z_]+)/.exec(error.detail ?? '')?.[1];
  return field ? `A record with this ${field} already exists.` : 'A record with these values already exists.';
}

function describeForeignKey(error: DatabaseError): string {
  // detail looks like: Key (assignee_id)=(…) is not present in table "users".
  const field = /^Key \(([a-z_]+)\)/.exec(error.detail ?? '')?.[1] ?? fieldOfConstraint(error);
  if ((error.detail ?? '').includes('is still referenced')) return 'Other records still refer to this one.';
  // PostgreSQL leaves detail out when the referenced table has row-level security (so as not to
  // reveal its rows); the message still tells a delete blocked by references from an insert.
  if (error.message.startsWith('update or delete on table')) return 'Other records still refer to this one.';
  return field ? `${field} does not refer to an existing record.` : 'A referenced record does not exist.';
}

/** `teams_department_id_fkey` on table `teams` → `department_id` (PostgreSQL's default FK names). */
function fieldOfConstraint(error: DatabaseError): string | undefined {
  const { table, constraint } = error;
  if (!table || !constraint?.startsWith(`${table}_`) || !constraint.endsWith('_fkey')) return undefined;
  return constraint.slice(table.length + 1, -'_fkey'.length) || undefined;
}
