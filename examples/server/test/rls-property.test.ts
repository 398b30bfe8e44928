/**
 * RLS, property-based: random actors run random sequences of ticket actions (create, assign, change
 * status, comment). Each action must be accepted or refused as the reference model in
 * support/visibility-model.ts predicts, and after every step each of the six users must read exactly
 * the tickets and comments the model says they may see. Every run is one rolled-back transaction,
 * so runs start from the same people and no tickets.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindActor } from '../src/db/actor.js';
import type { Queryable } from '../src/db/database.js';
import { engines, createTestDatabase, inRolledBackTransaction, type TestDatabase } from './support/test-database.js';
import {
  NEXT_STATUSES, PEOPLE, STATUSES, USERS, predictComment, predictCreateTicket, predictUpdate, visibleTo,
  type DepartmentKey, type Outcome, type State, type Status, type TeamKey, type Ticket, type UserKey,
} from './support/visibility-model.js';

interface Ids {
  users: Record<UserKey, string>;
  departments: Record<DepartmentKey, string>;
  teams: Record<TeamKey, string>;
}

/** Tickets are picked by index, modulo how many the run has made so far. */
type Action =
  | { kind: 'create'; actor: UserKey; requester: UserKey; department: DepartmentKey | null; team: TeamKey | null }
  | { kind: 'assign'; actor: UserKey; ticket: number; assignee: UserKey | null }
  // A number picks one of the statuses the workflow allows next, so runs get past in_progress;
  // a status is arbitrary and mostly refused.
  | { kind: 'transition'; actor: UserKey; ticket: number; to: Status | number }
  | { kind: 'comment'; actor: UserKey; ticket: number; internal: boolean };

const actor = fc.constantFrom(...USERS);
const ticketIndex = fc.nat({ max: 20 });
const createTicket = fc.record({
  kind: fc.constant('create'),
  actor,
  requester: fc.constantFrom<UserKey>('customer', 'customer2'),
  department: fc.constantFrom<DepartmentKey | null>(null, 'support', 'infra'),
  team: fc.constantFrom<TeamKey | null>(null, 'alpha', 'beta'),
});
// Creating is rarer than acting on tickets, so a run works a few tickets through their lifecycle
// rather than opening many.
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 1, arbitrary: createTicket },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('assign'),
      actor,
      ticket: ticketIndex,
      assignee: fc.constantFrom<UserKey | null>(null, 'admin', 'manager', 'agent', 'agent2'),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('transition'),
      actor,
      ticket: ticketIndex,
      to: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...STATUSES) }, { weight: 3, arbitrary: fc.nat({ max: 1 }) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('comment'), actor, ticket: ticketIndex, internal: fc.boolean() }) },
);
// Runs open with a ticket, so the steps after it have something to act on.
const scenario = fc
  .tuple(createTicket, fc.array(action, { maxLength: 29, size: 'max' }))
  .map(([first, rest]): Action[] => [first, ...rest]);

const REFUSALS: Record<string, Outcome> = { '42501': 'denied', '23514': 'invalid' };

describe.each(engines)('RLS property on %s', (engine) => {
  let test: TestDatabase;
  let ids: Ids;
  const outcomes: Record<Outcome, number> = { accepted: 0, filtered: 0, denied: 0, invalid: 0 };
  let checks = 0;

  beforeAll(async () => {
    test = await createTestDatabase(engine);
    ids = await test.db.transaction(createPeople);
  });
  afterAll(async () => {
    const steps = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
    console.log(`RLS property on ${engine}: ${steps} steps ${JSON.stringify(outcomes)}, ${checks} visibility checks`);
    await test.drop();
  });

  it('every actor sees what the model says, after every step of random action sequences', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (actions) =>
        inRolledBackTransaction(test.db, async (tx) => {
          const state: State = { tickets: [], comments: [] };
          const trail: string[] = [];
          for (const next of actions) {
            const step = await perform(tx, ids, state, next);
            if (!step) continue;
            outcomes[step.actual] += 1;
            trail.push(`${step.description}: expected ${step.expected}, got ${step.actual}`);
            const history = trail.map((line, index) => `${index + 1}. ${line}`).join('\n');
            expect(step.actual, `outcome of the last step:\n${history}`).toBe(step.expected);
            const seen = await readAsEveryone(tx, ids, state);
            checks += USERS.length;
            expect(seen, `visibility after:\n${history}`).toEqual(Object.fromEntries(USERS.map((user) => [user, visibleTo(state, user)])));
          }
        }),
      ),
      { numRuns: 50 },
    );
  });
});

