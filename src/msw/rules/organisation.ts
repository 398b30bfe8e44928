/**
 * The reference server's rules for departments, teams and their members, categories, tags and
 * the company settings (examples/server/migrations/0002, 0003 and 0011; src/api/organisation):
 * who may write each table (everyone signed in reads them, team members only staff), the unique
 * names, the people who must be staff, and what deleting a row does to the rows that refer to it
 * (`ON DELETE SET NULL` and `CASCADE`, with the ticket triggers those updates fire).
 */
import { MockProblem } from '../problems.js';
import type { TeamRow, TicketRow } from '../store.js';
import { isStaff, type Actor, type Work, type World } from '../world.js';
import { updateTicketAsSystem, type TicketChange } from './tickets.js';
import { emit, recordHistory } from './trail.js';

/** departments_write_admin, teams_insert_admin, teams_delete_admin, company_settings_update_admin. */
export const isAdmin = (actor: Actor) => actor.role === 'admin';

/** teams_update (USING and WITH CHECK alike): admins, and managers for a team of their department. */
export const mayUpdateTeam = (actor: Actor, team: Pick<TeamRow, 'department_id'>) =>
  isAdmin(actor) || (actor.role === 'manager' && actor.departmentId !== null && team.department_id === actor.departmentId);

/** team_members_write: admins, and managers for the members of a team of their department. */
export function mayWriteMembers(world: World, actor: Actor, teamId: string): boolean {
  const team = world.store.tables.teams.get(teamId);
  return isAdmin(actor) || (team !== undefined && actor.role === 'manager' && actor.departmentId !== null && team.department_id === actor.departmentId);
}

/** team_members_select: staff only (a customer's list is empty). */
export const maySeeMembers = (actor: Actor) => isStaff(actor);

/** categories_write, tags_update and tags_delete: managers and admins. */
export const isManagerOrAdmin = (actor: Actor) => actor.role === 'manager' || actor.role === 'admin';

/**
 * A unique index refusing a second row: the server's 409. PostgreSQL leaves the key out of the
 * error of a table with row-level security (all of these), so the server cannot name the field.
 */
export const duplicate = () => new MockProblem(409, 'conflict', 'A record with these values already exists.');

/** True when another row of `rows` has `name`, compared as `lower(name)` is. */
export const nameTaken = (rows: readonly { id: string; name: string }[], name: string, except?: string) =>
  rows.some((row) => row.id !== except && row.name.toLowerCase() === name.toLowerCase());

/** A person field naming no user (staff.ts). */
export const unknownUser = (field: string) =>
  new MockProblem(422, 'unprocessable', `${field} does not refer to an existing user.`, [{ location: 'body', path: field, message: 'no such user' }]);

/**
 * People who run departments and teams must be staff (the routes check it after their write, so a
 * caller who may not write at all hears 403 first). A user who does not exist is the foreign key's
 * 422, answered by the caller before this.
 */
export function requireStaff(world: World, userId: string | null | undefined, field: string): void {
  if (!userId) return;
  const user = world.store.tables.users.get(userId);
  if (!user) throw unknownUser(field);
  if (user.role === 'customer') {
    throw new MockProblem(422, 'unprocessable', `${field} must be a staff member (agent, manager or admin), not a customer.`, [
      { location: 'body', path: field, message: 'must be a staff member' },
    ]);
  }
}

/** A foreign key to a row that does not exist: the server's generic 422 naming the column. */
export const missingReference = (field: string) => new MockProblem(422, 'unprocessable', `${field} does not refer to an existing record.`);

/** Sets `change` on every ticket `which` picks, as the foreign key's action does: the ticket triggers run (history, version, events). */
function updateTickets(work: Work, which: (ticket: TicketRow) => boolean, change: TicketChange): void {
  for (const ticket of work.world.store.tables.tickets.where(which)) updateTicketAsSystem(work, ticket, change);
}

/** What deleting a department does: users, teams, tickets and invitations stay, without a department. */
export function detachDepartment(work: Work, departmentId: string): void {
  const { users, teams, invitations } = work.world.store.tables;
  const now = work.now();
  for (const user of users.where((row) => row.department_id === departmentId)) users.put({ ...user, department_id: null, updated_at: now });
  for (const team of teams.where((row) => row.department_id === departmentId)) teams.put({ ...team, department_id: null, updated_at: now });
  updateTickets(work, (ticket) => ticket.department_id === departmentId, { department_id: null });
  for (const invitation of invitations.where((row) => row.department_id === departmentId)) invitations.put({ ...invitation, department_id: null });
}

/** What deleting a team does: its memberships go, its tickets stay without a team. */
export function detachTeam(work: Work, teamId: string): void {
  const { teamMembers } = work.world.store.tables;
  for (const member of teamMembers.where((row) => row.team_id === teamId)) teamMembers.delete(member.id);
  updateTickets(work, (ticket) => ticket.team_id === teamId, { team_id: null });
}

/** What deleting a category does: its tickets stay without a category; SLA policies for it go. */
export function detachCategory(work: Work, categoryId: string): void {
  updateTickets(work, (ticket) => ticket.category_id === categoryId, { category_id: null });
  const { slaPolicies } = work.world.store.tables;
  for (const policy of slaPolicies.where((row) => row.category_id === categoryId)) slaPolicies.delete(policy.id);
}

/** What deleting a tag does: it comes off every ticket, each removal written as ticket_tags' trigger writes it. */
export function detachTag(work: Work, tagId: string): void {
  const { tickets } = work.world.store.tables;
  for (const ticket of tickets.where((row) => row.tag_ids.includes(tagId))) {
    tickets.put({ ...ticket, tag_ids: ticket.tag_ids.filter((tag) => tag !== tagId) });
    recordHistory(work, ticket.id, 'field_updated', 'tags', tagId, null, true);
    emit(work, 'ticket.untagged', ticket.id, true, { tag_id: tagId });
  }
}
