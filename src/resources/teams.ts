/** `tf.teams`: teams and their members. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions, Transport } from '../core/transport.js';

/**
 * `tf.teams.members`: who is in a team, and as what (`member` or `lead`).
 *
 * @example
 * ```ts
 * await tf.teams.members.add(teamId, agentId, { role: 'member' });
 * for await (const member of tf.teams.members.list(teamId)) console.log(member.user.email, member.role);
 * ```
 */
export class TeamMembers extends Resource {
  /**
   * A team's members, longest-standing first (staff; a customer sees none).
   *
   * @example
   * ```ts
   * for await (const member of tf.teams.members.list(teamId, { role: 'lead' })) console.log(member.user.email);
   * ```
   */
  list(teamId: string, query?: ListQueryOf<'listTeamMembers'>, options?: RequestOptions): PagePromise<ItemOf<'listTeamMembers'>> {
    return this.paginate({ operation: 'listTeamMembers', method: 'GET', path: path`/v1/teams/${teamId}/members`, query, options });
  }

  /**
   * One membership: a `NotFoundError` when the user is not in the team.
   *
   * @example
   * ```ts
   * const { role, joined_at } = await tf.teams.members.get(teamId, userId);
   * ```
   */
  get(teamId: string, userId: string, options?: RequestOptions): APIPromise<ResultOf<'getTeamMember'>> {
    return this.call({ operation: 'getTeamMember', method: 'GET', path: path`/v1/teams/${teamId}/members/${userId}`, options });
  }

  /**
   * Puts a staff member in the team with the given role, or changes the role of a member
   * (admins, and managers for their own department's teams).
   *
   * @example
   * ```ts
   * await tf.teams.members.add(teamId, userId, { role: 'lead' });
   * ```
   */
  add(teamId: string, userId: string, body: BodyOf<'addTeamMember'>, options?: RequestOptions): APIPromise<ResultOf<'addTeamMember'>> {
    return this.call({ operation: 'addTeamMember', method: 'PUT', path: path`/v1/teams/${teamId}/members/${userId}`, body, options });
  }

  /**
   * Takes a member out of the team (admins, and managers for their own department's teams).
   *
   * @example
   * ```ts
   * await tf.teams.members.remove(teamId, userId);
   * ```
   */
  remove(teamId: string, userId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'removeTeamMember', method: 'DELETE', path: path`/v1/teams/${teamId}/members/${userId}`, options });
  }
}

/**
 * `tf.teams`: teams: everyone signed in reads them, admins create and delete them, managers edit
 * their department's.
 *
 * @example
 * ```ts
 * const team = await tf.teams.create({ name: 'Network', department_id: departmentId });
 * await tf.teams.members.add(team.id, agentId, { role: 'lead' });
 * ```
 */
export class Teams extends Resource {
  /** A team's members. */
  readonly members: TeamMembers;

  constructor(transport: Transport) {
    super(transport);
    this.members = new TeamMembers(transport);
  }

  /**
   * The teams, by name.
   *
   * @example
   * ```ts
   * for await (const team of tf.teams.list({ department_id: departmentId })) console.log(team.name);
   * ```
   */
  list(query?: ListQueryOf<'listTeams'>, options?: RequestOptions): PagePromise<ItemOf<'listTeams'>> {
    return this.paginate({ operation: 'listTeams', method: 'GET', path: '/v1/teams', query, options });
  }

  /**
   * Creates a team (admins only).
   *
   * @example
   * ```ts
   * const team = await tf.teams.create({ name: 'Network', department_id: departmentId, lead_id: agentId });
   * ```
   */
  create(body: BodyOf<'createTeam'>, options?: RequestOptions): APIPromise<ResultOf<'createTeam'>> {
    return this.call({ operation: 'createTeam', method: 'POST', path: '/v1/teams', body, options });
  }

  /**
   * One team.
   *
   * @example
   * ```ts
   * const team = await tf.teams.get(teamId);
   * ```
   */
  get(teamId: string, options?: RequestOptions): APIPromise<ResultOf<'getTeam'>> {
    return this.call({ operation: 'getTeam', method: 'GET', path: path`/v1/teams/${teamId}`, options });
  }

  /**
   * Changes the given fields of a team (`null` clears one; admins, and managers within their department).
   *
   * @example
   * ```ts
   * await tf.teams.update(teamId, { lead_id: null });
   * ```
   */
  update(teamId: string, body: BodyOf<'updateTeam'>, options?: RequestOptions): APIPromise<ResultOf<'updateTeam'>> {
    return this.call({ operation: 'updateTeam', method: 'PATCH', path: path`/v1/teams/${teamId}`, body, options });
  }

  /**
   * Deletes a team with its memberships (admins only).
   *
   * @example
   * ```ts
   * await tf.teams.delete(teamId);
   * ```
   */
  delete(teamId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteTeam', method: 'DELETE', path: path`/v1/teams/${teamId}`, options });
  }
}
