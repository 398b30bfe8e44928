/**
 * What a ticket's SLA is computed from, as the server gathers it (examples/server/src/sla/
 * load-ticket-sla.ts): the ticket, the policy that matches it now (never the one the engine last
 * stamped), and the periods its resolution clock stood still (pending, resolved, closed), read from
 * the history of its status. Also the rules of the `sla_policies` table: its row-level security
 * and the policy a ticket falls under.
 */
import type { components } from '../../generated/api.js';
import { MockProblem } from '../problems.js';
import type { ClockStop, SlaTicket } from '../sla/state.js';
import { localDate, zoneOf } from '../sla/zone.js';
import type { SlaPolicyRow, TicketRow } from '../store.js';
import { isStaff, type Actor, type World } from '../world.js';

type SlaPolicy = components['schemas']['SlaPolicy'];

/** One ticket's SLA inputs. */
export interface TicketSlaInputs {
  ticket: SlaTicket;
  /** The matching policy; `null` when none applies (or the caller may not see policies). */
  policy: SlaPolicy | null;
}

/**
 * The policies that exist: a policy whose category was deleted went with it (`on delete cascade`),
 * which the mock applies when reading rather than when the category goes.
 */
export function livePolicies(world: World): SlaPolicyRow[] {
  const { slaPolicies, categories } = world.store.tables;
  return slaPolicies.where((policy) => policy.category_id === null || categories.get(policy.category_id) !== undefined);
}

/**
 * The table's constraints, in the order PostgreSQL checks them (CHECKs by name, then the unique key,
 * then the category's foreign key), with the messages the server gives.
 */
export function checkPolicy(world: World, policy: SlaPolicyRow, before?: SlaPolicyRow): void {
  const unprocessable = (detail: string) => new MockProblem(422, 'unprocessable', detail);
  if (policy.business_end_hour <= policy.business_start_hour) throw unprocessable('business_end_hour must be after business_start_hour.');
  if (policy.effective_until !== null && policy.effective_until < policy.effective_from) throw unprocessable('effective_until must not be before effective_from.');
  if (policy.resolution_time_minutes <= policy.response_time_minutes) throw unprocessable('resolution_time_minutes must be greater than response_time_minutes.');
  const clash = livePolicies(world).some(
    (other) => other.id !== policy.id && other.priority === policy.priority && other.category_id === policy.category_id && other.effective_from === policy.effective_from,
  );
  if (clash) throw new MockProblem(409, 'conflict', 'A policy for this priority and category already starts on this effective_from date.');
  if (policy.category_id !== null && policy.category_id !== before?.category_id && !world.store.tables.categories.get(policy.category_id)) {
    throw unprocessable('category_id does not refer to an existing category.');
  }
}

/** sla_policies_select: staff see every policy, customers none. */
export function visiblePolicy(world: World, actor: Actor, id: string): SlaPolicyRow | undefined {
  if (!isStaff(actor)) return undefined;
  return livePolicies(world).find((policy) => policy.id === id);
}

/**
 * The most specific active policy for the ticket's priority in effect on the day (in the policy's
 * time zone) the ticket was created: a category's own policy before the catch-all, then the most
 * recent, then the lowest id.
 */
export function policyFor(world: World, ticket: TicketRow): SlaPolicyRow | null {
  const created = Date.parse(ticket.created_at);
  const candidates = livePolicies(world).filter((policy) => {
    if (!policy.is_active || policy.priority !== ticket.priority) return false;
    if (policy.category_id !== null && policy.category_id !== ticket.category_id) return false;
    const day = localDate(zoneOf(policy.time_zone), created);
    return policy.effective_from <= day && (policy.effective_until === null || policy.effective_until >= day);
  });
  candidates.sort(
    (a, b) =>
      Number(a.category_id === null) - Number(b.category_id === null) ||
      compare(b.effective_from, a.effective_from) ||
      compare(a.id, b.id),
  );
  return candidates[0] ?? null;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Each status change opens a period the next one closes; pending, resolved and closed periods are stops. */
function stopsOf(world: World, ticketId: string): ClockStop[] {
  const changes = world.store.tables.history.where((entry) => entry.ticket_id === ticketId && entry.field === 'status').sort((a, b) => a.seq - b.seq);
  const stops: ClockStop[] = [];
  changes.forEach((entry, index) => {
    if (!['pending', 'resolved', 'closed'].includes(entry.new_value as string)) return;
    const next = changes[index + 1];
    stops.push({ start: new Date(entry.created_at), end: next ? new Date(next.created_at) : null });
  });
  return stops.sort((a, b) => a.start.getTime() - b.start.getTime());
}

const dateOrNull = (iso: string | null) => (iso === null ? null : new Date(iso));

/**
 * The SLA inputs of `ticket`. `actor` decides whether policies are visible (the engine passes
 * none: it sees everything).
 */
export function slaInputs(world: World, ticket: TicketRow, actor: Actor | null): TicketSlaInputs {
  const policy = actor === null || isStaff(actor) ? policyFor(world, ticket) : null;
  return {
    ticket: {
      id: ticket.id,
      status: ticket.status,
      createdAt: new Date(ticket.created_at),
      firstRespondedAt: dateOrNull(ticket.sla.first_responded_at),
      resolvedAt: dateOrNull(ticket.resolved_at),
      slaBreachedAt: dateOrNull(ticket.sla.breached_at),
      stops: stopsOf(world, ticket.id),
    },
    policy,
  };
}
