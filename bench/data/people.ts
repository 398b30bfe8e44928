/**
 * Departments, teams and users per role, written to the loader and kept in memory: tickets need to
 * know who may file, be assigned and lead what.
 */
import type { Loader } from './loader.js';
import type { Random } from './random.js';
import type { Scale } from './scale.js';

export interface Team {
  id: string;
  departmentId: string;
  agents: string[];
}

export interface People {
  departments: string[];
  teams: Team[];
  customers: string[];
  agents: string[];
  managers: { id: string; departmentId: string }[];
  admins: string[];
}

const DEPARTMENTS = ['Service Desk', 'Infrastructure', 'Billing', 'Security', 'Platform', 'Field Services', 'Networks', 'Data', 'Facilities', 'Identity'];
const TEAM_NAMES = ['First Line', 'Second Line', 'Escalations', 'Night Shift', 'Specialists'];
const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Eva', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jon', 'Kira', 'Liam', 'Mei', 'Nina', 'Omar', 'Pia'];
const LAST = ['Meyer', 'Okafor', 'Rossi', 'Nguyen', 'Silva', 'Kowalski', 'Haddad', 'Larsen', 'Tanaka', 'Dubois', 'Patel', 'Novak'];

/** The password of every generated user, so that anyone can sign in to a bench database. */
export const BENCH_PASSWORD = 'bench-password-1234';

export async function writePeople(loader: Loader, random: Random, scale: Scale, passwordHash: string, now: number): Promise<People> {
  const day = 86_400_000;
  const departments = Array.from({ length: scale.departments }, () => random.uuid());
  const managers = Array.from({ length: scale.managers }, (_, i) => ({ id: random.uuid(), departmentId: departments[i % departments.length]! }));
  const teams: Team[] = [];
  for (const departmentId of departments) {
    for (let t = 0; t < scale.teamsPerDepartment; t += 1) teams.push({ id: random.uuid(), departmentId, agents: [] });
  }
  const agents = Array.from({ length: scale.agents }, () => random.uuid());
  agents.forEach((id, i) => teams[i % teams.length]!.agents.push(id));
  const admins = Array.from({ length: scale.admins }, () => random.uuid());
  const customers = Array.from({ length: scale.customers }, () => random.uuid());

  const users = await loader.writer('users', [
    'id', 'email', 'password_hash', 'first_name', 'last_name', 'role', 'department_id', 'is_active', 'is_approved',
    'is_email_verified', 'last_login_at', 'created_at', 'updated_at',
  ]);
  const writeUser = async (id: string, role: string, n: number, departmentId: string | null) => {
    const created = new Date(now - random.int(scale.days + 30) * day).toISOString();
    const login = random.chance(0.8) ? new Date(now - random.int(30) * day).toISOString() : null;
    await users.write([
      id, `${role}${n}@bench.example.com`, passwordHash, random.pick(FIRST), random.pick(LAST), role, departmentId,
      true, true, true, login, created, created,
    ]);
  };
  for (const [i, id] of admins.entries()) await writeUser(id, 'admin', i, null);
  for (const [i, manager] of managers.entries()) await writeUser(manager.id, 'manager', i, manager.departmentId);
  for (const [i, id] of agents.entries()) await writeUser(id, 'agent', i, teams[i % teams.length]!.departmentId);
  for (const [i, id] of customers.entries()) await writeUser(id, 'customer', i, null);
  await users.end();

  const departmentRows = await loader.writer('departments', ['id', 'name', 'description', 'manager_id']);
  for (const [i, id] of departments.entries()) {
    const name = DEPARTMENTS[i % DEPARTMENTS.length]! + (i >= DEPARTMENTS.length ? ` ${Math.floor(i / DEPARTMENTS.length) + 1}` : '');
    await departmentRows.write([id, name, `The ${name} department`, managers.find((m) => m.departmentId === id)?.id ?? null]);
  }
  await departmentRows.end();

  const teamRows = await loader.writer('teams', ['id', 'name', 'department_id', 'lead_id']);
  const members = await loader.writer('team_members', ['team_id', 'user_id', 'role']);
  for (const [i, team] of teams.entries()) {
    const lead = managers.find((m) => m.departmentId === team.departmentId);
    await teamRows.write([team.id, `${TEAM_NAMES[i % TEAM_NAMES.length]} ${i + 1}`, team.departmentId, lead?.id ?? null]);
    for (const agent of team.agents) await members.write([team.id, agent, 'member']);
    if (lead) await members.write([team.id, lead.id, 'lead']);
  }
  await teamRows.end();
  await members.end();
  return { departments, teams, customers, agents, managers, admins };
}
