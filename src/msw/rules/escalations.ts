/**
 * Writing escalations as the server's database does: the row-level security of `escalations`
 * (staff see those of tickets they see; agents handle what is escalated to them, managers and admins
 * those of tickets they see), the workflow trigger (nothing leaves `resolved` or `cancelled`, nor
 * goes back to `pending`; the time of each step is stamped), and the after-write trigger that keeps
 * the ticket's `escalation_level` at its highest open escalation and sends `escalation.*` events.
 * Also the chain of responsibility an escalation reaches at each level.
 */
import type { components } from '../../generated/api.js';
import { MockProblem } from '../problems.js';
import type { EscalationRow } from '../store.js';
import { isStaff, type Actor, type Work, type World } from '../world.js';
import { visibleTicket } from './policies.js';
import { updateTicketAsSystem } from './tickets.js';
import { emit } from './trail.js';

type EscalationStatus = components['schemas']['EscalationStatus'];
type EscalationType = components['schemas']['EscalationType'];

export const MAX_ESCALATION_LEVEL = 5;

const OPEN: readonly EscalationStatus[] = ['pending', 'acknowledged'];
export const isOpen = (escalation: EscalationRow) => OPEN.includes(escalation.status);

/** Escalations of tickets that still exist (a ticket's delete cascades to them). */
export function liveEscalations(world: World): EscalationRow[] {
  const { escalations, tickets } = world.store.tables;
  return escalations.where((escalation) => tickets.get(escalation.ticket_id) !== undefined);
}

/** escalations_select: staff, on a ticket they can see. */
export function canSeeEscalation(world: World, actor: Actor, escalation: EscalationRow): boolean {
  return isStaff(actor) && visibleTicket(world, actor, escalation.ticket_id) !== undefined;
}

/** escalations_update_agent / escalations_update_manager (USING, with the row visible). */
export function mayUpdateEscalation(world: World, actor: Actor, escalation: EscalationRow): boolean {
  if (!canSeeEscalation(world, actor, escalation)) return false;
  if (actor.role === 'agent') return escalation.to_user_id === actor.id;
  return actor.role === 'manager' || actor.role === 'admin';
}

export interface NewEscalation {
  ticket_id: string;
  from_user_id: string | null;
  to_user_id: string | null;
  reason: string;
  escalation_level: number;
  escalation_type: EscalationType;
  /** When it was raised; the request's time unless given (the engine passes its clock's). */
  escalated_at?: string;
}

/** INSERT INTO escalations and its trigger (the caller has checked the policies). */
export function insertEscalation(work: Work, input: NewEscalation): EscalationRow {
  const { store, ids } = work.world;
  const now = work.now();
  const row = store.tables.escalations.put({
    id: ids.uuid(),
    ticket_id: input.ticket_id,
    from_user_id: input.from_user_id,
    to_user_id: input.to_user_id,
    reason: input.reason,
    escalation_level: input.escalation_level,
    escalation_type: input.escalation_type,
    status: 'pending',
    resolution_notes: null,
    escalated_at: input.escalated_at ?? now,
    acknowledged_at: null,
    resolved_at: null,
    cancelled_at: null,
    updated_at: now,
  });
  afterWrite(work, row, null);
  return row;
}

/** UPDATE escalations SET … with its triggers; the caller has checked the policies. */
export function updateEscalation(work: Work, old: EscalationRow, change: Partial<Pick<EscalationRow, 'status' | 'resolution_notes' | 'escalation_level' | 'to_user_id'>>): EscalationRow {
  const now = work.now();
  const next: EscalationRow = { ...old, ...change, updated_at: now };
  if (next.status !== old.status) {
    if (old.status === 'resolved' || old.status === 'cancelled' || (old.status === 'acknowledged' && next.status === 'pending')) {
      throw new MockProblem(409, 'invalid_transition', `invalid escalation transition from ${old.status} to ${next.status}`);
    }
    if (next.status === 'acknowledged') next.acknowledged_at = now;
    else if (next.status === 'resolved') next.resolved_at = now;
    else if (next.status === 'cancelled') next.cancelled_at = now;
  }
  const row = work.world.store.tables.escalations.put(next);
  afterWrite(work, row, old);
  return row;
}

