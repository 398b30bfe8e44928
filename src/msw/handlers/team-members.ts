/**
 * `tf.teams.members` (examples/server/src/api/organisation/team-members.ts): only staff read
 * memberships (a customer's list is empty); admins and the managers of the team's department add,
 * re-role and remove members, who must be staff. Putting a member again sets the role and keeps
 * when they joined.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import { canSeeUser } from '../rules/policies.js';
import { maySeeMembers, mayWriteMembers } from '../rules/organisation.js';
import type { TeamMemberRow } from '../store.js';
import type { Actor, World } from '../world.js';
import { idKey, page } from './shared.js';

type TeamMember = components['schemas']['TeamMember'];

const memberRole = z.enum(['member', 'lead']);

const ListQuery = z.strictObject({ ...page, role: memberRole.optional() });

const TeamParams = z.strictObject({ team_id: idKey });
const MemberParams = z.strictObject({ team_id: idKey, user_id: idKey });

const MANAGERS_ONLY = "Only admins and the managers of the team's department may change its members.";

const noSuchMember = () => new MockProblem(404, 'not_found', 'This user is not a member of this team, or there is no such team.');

const memberId = (teamId: string, userId: string) => `${teamId} ${userId}`;

/** A membership joined with who the member is. */
function toMember(world: World, row: TeamMemberRow): TeamMember {
  const user = world.store.tables.users.get(row.user_id)!;
  return {
    team_id: row.team_id,
    user_id: row.user_id,
    role: row.role,
    joined_at: row.joined_at,
    user: { email: user.email, first_name: user.first_name, last_name: user.last_name, role: user.role },
  };
}

/** The membership, if the caller may read memberships. */
function findMember(world: World, actor: Actor, teamId: string, userId: string): TeamMemberRow | undefined {
  return maySeeMembers(actor) ? world.store.tables.teamMembers.get(memberId(teamId, userId)) : undefined;
}

function requireTeam(world: World, teamId: string): void {
  if (!world.store.tables.teams.get(teamId)) throw notFound('team');
}

export const teamMemberHandlers: HandlerTable = {
  listTeamMembers: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { team_id } = req.params(TeamParams);
      const query = req.query(ListQuery);
      requireTeam(world, team_id);
      const rows = maySeeMembers(work.me)
        ? world.store.tables.teamMembers.where((row) => row.team_id === team_id && (query.role === undefined || row.role === query.role))
        : [];
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('team_members', { team_id, role: query.role }),
          keyLength: 2,
          keyOf: (row) => [row.joined_at, row.user_id],
          serialize: (row) => toMember(world, row),
        }),
      );
    },
  },
  getTeamMember: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { team_id, user_id } = req.params(MemberParams);
      const member = findMember(world, work.me, team_id, user_id);
      if (!member) throw noSuchMember();
      return ok(toMember(world, member));
    },
  },
  addTeamMember: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { team_id, user_id } = req.params(MemberParams);
      const body = req.json('addTeamMember');
      requireTeam(world, team_id);
      const user = world.store.tables.users.get(user_id);
      if (!user || !canSeeUser(work.me, user)) throw notFound('user');
      // The policy refuses the write unless the caller manages the team; only then is the
      // member's role worth checking, so a caller who may not write learns nothing more.
      if (!mayWriteMembers(world, work.me, team_id)) throw forbidden(MANAGERS_ONLY);
      if (user.role === 'customer') {
        throw new MockProblem(422, 'unprocessable', 'Only staff (agents, managers and admins) can be team members, not customers.', [
          { location: 'path', path: 'user_id', message: 'must be a staff member' },
        ]);
      }
      const { teamMembers } = world.store.tables;
      const existing = teamMembers.get(memberId(team_id, user_id));
      const role = body.role ?? 'member';
      const row = teamMembers.put(existing ? { ...existing, role } : { id: memberId(team_id, user_id), team_id, user_id, role, joined_at: work.now() });
      const member = toMember(world, row);
      return existing ? ok(member) : created(member, { Location: `/v1/teams/${team_id}/members/${user_id}` });
    },
  },
  removeTeamMember: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { team_id, user_id } = req.params(MemberParams);
      const member = findMember(world, work.me, team_id, user_id);
      if (!member) throw noSuchMember();
      if (!mayWriteMembers(world, work.me, team_id)) throw forbidden(MANAGERS_ONLY);
      world.store.tables.teamMembers.delete(member.id);
      return noContent();
    },
  },
};
