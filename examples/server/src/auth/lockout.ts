/**
 * Counting wrong passwords. Reaching `maxFailedLogins` in a row locks the account for
 * `lockoutSeconds` and starts the count again, so that once the lock runs out a user has the full
 * number of attempts. One conditional UPDATE keeps concurrent attempts exact.
 */
import type { AppDeps } from '../context.js';
import type { Queryable } from '../db/database.js';
import { audit } from './audit.js';

export type FailedPasswordOutcome = 'counted' | 'locked_now' | 'already_locked';

/** Counts one wrong password for `userId`, auditing the lock when this attempt causes it. */
export async function recordWrongPassword(tx: Queryable, deps: Pick<AppDeps, 'auth' | 'clock'>, userId: string): Promise<FailedPasswordOutcome> {
  const now = deps.clock.now();
  const { rows } = await tx.query<{ locked_until: Date | null }>(
    `update users set
       failed_login_attempts = case when failed_login_attempts + 1 >= $2 then 0 else failed_login_attempts + 1 end,
       locked_until = case when failed_login_attempts + 1 >= $2
                           then $3::timestamptz + make_interval(secs => $4::double precision) else locked_until end
     where id = $1 and (locked_until is null or locked_until <= $3)
     returning locked_until`,
    [userId, deps.auth.maxFailedLogins, now, deps.auth.lockoutSeconds],
  );
  const row = rows[0];
  if (!row) return 'already_locked';
  if (!row.locked_until || row.locked_until <= now) return 'counted';
  await audit(tx, {
    event: 'account_locked',
    status: 'warning',
    userId,
    message: `locked after ${deps.auth.maxFailedLogins} wrong passwords in a row`,
    metadata: { locked_until: row.locked_until.toISOString(), failed_attempts: deps.auth.maxFailedLogins },
  });
  return 'locked_now';
}

export const isLocked = (lockedUntil: Date | null, now: Date) => lockedUntil !== null && lockedUntil > now;
