/**
 * People who run departments and teams, and team members, must be staff. The schema cannot say
 * so (a foreign key only says "a user"), so the routes check it after their write — after row-level
 * security has had its say, so a caller who may not write at all still gets 403, not 422.
 */
import type { UserRole } from '../../db/actor.js';
import type { Queryable } from '../../db/database.js';
import { Problem } from '../../http/problem.js';

/** Throws a 422 naming `field` unless `userId` is absent or a staff member the caller can see. */
export async function requireStaff(tx: Queryable, userId: string | null | undefined, field: string): Promise<void> {
  if (!userId) return;
  const { rows } = await tx.query<{ role: UserRole }>('select role from users where id = $1', [userId]);
  const role = rows[0]?.role;
  if (role === undefined) throw unknownUser(field);
  if (role === 'customer') {
    throw new Problem(422, 'unprocessable', `${field} must be a staff member (agent, manager or admin), not a customer.`, [
      { location: 'body', path: field, message: 'must be a staff member' },
    ]);
  }
}

export const unknownUser = (field: string) =>
  new Problem(422, 'unprocessable', `${field} does not refer to an existing user.`, [
    { location: 'body', path: field, message: 'no such user' },
  ]);