/** Runs one action against the database and, when the database accepts it, against the model too. */
async function perform(
  tx: Queryable, ids: Ids, state: State, action: Action,
): Promise<{ description: string; expected: Outcome; actual: Outcome } | undefined> {
  const who = action.actor;
  const userId = ids.users[who];
  if (action.kind === 'create') {
    const ticket: Ticket = {
      id: randomUUID(), label: `T${state.tickets.length + 1}`, requester: action.requester, createdBy: who, assignee: null,
      department: action.department, team: action.team, status: 'new',
    };
    const expected = predictCreateTicket(who, ticket);
    // created_by is left to its default, the actor, as the API does.
    const actual = await attempt(tx, userId, 'insert into tickets (id, title, requester_id, department_id, team_id) values ($1, $2, $3, $4, $5)', [
      ticket.id, 'Property ticket', ids.users[ticket.requester],
      ticket.department && ids.departments[ticket.department], ticket.team && ids.teams[ticket.team],
    ]);
    if (actual === 'accepted') state.tickets.push(ticket);
    const description = `${who} creates ${ticket.label} for ${ticket.requester} in ${ticket.department ?? '-'}/${ticket.team ?? '-'}`;
    return { description, expected, actual };
  }

  const before = state.tickets[action.ticket % state.tickets.length];
  if (!before) return undefined;
  if (action.kind === 'comment') {
    const label = `C${state.comments.length + 1}`;
    const id = randomUUID();
    const expected = predictComment(who, before, action.internal);
    const actual = await attempt(tx, userId, "insert into comments (id, ticket_id, body, is_internal) values ($1, $2, 'A comment', $3)", [
      id, before.id, action.internal,
    ]);
    if (actual === 'accepted') state.comments.push({ id, label, ticket: before, internal: action.internal, author: who });
    return { description: `${who} adds ${action.internal ? 'internal' : 'public'} ${label} on ${before.label}`, expected, actual };
  }

  let after: Ticket;
  let description: string;
  let sql: string;
  let params: unknown[];
  if (action.kind === 'assign') {
    after = { ...before, assignee: action.assignee, status: before.status === 'new' ? 'open' : before.status };
    description = `${who} assigns ${before.label} (${summary(before)}) to ${action.assignee ?? 'nobody'}`;
    sql = "update tickets set assignee_id = $2, status = case when status = 'new' then 'open' else status end where id = $1";
    params = [before.id, action.assignee && ids.users[action.assignee]];
  } else {
    const choices = NEXT_STATUSES[before.status];
    const to = typeof action.to === 'number' ? (choices[action.to % choices.length] ?? before.status) : action.to;
    after = { ...before, status: to };
    description = `${who} moves ${before.label} (${summary(before)}) to ${to}`;
    sql = 'update tickets set status = $2 where id = $1';
    params = [before.id, to];
  }
  const expected = predictUpdate(who, before, after);
  const actual = await attempt(tx, userId, sql, params);
  // Comments hold their ticket by reference, so update it in place.
  if (actual === 'accepted') Object.assign(before, after);
  return { description, expected, actual };
}

const summary = (ticket: Ticket) =>
  `${ticket.status}, requester ${ticket.requester}, by ${ticket.createdBy}, assignee ${ticket.assignee ?? '-'}, ${ticket.department ?? '-'}/${ticket.team ?? '-'}`;

/**
 * Runs one statement as the user inside a savepoint. Refusals the model knows about become
 * outcomes; any other error fails the test. An UPDATE that reaches no row is `filtered`.
 */
async function attempt(tx: Queryable, userId: string, sql: string, params: unknown[]): Promise<Outcome> {
  await bindActor(tx, { userId });
  await tx.exec('savepoint step');
  try {
    const { rowCount } = await tx.query(sql, params);
    await tx.exec('release savepoint step');
    return rowCount === 0 ? 'filtered' : 'accepted';
  } catch (error) {
    await tx.exec('rollback to savepoint step');
    const refusal = REFUSALS[(error as { code?: string }).code ?? ''];
    if (!refusal) throw error;
    return refusal;
  } finally {
    await tx.exec('reset role');
  }
}

/** What every user reads, as sorted labels; a row the model does not know shows as its id. */
async function readAsEveryone(tx: Queryable, ids: Ids, state: State): Promise<Record<string, { tickets: string[]; comments: string[] }>> {
  const labels = new Map([...state.tickets, ...state.comments].map((row) => [row.id, row.label]));
  const read = async (sql: string) => (await tx.query<{ id: string }>(sql)).rows.map((row) => labels.get(row.id) ?? row.id).sort();
  const seen: Record<string, { tickets: string[]; comments: string[] }> = {};
  for (const user of USERS) {
    await bindActor(tx, { userId: ids.users[user] });
    seen[user] = { tickets: await read('select id from tickets'), comments: await read('select id from comments') };
    await tx.exec('reset role');
  }
  return seen;
}

/** The six people, committed once: departments Support and Infra, teams Alpha (led by the manager) and Beta. */
async function createPeople(tx: Queryable): Promise<Ids> {
  const one = async (sql: string, params: unknown[] = []): Promise<string> => {
    const id = (await tx.query<{ id: string }>(`${sql} returning id`, params)).rows[0]?.id;
    if (!id) throw new Error(`no row from: ${sql}`);
    return id;
  };
  const departments = {
    support: await one("insert into departments (name) values ('Support')"),
    infra: await one("insert into departments (name) values ('Infra')"),
  };
  const users = {} as Record<UserKey, string>;
  for (const user of USERS) {
    const { role, department } = PEOPLE[user];
    users[user] = await one('insert into users (email, first_name, role, department_id, is_approved) values ($1, $2, $3, $4, true)', [
      `${user}@property.test`, user, role, department && departments[department],
    ]);
  }
  // The model counts leading a team and belonging to it alike; the database has both ways in.
  const teams = {
    alpha: await one("insert into teams (name, department_id, lead_id) values ('Alpha', $1, $2)", [departments.support, users.manager]),
    beta: await one("insert into teams (name, department_id) values ('Beta', $1)", [departments.infra]),
  };
  await tx.query('insert into team_members (team_id, user_id) values ($1, $2), ($3, $4)', [teams.alpha, users.agent, teams.beta, users.agent2]);
  return { users, departments, teams };
}