/** app.escalations_after_write: the ticket's level follows its open escalations; then the event. */
function afterWrite(work: Work, row: EscalationRow, old: EscalationRow | null): void {
  const { tables } = work.world.store;
  const level = Math.max(0, ...liveEscalations(work.world).filter((e) => e.ticket_id === row.ticket_id && isOpen(e)).map((e) => e.escalation_level));
  const ticket = tables.tickets.get(row.ticket_id);
  if (ticket && ticket.escalation_level !== level) updateTicketAsSystem(work, ticket, { escalation_level: level });
  const payload: Record<string, unknown> = {
    escalation_id: row.id,
    status: row.status,
    escalation_level: row.escalation_level,
    escalation_type: row.escalation_type,
    ...(old !== null && old.escalation_level !== row.escalation_level ? { previous_level: old.escalation_level } : {}),
  };
  emit(work, old === null ? 'escalation.created' : 'escalation.updated', row.ticket_id, true, payload);
}

/** The tier of the chain a level reaches (levels above 4 reach the admins, as 4 does). */
const tierOf = (level: number) => Math.min(Math.max(level, 1), 4);

/**
 * The user ids an escalation of `ticketId` at `level` reaches, most directly responsible first:
 * 1 the assignee, 2 the team's lead(s), 3 the department's manager (the ticket's department, else
 * its team's), 4 and 5 every admin. A tier with nobody active in it passes to the next one up.
 */
export function escalationChain(world: World, ticketId: string, level: number): string[] {
  const { tickets, teams, teamMembers, departments, users } = world.store.tables;
  const ticket = tickets.get(ticketId);
  if (!ticket) return [];
  const team = ticket.team_id === null ? undefined : teams.get(ticket.team_id);
  const departmentId = ticket.department_id ?? team?.department_id ?? null;
  const candidates: [tier: number, userId: string | null, rank: number][] = [
    [1, ticket.assignee_id, 0],
    [2, team?.lead_id ?? null, 0],
    ...teamMembers.where((member) => member.team_id === ticket.team_id && member.role === 'lead').map((member): [number, string, number] => [2, member.user_id, 1]),
    [3, departmentId === null ? null : (departments.get(departmentId)?.manager_id ?? null), 0],
    ...users.where((user) => user.role === 'admin').map((user): [number, string, number] => [4, user.id, 0]),
  ];
  const reached = new Map<string, { tier: number; userId: string; rank: number; createdAt: string }>();
  for (const [tier, userId, rank] of candidates) {
    const user = userId === null ? undefined : users.get(userId);
    if (!user?.is_active || user.role === 'customer') continue;
    const key = `${tier} ${user.id}`;
    const held = reached.get(key);
    if (!held || rank < held.rank) reached.set(key, { tier, userId: user.id, rank, createdAt: user.created_at });
  }
  const ordered = [...reached.values()].sort(
    (a, b) => a.tier - b.tier || a.rank - b.rank || Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
  for (let tier = tierOf(level); tier <= 4; tier += 1) {
    const inTier = ordered.filter((entry) => entry.tier === tier).map((entry) => entry.userId);
    if (inTier.length > 0) return inTier;
  }
  return [];
}

/** Whether the ticket has an escalation of `type`: still open, or ever (`ever: true`). */
export function hasEscalation(world: World, ticketId: string, type: EscalationType, { ever = false } = {}): boolean {
  return world.store.tables.escalations.where((e) => e.ticket_id === ticketId && e.escalation_type === type && (ever || isOpen(e))).length > 0;
}

/** An escalation the engine opens itself: level 1, from no one, to the first person of the chain. */
export function openEscalation(work: Work, ticketId: string, type: EscalationType, reason: string, now: Date): EscalationRow {
  const [to] = escalationChain(work.world, ticketId, 1);
  return insertEscalation(work, {
    ticket_id: ticketId,
    from_user_id: null,
    to_user_id: to ?? null,
    reason,
    escalation_level: 1,
    escalation_type: type,
    escalated_at: now.toISOString(),
  });
}
