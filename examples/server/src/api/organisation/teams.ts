/**
 * Teams. Everyone signed in reads them; admins create and delete them; admins and the managers of
 * a team's department edit it (row-level security decides). Members are in ./team-members.ts.
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
import { forbiddenUnless, refusal } from '../../http/refusal.js';
import { flag, id, page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { requireStaff } from './staff.js';
import { teamMemberRoutes } from './team-members.js';

type Team = components['schemas']['Team'];

interface TeamRow {
  id: string;
  name: string;
  description: string | null;
  department_id: string | null;
  lead_id: string | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, description, department_id, lead_id, is_active, created_at, updated_at';

const toTeam = (row: TeamRow): Team => ({
  id: row.id,
  name: row.name,
  description: row.description,
  department_id: row.department_id,
  lead_id: row.lead_id,
  is_active: row.is_active,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

const name = z.string().trim().min(1).max(100);
const description = z.string().max(10_000).nullable();

const TeamCreate = conforms<components['schemas']['TeamCreate']>()(
  z.strictObject({
    name,
    description: description.optional(),
    department_id: id.nullable().optional(),
    lead_id: id.nullable().optional(),
    is_active: z.boolean().optional(),
  }),
);

const TeamUpdate = conforms<components['schemas']['TeamUpdate']>()(
  z
    .strictObject({
      name: name.optional(),
      description: description.optional(),
      department_id: id.nullable().optional(),
      lead_id: id.nullable().optional(),
      is_active: z.boolean().optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ListQuery = z.strictObject({
  ...page,
  department_id: id.optional(),
  is_active: flag.optional(),
  q: z.string().min(1).max(100).optional(),
});

const Params = z.strictObject({ team_id: id });

const MANAGERS_OF_DEPARTMENT = "Only admins and the managers of the team's department may change it, within that department.";

export function teamRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'))
    .route('/:team_id/members', teamMemberRoutes())
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { department_id: query.department_id, is_active: query.is_active, q: query.q };
      const print = fingerprint('teams', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await c.get('tx').query<TeamRow>(
        `select ${COLUMNS} from teams
          where ($1::uuid is null or department_id = $1)
            and ($2::boolean is null or is_active = $2)
            and ($3::text is null or strpos(lower(name), lower($3)) > 0)
            and ($4::text is null or (name, id) > ($4, $5::uuid))
          order by name, id
          limit $6`,
        [query.department_id ?? null, query.is_active ?? null, query.q ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.name, row.id], toTeam));
    })
    .post('/', async (c) => {
      const body = await readJson(c, TeamCreate);
      const tx = c.get('tx');
      const { rows } = await forbiddenUnless(
        tx.query<TeamRow>(
          `insert into teams (name, description, department_id, lead_id, is_active)
         values ($1, $2, $3, $4, coalesce($5, true))
         returning ${COLUMNS}`,
          [body.name, body.description ?? null, body.department_id ?? null, body.lead_id ?? null, body.is_active ?? null],
        ),
        'Only admins may create teams.',
      );
      await requireStaff(tx, body.lead_id, 'lead_id');
      const team = toTeam(rows[0]!);
      return c.json(team, 201, { Location: `/v1/teams/${team.id}` });
    })
    .get('/:team_id', async (c) => {
      const { team_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<TeamRow>(`select ${COLUMNS} from teams where id = $1`, [team_id]);
      if (!rows[0]) throw notFound('team');
      return c.json(toTeam(rows[0]));
    })
    .patch('/:team_id', async (c) => {
      const { team_id } = readParams(c, Params);
      const body = await readJson(c, TeamUpdate);
      const tx = c.get('tx');
      // A manager moving a team out of their department fails the policy's WITH CHECK (an error,
      // not a silent no-op); anyone else's update matches no row.
      const { rows } = await forbiddenUnless(
        tx.query<TeamRow>(
          `update teams set
           name = coalesce($2, name),
           description = case when $3 then $4 else description end,
           department_id = case when $5 then $6::uuid else department_id end,
           lead_id = case when $7 then $8::uuid else lead_id end,
           is_active = coalesce($9, is_active)
         where id = $1
         returning ${COLUMNS}`,
          [
            team_id,
            body.name ?? null,
            'description' in body,
            body.description ?? null,
            'department_id' in body,
            body.department_id ?? null,
            'lead_id' in body,
            body.lead_id ?? null,
            body.is_active ?? null,
          ],
        ),
        MANAGERS_OF_DEPARTMENT,
      );
      if (!rows[0]) {
        throw await refusal(tx, 'teams', team_id, 'team', MANAGERS_OF_DEPARTMENT);
      }
      await requireStaff(tx, body.lead_id, 'lead_id');
      return c.json(toTeam(rows[0]));
    })
    .delete('/:team_id', async (c) => {
      const { team_id } = readParams(c, Params);
      const tx = c.get('tx');
      const { rowCount } = await tx.query('delete from teams where id = $1', [team_id]);
      if (rowCount === 0) throw await refusal(tx, 'teams', team_id, 'team', 'Only admins may delete teams.');
      return c.body(null, 204);
    });
}
