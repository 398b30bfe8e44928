/**
 * Who an escalation reaches at each level: the chain of responsibility above a ticket.
 *
 * | level | reaches                                                              |
 * |-------|----------------------------------------------------------------------|
 * | 1     | the assignee                                                         |
 * | 2     | the ticket's team lead(s): the team's `lead_id` and members with role `lead` |
 * | 3     | the department manager (the ticket's department, else its team's)    |
 * | 4, 5  | every admin                                                          |
 *
 * A tier with nobody in it (no assignee, no team, no manager) passes to the next one up, so an
 * escalation always reaches someone while an active admin exists. Only active staff are returned.
 * Runs as the engine (the owner), which sees every row.
 */
import type { Queryable } from '../db/database.js';

export const MAX_ESCALATION_LEVEL = 5;

/** The tier of the chain a level reaches (levels above 4 reach the admins, as 4 does). */
const tierOf = (level: number) => Math.min(Math.max(level, 1), 4);

/** The user ids an escalation of `ticketId` at `level` goes to, most directly responsible first. */
export async function escalationChain(tx: Queryable, ticketId: string, level: number): Promise<string[]> {
  const { rows } = await tx.query<{ tier: number; user_id: string }>(
    `with ticket as (
       select t.assignee_id, t.team_id, coalesce(t.department_id, tm.department_id) as department_id
         from tickets t left join teams tm on tm.id = t.team_id
        where t.id = $1),
     candidates (tier, user_id, rank) as (
       select 1, assignee_id, 0 from ticket
       union all select 2, tm.lead_id, 0 from ticket join teams tm on tm.id = ticket.team_id
       union all select 2, m.user_id, 1 from ticket join team_members m on m.team_id = ticket.team_id and m.role = 'lead'
       union all select 3, d.manager_id, 0 from ticket join departments d on d.id = ticket.department_id
       union all select 4, u.id, 0 from users u where u.role = 'admin')
     select c.tier, c.user_id
       from candidates c join users u on u.id = c.user_id
      where u.is_active and u.role in ('agent', 'manager', 'admin')
      group by c.tier, c.user_id
      order by c.tier, min(c.rank), min(u.created_at), c.user_id`,
    [ticketId],
  );
  for (let tier = tierOf(level); tier <= 4; tier += 1) {
    const reached = rows.filter((row) => row.tier === tier).map((row) => row.user_id);
    if (reached.length > 0) return reached;
  }
  return [];
}
