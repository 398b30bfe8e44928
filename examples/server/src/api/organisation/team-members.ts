/**
 * A team's members, mounted under /v1/teams/:team_id/members. Only staff can read memberships and
 * only admins and the managers of the team's department change them (row-level security decides:
 * for a customer the list is simply empty). Members must be staff, which the routes check.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import type { UserRole } from '../../db/actor.js';
import type { Queryable } from '../../db/database.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';
import { id, page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { forbiddenUnless } from '../../http/refusal.js';

type TeamMember = components['schemas']['TeamMember'];
type TeamMemberRole = components['schemas']['TeamMemberRole'];

interface MemberRow {
  team_id: string;
  user_id: string;
  role: TeamMemberRole;
  joined_at: Date;
  joined_key: string;
  email: string;
  first_name: string;
  last_name: string;
  user_role: UserRole;
}

/** A membership joined with who the member is; `m` is team_members, `u` users. */
const SELECT_MEMBER = `
  select m.team_id, m.user_id, m.role, m.joined_at, m.joined_at::text as joined_key,
         u.email, u.first_name, u.last_name, u.role as user_role
    from team_members m join users u on u.id = m.user_id`;

const toMember = (row: MemberRow): TeamMember => ({
  team_id: row.team_id,
  user_id: row.user_id,
  role: row.role,
  joined_at: iso(row.joined_at),
  user: { email: row.email, first_name: row.first_name, last_name: row.last_name, role: row.user_role },
});

const memberRole = z.enum(['member', 'lead']);

const TeamMemberPut = conforms<components['schemas']['TeamMemberPut']>()(z.strictObject({ role: memberRole.optional() }));

const ListQuery = z.strictObject({ ...page, role: memberRole.optional() });

const TeamParams = z.strictObject({ team_id: id });
const MemberParams = z.strictObject({ team_id: id, user_id: id });

const MANAGERS_ONLY = "Only admins and the managers of the team's department may change its members.";

async function requireTeam(tx: Queryable, teamId: string): Promise<void> {
  const { rows } = await tx.query('select 1 from teams where id = $1', [teamId]);
  if (rows.length === 0) throw notFound('team');
}

async function findMember(tx: Queryable, teamId: string, userId: string): Promise<MemberRow | undefined> {
  const { rows } = await tx.query<MemberRow>(`${SELECT_MEMBER} where m.team_id = $1 and m.user_id = $2`, [teamId, userId]);
  return rows[0];
}

export function teamMemberRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { team_id } = readParams(c, TeamParams);
      const query = readQuery(c, ListQuery);
      const tx = c.get('tx');
      await requireTeam(tx, team_id);
      const print = fingerprint('team_members', { team_id, role: query.role });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await tx.query<MemberRow>(
        `${SELECT_MEMBER}
          where m.team_id = $1
            and ($2::text is null or m.role = $2)
            and ($3::timestamptz is null or (m.joined_at, m.user_id) > ($3, $4::uuid))
          order by m.joined_at, m.user_id
          limit $5`,
        [team_id, query.role ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.joined_key, row.user_id], toMember));
    })
    .get('/:user_id', async (c) => {
      const { team_id, user_id } = readParams(c, MemberParams);
      const member = await findMember(c.get('tx'), team_id, user_id);
      if (!member) throw new Problem(404, 'not_found', 'This user is not a member of this team, or there is no such team.');
      return c.json(toMember(member));
    })
    .put('/:user_id', async (c) => {
      const { team_id, user_id } = readParams(c, MemberParams);
      const body = await readJson(c, TeamMemberPut);
      const tx = c.get('tx');
      await requireTeam(tx, team_id);
      const { rows: users } = await tx.query<{ role: UserRole }>('select role from users where id = $1', [user_id]);
      if (!users[0]) throw notFound('user');
      // The policy refuses the write (42501, a 403) unless the caller manages the team. Only then
      // is the member's role worth checking, so a caller who may not write learns nothing more.
      const { rows } = await forbiddenUnless(
        tx.query<{ inserted: boolean }>(
          // xmax is 0 on a freshly inserted row version, set when the upsert updated an existing one.
          `insert into team_members (team_id, user_id, role) values ($1, $2, $3)
           on conflict (team_id, user_id) do update set role = excluded.role
           returning (xmax = 0) as inserted`,
          [team_id, user_id, body.role ?? 'member'],
        ),
        MANAGERS_ONLY,
      );
      if (users[0].role === 'customer') {
        throw new Problem(422, 'unprocessable', 'Only staff (agents, managers and admins) can be team members, not customers.', [
          { location: 'path', path: 'user_id', message: 'must be a staff member' },
        ]);
      }
      const member = toMember((await findMember(tx, team_id, user_id))!);
      if (rows[0]!.inserted) return c.json(member, 201, { Location: `/v1/teams/${team_id}/members/${user_id}` });
      return c.json(member, 200);
    })
    .delete('/:user_id', async (c) => {
      const { team_id, user_id } = readParams(c, MemberParams);
      const tx = c.get('tx');
      const { rowCount } = await tx.query('delete from team_members where team_id = $1 and user_id = $2', [team_id, user_id]);
      if (rowCount > 0) return c.body(null, 204);
      // Nothing deleted: either there is no such membership (for this caller), or they may not.
      if (await findMember(tx, team_id, user_id)) throw forbidden(MANAGERS_ONLY);
      throw new Problem(404, 'not_found', 'This user is not a member of this team, or there is no such team.');
    });
}
