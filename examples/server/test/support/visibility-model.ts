/**
 * A reference model of who may see and change tickets and comments, for rls-property.test.ts.
 * Written from the access specification in plain TypeScript, not translated from the SQL policies,
 * so the property test compares two independent statements of the same rules.
 */
import type { UserRole } from '../../src/db/actor.js';

export type UserKey = 'admin' | 'manager' | 'agent' | 'agent2' | 'customer' | 'customer2';
export type DepartmentKey = 'support' | 'infra';
export type TeamKey = 'alpha' | 'beta';
export type Status = 'new' | 'open' | 'in_progress' | 'pending' | 'resolved' | 'closed';

export interface Person {
  role: UserRole;
  department: DepartmentKey | null;
  /** Teams the person is a member or the lead of: both count the same. */
  teams: readonly TeamKey[];
}

export const PEOPLE: Record<UserKey, Person> = {
  admin: { role: 'admin', department: null, teams: [] },
  manager: { role: 'manager', department: 'support', teams: ['alpha'] },
  agent: { role: 'agent', department: 'support', teams: ['alpha'] },
  agent2: { role: 'agent', department: 'infra', teams: ['beta'] },
  customer: { role: 'customer', department: null, teams: [] },
  customer2: { role: 'customer', department: null, teams: [] },
};

export const USERS = Object.keys(PEOPLE) as UserKey[];
export const STATUSES: readonly Status[] = ['new', 'open', 'in_progress', 'pending', 'resolved', 'closed'];
export const NEXT_STATUSES: Record<Status, readonly Status[]> = {
  new: ['open'],
  open: ['in_progress'],
  in_progress: ['pending', 'resolved'],
  pending: ['in_progress', 'resolved'],
  resolved: ['closed', 'open'],
  closed: ['open'],
};

export interface Ticket {
  id: string;
  /** T1, T2, … in creation order: what failures print instead of UUIDs. */
  label: string;
  requester: UserKey;
  createdBy: UserKey;
  assignee: UserKey | null;
  department: DepartmentKey | null;
  team: TeamKey | null;
  status: Status;
}

export interface Comment {
  id: string;
  label: string;
  ticket: Ticket;
  internal: boolean;
  author: UserKey;
}

export interface State {
  tickets: Ticket[];
  comments: Comment[];
}

/**
 * What the database does with an action: `filtered` is an UPDATE that reaches no row the actor may
 * touch (0 rows, no error), `denied` is insufficient_privilege (42501), `invalid` a refused status
 * transition (check_violation, 23514).
 */
export type Outcome = 'accepted' | 'filtered' | 'denied' | 'invalid';

const isStaff = (user: UserKey) => PEOPLE[user].role !== 'customer';

/** Unassigned work waiting to be picked up: every agent and manager can see it. */
const inQueue = (ticket: Ticket) => ticket.assignee === null && (ticket.status === 'new' || ticket.status === 'open');

/** The ticket belongs to the person's department or one of their teams. */
function inScope(user: UserKey, ticket: Ticket): boolean {
  const { department, teams } = PEOPLE[user];
  return (ticket.department !== null && ticket.department === department) || (ticket.team !== null && teams.includes(ticket.team));
}

export function canSeeTicket(user: UserKey, ticket: Ticket): boolean {
  switch (PEOPLE[user].role) {
    case 'admin':
      return true;
    case 'customer':
      return ticket.requester === user;
    case 'agent':
    case 'manager':
      return ticket.assignee === user || ticket.createdBy === user || inScope(user, ticket) || inQueue(ticket);
  }
}

export function canSeeComment(user: UserKey, comment: Comment): boolean {
  return canSeeTicket(user, comment.ticket) && (isStaff(user) || !comment.internal);
}

/** Labels of everything `user` may read, sorted. */
export function visibleTo(state: State, user: UserKey): { tickets: string[]; comments: string[] } {
  return {
    tickets: state.tickets.filter((ticket) => canSeeTicket(user, ticket)).map((ticket) => ticket.label).sort(),
    comments: state.comments.filter((comment) => canSeeComment(user, comment)).map((comment) => comment.label).sort(),
  };
}

export function predictCreateTicket(user: UserKey, ticket: Ticket): Outcome {
  switch (PEOPLE[user].role) {
    case 'admin':
      return 'accepted';
    case 'customer':
      return ticket.requester === user && ticket.createdBy === user && ticket.assignee === null && ticket.team === null
        ? 'accepted'
        : 'denied';
    case 'agent':
    case 'manager':
      return ticket.createdBy === user ? 'accepted' : 'denied';
  }
}

/** The tickets an UPDATE by `user` can reach at all. */
function mayUpdate(user: UserKey, ticket: Ticket): boolean {
  switch (PEOPLE[user].role) {
    case 'admin':
      return true;
    case 'customer':
      return ticket.requester === user;
    case 'agent':
      return ticket.assignee === user || inQueue(ticket);
    case 'manager':
      return inScope(user, ticket) || inQueue(ticket);
  }
}

/** What an updated ticket may look like: an agent must end up holding it, a manager keeps it in scope. */
function mayLeaveAs(user: UserKey, ticket: Ticket): boolean {
  switch (PEOPLE[user].role) {
    case 'admin':
      return true;
    case 'customer':
      return ticket.requester === user;
    case 'agent':
      return ticket.assignee === user;
    case 'manager':
      return inScope(user, ticket);
  }
}

/**
 * Checks in the order the database applies them: which rows the statement reaches, then the
 * customer and workflow rules of the update trigger, then the new row against the policies.
 */
export function predictUpdate(user: UserKey, before: Ticket, after: Ticket): Outcome {
  // An UPDATE … WHERE id = … reads the row, so it must also be visible.
  if (!canSeeTicket(user, before) || !mayUpdate(user, before)) return 'filtered';
  const statusChanged = after.status !== before.status;
  if (PEOPLE[user].role === 'customer') {
    // Customers own only the title, description and status of their tickets, and may only close
    // them or reopen resolved and closed ones: opening a new ticket is triage, the support side's.
    const supportSide = (ticket: Ticket) => [ticket.requester, ticket.assignee, ticket.department, ticket.team].join();
    if (supportSide(after) !== supportSide(before)) return 'denied';
    const reopens = after.status === 'open' && (before.status === 'resolved' || before.status === 'closed');
    if (statusChanged && after.status !== 'closed' && !reopens) return 'denied';
  }
  if (statusChanged && !NEXT_STATUSES[before.status].includes(after.status)) return 'invalid';
  return mayLeaveAs(user, after) ? 'accepted' : 'denied';
}

export function predictComment(user: UserKey, ticket: Ticket, internal: boolean): Outcome {
  return canSeeTicket(user, ticket) && (isStaff(user) || !internal) ? 'accepted' : 'denied';
}
