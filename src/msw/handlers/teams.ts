/**
 * `tf.teams` (examples/server/src/api/organisation/teams.ts): everyone signed in reads them;
 * admins create and delete them; admins and the managers of a team's department edit it, within
 * that department. Deleting a team takes its memberships with it; its tickets stay, without a team.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, notFound } from '../problems.js';
import { detachTeam, duplicate, isAdmin, mayUpdateTeam, missingReference, nameTaken, requireStaff } from '../rules/organisation.js';
import type { TeamRow } from '../store.js';
import type { Work } from '../world.js';
import { flag, id, idKey, page } from './shared.js';

const ListQuery = z.strictObject({
  ...page,
  department_id: id.optional(),
  is_active: flag.optional(),
  q: z.string().min(1).max(100).optional(),
});

const Params = z.strictObject({ team_id: idKey });

const MANAGERS_OF_DEPARTMENT = "Only admins and the managers of the team's department may change it, within that department.";

const lower = (value: string | null | undefined) => (typeof value === 'string' ? value.toLowerCase() : value);

/** The unique name, then the foreign keys in the order PostgreSQL checks them (department, lead). */
function checkRow(work: Work, row: TeamRow, before?: TeamRow): void {
  const { teams, departments, users } = work.world.store.tables;
  if (row.name !== before?.name && nameTaken(teams.all(), row.name, row.id)) throw duplicate();
  if (row.department_id !== null && row.department_id !== before?.department_id && !departments.get(row.department_id)) throw missingReference('department_id');
  if (row.lead_id !== null && row.lead_id !== before?.lead_id && !users.get(row.lead_id)) throw missingReference('lead_id');
}

export const teamHandlers: HandlerTable = {
  listTeams: {
    scope: 'directory',
    handle({ world, req }) {
      const query = req.query(ListQuery);
      const department = query.department_id?.toLowerCase();
      const needle = query.q?.toLowerCase();
      const rows = world.store.tables.teams.where(
        (row) =>
          (department === undefined || row.department_id === department) &&
          (query.is_active === undefined || row.is_active === query.is_active) &&
          (needle === undefined || row.name.toLowerCase().includes(needle)),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('teams', { department_id: query.department_id, is_active: query.is_active, q: query.q }),
          keyLength: 2,
          keyOf: (row) => [row.name, row.id],
          serialize: (row): components['schemas']['Team'] => row,
        }),
      );
    },
  },
  createTeam: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('createTeam');
      if (!isAdmin(work.me)) throw forbidden('Only admins may create teams.');
      const now = work.now();
      const row: TeamRow = {
        id: world.ids.uuid(),
        name: body.name,
        description: body.description ?? null,
        department_id: lower(body.department_id) ?? null,
        lead_id: lower(body.lead_id) ?? null,
        is_active: body.is_active ?? true,
        created_at: now,
        updated_at: now,
      };
      checkRow(work, row);
      requireStaff(world, row.lead_id, 'lead_id');
      const team = world.store.tables.teams.put(row);
      return created(team, { Location: `/v1/teams/${team.id}` });
    },
  },
  getTeam: {
    scope: 'directory',
    handle({ world, req }) {
      const { team_id } = req.params(Params);
      const team = world.store.tables.teams.get(team_id);
      if (!team) throw notFound('team');
      return ok(team);
    },
  },
  updateTeam: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { team_id } = req.params(Params);
      const body = req.json('updateTeam');
      const { teams } = world.store.tables;
      const team = teams.get(team_id);
      if (!team) throw notFound('team');
      // USING: the row must be the caller's to change; WITH CHECK: it must stay theirs (a manager
      // moving a team out of their department is refused, not ignored).
      if (!mayUpdateTeam(work.me, team)) throw forbidden(MANAGERS_OF_DEPARTMENT);
      const next: TeamRow = {
        ...team,
        ...(body.name === undefined ? {} : { name: body.name }),
        ...('description' in body ? { description: body.description ?? null } : {}),
        ...('department_id' in body ? { department_id: lower(body.department_id) ?? null } : {}),
        ...('lead_id' in body ? { lead_id: lower(body.lead_id) ?? null } : {}),
        ...(body.is_active === undefined ? {} : { is_active: body.is_active }),
        updated_at: work.now(),
      };
      if (!mayUpdateTeam(work.me, next)) throw forbidden(MANAGERS_OF_DEPARTMENT);
      checkRow(work, next, team);
      if ('lead_id' in body) requireStaff(world, next.lead_id, 'lead_id');
      return ok(teams.put(next));
    },
  },
  deleteTeam: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { team_id } = req.params(Params);
      const { teams } = world.store.tables;
      if (!teams.get(team_id)) throw notFound('team');
      if (!isAdmin(work.me)) throw forbidden('Only admins may delete teams.');
      detachTeam(work, team_id);
      teams.delete(team_id);
      return noContent();
    },
  },
};
