/**
 * Who acts, on what, in the RLS benchmark: for each role a few users and, for each, a ticket that
 * user may see (their own, one assigned to them, one of their department, any), picked by the owner
 * the same way on every run (ordered by a hash of the id, not at random).
 */
import type { UserRole } from '../../examples/server/src/db/actor.js';
import type { Queryable } from '../../examples/server/src/db/database.js';

export interface Fixture {
  role: UserRole;
  userId: string;
  /** A ticket this user may see and comment on. */
  ticketId: string;
  /** That ticket's requester: whose tickets "a customer's tickets" lists. */
  requesterId: string;
}

export const ROLES: readonly UserRole[] = ['customer', 'agent', 'manager', 'admin'];

const QUERIES: Record<UserRole, string> = {
  customer: `select t.requester_id as user_id, t.id as ticket_id, t.requester_id from tickets t
              where t.status <> 'closed' order by md5(t.id::text) limit $1`,
  agent: `select t.assignee_id as user_id, t.id as ticket_id, t.requester_id from tickets t
           join users u on u.id = t.assignee_id and u.role = 'agent'
          where t.status in ('open', 'in_progress', 'pending') order by md5(t.id::text) limit $1`,
  manager: `select u.id as user_id, t.id as ticket_id, t.requester_id from users u
              join tickets t on t.department_id = u.department_id
             where u.role = 'manager' and t.status <> 'closed' order by md5(t.id::text) limit $1`,
  admin: `select a.id as user_id, t.id as ticket_id, t.requester_id
            from (select id, row_number() over (order by id) as n from users where role = 'admin') a
            join (select id, requester_id, row_number() over (order by md5(id::text)) as n from tickets limit $1) t
              on (t.n % (select count(*) from users where role = 'admin')) + 1 = a.n`,
};

export async function loadFixtures(db: Queryable, perRole: number): Promise<Record<UserRole, Fixture[]>> {
  const result = {} as Record<UserRole, Fixture[]>;
  for (const role of ROLES) {
    const { rows } = await db.query<{ user_id: string; ticket_id: string; requester_id: string }>(QUERIES[role], [perRole]);
    if (rows.length === 0) throw new Error(`the bench data has no ${role} with a ticket to work on: generate more data`);
    result[role] = rows.map((row) => ({ role, userId: row.user_id, ticketId: row.ticket_id, requesterId: row.requester_id }));
  }
  return result;
}
