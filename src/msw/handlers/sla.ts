/**
 * `tf.sla` (examples/server/src/api/sla): SLA policies — staff read them, admins write them, under
 * the table's rules (resolution after response, business hours a window, one policy per priority,
 * category and start date) — a ticket's live SLA state for staff, and the list of live states of
 * open tickets, most urgent first, computed from the policies with the mock's clock.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { compareKeys, decodeCursor, encodeCursor, fingerprint, paginate, type KeyValue, type Page } from '../pagination.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import { visibleTicket } from '../rules/policies.js';
import { checkPolicy, livePolicies, slaInputs, visiblePolicy } from '../rules/sla.js';
import { queuePriorities } from '../rules/sla-engine.js';
import { updateTicketAsSystem } from '../rules/tickets.js';
import { POLICY_FIELDS } from '../service-bodies.js';
import { ticketSlaState } from '../sla/state.js';
import { isValidZone, localDate, zoneOf } from '../sla/zone.js';
import type { SlaPolicyRow, TicketRow } from '../store.js';
import { isStaff, type Actor, type Work, type World } from '../world.js';
import { flag, id, idKey, page, repeated } from './shared.js';

type Schemas = components['schemas'];
type SlaTicketState = Schemas['SlaTicketState'];
type SlaTicketListItem = Schemas['SlaTicketListItem'];
type SlaListStatus = Schemas['SlaTicketListStatus'];

const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const satisfies readonly Schemas['TicketPriority'][];
const SLA_STATUSES = ['running', 'at_risk', 'paused', 'breached'] as const satisfies readonly SlaListStatus[];
const ADMINS_ONLY = 'Only admins may change SLA policies.';
const UNKNOWN_ZONE = 'time_zone is not a known IANA time zone (such as Europe/Berlin).';

const PolicyListQuery = z.strictObject({
  ...page,
  priority: repeated(z.enum(PRIORITIES)).optional(),
  category_id: id.optional(),
  is_active: flag.optional(),
});
const PolicyParams = z.strictObject({ sla_policy_id: idKey });
const TicketParams = z.strictObject({ ticket_id: idKey });
const StateListQuery = z.strictObject({
  ...page,
  status: repeated(z.enum(SLA_STATUSES), SLA_STATUSES.length).optional(),
  breaching_within: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(10080).optional(),
  assignee_id: z.union([id, z.literal('none')], { error: 'must be a UUID or none' }).optional(),
  team_id: id.optional(),
  priority: repeated(z.enum(PRIORITIES), PRIORITIES.length).optional(),
});
type StateListQuery = z.output<typeof StateListQuery>;

const PRIORITY_RANK: Record<Schemas['TicketPriority'], number> = { urgent: 0, high: 1, medium: 2, low: 3 };

/** The server checks zones with luxon (over Intl) before the database does: an unknown one is a 422. */
function assertKnownTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isValidZone(timeZone)) throw new MockProblem(422, 'unprocessable', UNKNOWN_ZONE);
}

/** Why a write matched no row: invisible (404), or visible but not the caller's to change (403). */
const refusal = (world: World, actor: Actor, policyId: string) => (visiblePolicy(world, actor, policyId) ? forbidden(ADMINS_ONLY) : notFound('SLA policy'));

/** `on delete set null` of tickets.sla_policy_id: the tickets it was stamped on lose it, as an update by the caller. */
function unstampDeleted(work: Work, policyId: string): void {
  for (const ticket of work.world.store.tables.tickets.where((t) => t.sla.policy_id === policyId)) {
    updateTicketAsSystem(work, ticket, { sla: { policy_id: null } });
  }
}

/** Where a ticket's SLA stands as a whole; `null` when no policy applies to it. */
function slaListStatus(state: SlaTicketState): SlaListStatus | null {
  if (state.policy === null) return null;
  if (state.breached_at !== null) return 'breached';
  if (state.first_response.status === 'at_risk' || state.resolution.status === 'at_risk') return 'at_risk';
  if (state.paused) return 'paused';
  return 'running';
}

/** The earliest due time of a target not yet met whose clock runs, or `null`. */
function nextDueAt(state: SlaTicketState): string | null {
  const candidates: string[] = [];
  if (state.first_response.responded_at === null && state.first_response.due_at !== null) candidates.push(state.first_response.due_at);
  const resolutionRuns = ['running', 'at_risk', 'breached'].includes(state.resolution.status);
  if (state.resolution.resolved_at === null && resolutionRuns && state.resolution.due_at !== null) candidates.push(state.resolution.due_at);
  return candidates.reduce<string | null>((min, at) => (min === null || Date.parse(at) < Date.parse(min) ? at : min), null);
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The next due time of a target still open whose clock runs, from what the engine stored on the ticket. */
function storedNextDue(ticket: TicketRow): number | null {
  const due = [
    ticket.sla.first_responded_at === null ? ms(ticket.sla.first_response_due_at) : null,
    ticket.status !== 'pending' ? ms(ticket.sla.resolution_due_at) : null,
  ].filter((at): at is number => at !== null);
  return due.length === 0 ? null : Math.min(...due);
}

/**
 * The server's SQL pass: conditions on the stored columns that every ticket in the asked status
 * meets (they may let others through; the live state decides).
 */
function prefilter(world: World, ticket: TicketRow, query: StateListQuery, now: number): boolean {
  const { sla } = ticket;
  if (ticket.status === 'resolved' || ticket.status === 'closed' || sla.policy_id === null) return false;
  if (query.status && query.status.length > 0) {
    const breachedAt = sla.breached_at;
    const statuses: Record<SlaListStatus, () => boolean> = {
      breached: () =>
        breachedAt !== null ||
        (sla.first_response_due_at !== null && Date.parse(sla.first_response_due_at) < (ms(sla.first_responded_at) ?? now)) ||
        (sla.resolution_due_at !== null && Date.parse(sla.resolution_due_at) < now),
      at_risk: () => breachedAt === null && world.store.tables.slaPolicies.get(sla.policy_id!)?.escalation_threshold_minutes != null,
      paused: () => ticket.status === 'pending',
      running: () => breachedAt === null && ticket.status !== 'pending',
    };
    if (!query.status.some((status) => statuses[status]())) return false;
  }
  if (query.breaching_within !== undefined) {
    const next = storedNextDue(ticket);
    if (sla.breached_at !== null || next === null || next > now + query.breaching_within * 60_000) return false;
  }
  if (query.assignee_id === 'none' ? ticket.assignee_id !== null : query.assignee_id !== undefined && ticket.assignee_id !== query.assignee_id.toLowerCase()) return false;
  if (query.team_id !== undefined && ticket.team_id !== query.team_id.toLowerCase()) return false;
  if (query.priority && !query.priority.includes(ticket.priority)) return false;
  return true;
}

function matchesLive(item: SlaTicketListItem, query: StateListQuery, now: number): boolean {
  if (query.status && query.status.length > 0 && !query.status.includes(item.sla_status)) return false;
  if (query.breaching_within !== undefined) {
    if (item.sla.breached_at !== null || item.next_due_at === null) return false;
    if (Date.parse(item.next_due_at) > now + query.breaching_within * 60_000) return false;
  }
  return true;
}

/** Tickets read per round, and rounds per page, as the server reads them. */
const CHUNK = 100;
const MAX_CHUNKS = 10;

/**
 * `GET /v1/sla/tickets`: the open tickets under a policy the caller sees, ordered by the next due
 * time the engine stored (then id), with their live state, filtered on it exactly. Read in chunks,
 * as the server does, so a page and its cursor are the server's.
 */
function listSlaStates(world: World, actor: Actor, query: StateListQuery, now: Date): Page<SlaTicketListItem> {
  const sorted = (values: string[] | undefined) => (values ? [...new Set(values)].sort() : undefined);
  const print = fingerprint('sla-states', {
    status: sorted(query.status),
    breaching_within: query.breaching_within,
    assignee_id: query.assignee_id?.toLowerCase(),
    team_id: query.team_id?.toLowerCase(),
    priority: sorted(query.priority),
  });
  const keyOf = (ticket: TicketRow): KeyValue[] => [storedNextDue(ticket), ticket.id];
  const candidates = world.store.tables.tickets
    .where((ticket) => visibleTicket(world, actor, ticket.id) !== undefined && prefilter(world, ticket, query, now.getTime()))
    .sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  let after = query.cursor === undefined ? null : decodeCursor(query.cursor, print, 2);
  const kept: { item: SlaTicketListItem; key: KeyValue[] }[] = [];
  const pageOf = (next: KeyValue[] | null): Page<SlaTicketListItem> => ({ data: kept.map(({ item }) => item), next_cursor: next ? encodeCursor(print, next) : null });
  for (let round = 0; round < MAX_CHUNKS; round += 1) {
    const from = after;
    const rows = (from === null ? candidates : candidates.filter((ticket) => compareKeys(keyOf(ticket), from) > 0)).slice(0, CHUNK);
    for (const ticket of rows) {
      const inputs = slaInputs(world, ticket, actor);
      const state = ticketSlaState(inputs.ticket, inputs.policy, now);
      const slaStatus = slaListStatus(state);
      if (slaStatus === null) continue;
      const item: SlaTicketListItem = {
        ticket_id: ticket.id,
        ticket_number: ticket.ticket_number,
        title: ticket.title,
        ticket_status: ticket.status,
        priority: ticket.priority,
        assignee_id: ticket.assignee_id,
        team_id: ticket.team_id,
        sla_status: slaStatus,
        next_due_at: nextDueAt(state),
        sla: state,
      };
      if (!matchesLive(item, query, now.getTime())) continue;
      if (kept.length === query.limit) return pageOf(kept.at(-1)!.key);
      kept.push({ item, key: keyOf(ticket) });
    }
    const last = rows.at(-1);
    if (rows.length < CHUNK || !last) return pageOf(null);
    after = keyOf(last);
  }
  // Enough read for one request: what was found, and a cursor after the last ticket read.
  return pageOf(after);
}

export const slaHandlers: HandlerTable = {
  listSlaPolicies: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const query = req.query(PolicyListQuery);
      const actor = work.me;
      const category = query.category_id?.toLowerCase();
      const rows = isStaff(actor)
        ? livePolicies(world).filter(
            (policy) =>
              (!query.priority || query.priority.includes(policy.priority)) &&
              (category === undefined || policy.category_id === category) &&
              (query.is_active === undefined || policy.is_active === query.is_active),
          )
        : [];
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('sla_policies', { priority: query.priority, category_id: category, is_active: query.is_active }),
          // Priority in the enum's order (urgent first), then name; the id makes the order total.
          keyLength: 3,
          keyOf: (policy) => [PRIORITY_RANK[policy.priority], policy.name, policy.id],
          serialize: (policy) => policy,
        }),
      );
    },
  },
  createSlaPolicy: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const body = req.json('createSlaPolicy');
      assertKnownTimeZone(body.time_zone);
      // sla_policies_write_admin: anyone else's insert is refused before any constraint is checked.
      if (work.me.role !== 'admin') throw forbidden('You may not make this change.');
      const now = work.now();
      const timeZone = body.time_zone ?? 'UTC';
      const policy: SlaPolicyRow = {
        id: world.ids.uuid(),
        name: body.name,
        description: body.description ?? null,
        priority: body.priority,
        category_id: body.category_id?.toLowerCase() ?? null,
        response_time_minutes: body.response_time_minutes,
        resolution_time_minutes: body.resolution_time_minutes,
        escalation_threshold_minutes: body.escalation_threshold_minutes ?? null,
        business_hours_only: body.business_hours_only ?? true,
        business_start_hour: body.business_start_hour ?? 9,
        business_end_hour: body.business_end_hour ?? 17,
        include_weekends: body.include_weekends ?? false,
        time_zone: timeZone,
        holidays: body.holidays ?? [],
        is_active: body.is_active ?? true,
        // "Today" where the policy's business happens.
        effective_from: body.effective_from ?? localDate(zoneOf(timeZone), Date.parse(now)),
        effective_until: body.effective_until ?? null,
        created_at: now,
        updated_at: now,
      };
      checkPolicy(world, policy);
      world.store.tables.slaPolicies.put(policy);
      queuePriorities(world, [policy.priority]);
      return created(policy, { Location: `/v1/sla-policies/${policy.id}` });
    },
  },
  getSlaPolicy: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { sla_policy_id } = req.params(PolicyParams);
      const policy = visiblePolicy(world, work.me, sla_policy_id);
      if (!policy) throw notFound('SLA policy');
      return ok(policy);
    },
  },
  updateSlaPolicy: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { sla_policy_id } = req.params(PolicyParams);
      const body = req.json('updateSlaPolicy');
      assertKnownTimeZone(body.time_zone);
      const old = visiblePolicy(world, work.me, sla_policy_id);
      if (!old || work.me.role !== 'admin') throw refusal(world, work.me, sla_policy_id);
      // Only the fields given are set: an explicit null clears, an absent field keeps its value.
      const given = Object.fromEntries(POLICY_FIELDS.filter((field) => field in body).map((field) => [field, body[field] ?? null]));
      const policy: SlaPolicyRow = { ...old, ...given, updated_at: work.now() };
      if (typeof given.category_id === 'string') policy.category_id = given.category_id.toLowerCase();
      checkPolicy(world, policy, old);
      world.store.tables.slaPolicies.put(policy);
      queuePriorities(world, [old.priority, policy.priority]);
      return ok(policy);
    },
  },
  deleteSlaPolicy: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { sla_policy_id } = req.params(PolicyParams);
      const policy = visiblePolicy(world, work.me, sla_policy_id);
      if (!policy || work.me.role !== 'admin') throw refusal(world, work.me, sla_policy_id);
      world.store.tables.slaPolicies.delete(policy.id);
      unstampDeleted(work, policy.id);
      queuePriorities(world, [policy.priority]);
      return noContent();
    },
  },
  getTicketSla: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      // Looked up first, so a customer learns nothing about tickets that are not theirs (404).
      const ticket = visibleTicket(world, work.me, ticket_id);
      if (!ticket) throw notFound('ticket');
      if (!isStaff(work.me)) throw forbidden('SLA targets are visible to the support team only.');
      const inputs = slaInputs(world, ticket, work.me);
      return ok(ticketSlaState(inputs.ticket, inputs.policy, world.clock.now()));
    },
  },
  listTicketSlaStates: {
    scope: 'tickets',
    handle({ world, work, req }) {
      if (!isStaff(work.me)) throw forbidden('SLA states are visible to the support team only.');
      const query = req.query(StateListQuery);
      return ok(listSlaStates(world, work.me, query, world.clock.now()));
    },
  },
};
