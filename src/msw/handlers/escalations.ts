/**
 * `tf.escalations` (examples/server/src/api/escalations): staff raise escalations on tickets they
 * see, and the person escalated to (or a manager or admin responsible for the ticket) takes them
 * through `pending → acknowledged → resolved`, or cancels them. The rules are in
 * `rules/escalations.ts`, as the server leaves them to its database.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, MAY_NOT_MAKE_CHANGE, MockProblem, notFound, unknownReference } from '../problems.js';
import { canSeeEscalation, insertEscalation, liveEscalations, mayUpdateEscalation, updateEscalation } from '../rules/escalations.js';
import { visibleTicket } from '../rules/policies.js';
import type { EscalationRow } from '../store.js';
import { isStaff, type Work } from '../world.js';
import { id, idKey, page, repeated } from './shared.js';

type Escalation = components['schemas']['Escalation'];

const STATUSES = ['pending', 'acknowledged', 'resolved', 'cancelled'] as const satisfies readonly Escalation['status'][];
const TYPES = ['sla_breach', 'manual', 'complexity', 'multiple_reopens', 'critical_priority'] as const satisfies readonly Escalation['escalation_type'][];
const NOT_YOURS = 'Only the person it is escalated to, or a manager or admin responsible for the ticket, may handle this escalation.';

const ListQuery = z.strictObject({
  ...page,
  status: repeated(z.enum(STATUSES)).optional(),
  type: repeated(z.enum(TYPES)).optional(),
  level: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(5).optional(),
  ticket_id: id.optional(),
  to_user_id: id.optional(),
});
const TicketListQuery = z.strictObject({ ...page, status: repeated(z.enum(STATUSES)).optional() });
const Params = z.strictObject({ escalation_id: idKey });
const TicketParams = z.strictObject({ ticket_id: idKey });

interface Filters {
  status?: Escalation['status'][] | undefined;
  type?: Escalation['escalation_type'][] | undefined;
  level?: number | undefined;
  ticket_id?: string | undefined;
  to_user_id?: string | undefined;
}

/** Both lists: what the caller may see, newest first, the id breaking ties. */
function listEscalations(work: Work, list: string, filters: Filters, limit: number, cursor: string | undefined) {
  const { world } = work;
  const ticketId = filters.ticket_id?.toLowerCase();
  const toUserId = filters.to_user_id?.toLowerCase();
  const rows = liveEscalations(world).filter(
    (e) =>
      canSeeEscalation(world, work.me, e) &&
      (!filters.status || filters.status.includes(e.status)) &&
      (!filters.type || filters.type.includes(e.escalation_type)) &&
      (filters.level === undefined || e.escalation_level === filters.level) &&
      (ticketId === undefined || e.ticket_id === ticketId) &&
      (toUserId === undefined || e.to_user_id === toUserId),
  );
  return paginate(rows, {
    limit,
    cursor,
    print: fingerprint(list, { ...filters }),
    descending: true,
    keyLength: 2,
    keyOf: (e) => [e.escalated_at, e.id],
    serialize: (e): Escalation => e,
  });
}

function visibleEscalation(work: Work, escalationId: string): EscalationRow | undefined {
  const escalation = work.world.store.tables.escalations.get(escalationId);
  return escalation && work.world.store.tables.tickets.get(escalation.ticket_id) && canSeeEscalation(work.world, work.me, escalation) ? escalation : undefined;
}

/**
 * Moves an escalation to `to`: a row the caller may not update is a 404 (invisible) or 403; the
 * workflow trigger refuses leaving a final state (409); and asking for the state it is already in
 * is a 409 too (the trigger would let it through, rewriting the notes).
 */
function transition(work: Work, escalationId: string, to: Exclude<Escalation['status'], 'pending'>, notes: string | undefined): EscalationRow {
  const old = visibleEscalation(work, escalationId);
  if (!old || !mayUpdateEscalation(work.world, work.me, old)) throw old ? forbidden(NOT_YOURS) : notFound('escalation');
  const row = updateEscalation(work, old, { status: to, resolution_notes: notes ?? old.resolution_notes });
  if (old.status === to) throw new MockProblem(409, 'invalid_transition', `The escalation is already ${to}.`);
  return row;
}

export const escalationHandlers: HandlerTable = {
  listEscalations: {
    scope: 'tickets',
    handle({ work, req }) {
      const { limit, cursor, ...filters } = req.query(ListQuery);
      return ok(listEscalations(work, 'escalations', filters, limit, cursor));
    },
  },
  getEscalation: {
    scope: 'tickets',
    handle({ work, req }) {
      const { escalation_id } = req.params(Params);
      const escalation = visibleEscalation(work, escalation_id);
      if (!escalation) throw notFound('escalation');
      return ok(escalation);
    },
  },
  acknowledgeEscalation: {
    scope: 'tickets',
    handle({ work, req }) {
      const { escalation_id } = req.params(Params);
      return ok(transition(work, escalation_id, 'acknowledged', undefined));
    },
  },
  resolveEscalation: {
    scope: 'tickets',
    handle({ work, req }) {
      const { escalation_id } = req.params(Params);
      const body = req.json('resolveEscalation');
      return ok(transition(work, escalation_id, 'resolved', body.resolution_notes));
    },
  },
  cancelEscalation: {
    scope: 'tickets',
    handle({ work, req }) {
      const { escalation_id } = req.params(Params);
      const body = req.optionalJson('cancelEscalation');
      return ok(transition(work, escalation_id, 'cancelled', body.reason));
    },
  },
  listTicketEscalations: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const { limit, cursor, status } = req.query(TicketListQuery);
      if (!visibleTicket(world, work.me, ticket_id)) throw notFound('ticket');
      return ok(listEscalations(work, `tickets/${ticket_id}/escalations`, { ticket_id, status }, limit, cursor));
    },
  },
  createEscalation: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const body = req.json('createEscalation');
      const ticket = visibleTicket(world, work.me, ticket_id);
      if (!ticket) throw notFound('ticket');
      // escalations_insert: staff, as themselves, on a ticket they see.
      if (!isStaff(work.me)) throw forbidden(MAY_NOT_MAKE_CHANGE);
      const toUserId = body.to_user_id?.toLowerCase() ?? null;
      if (toUserId !== null && !world.store.tables.users.get(toUserId)) throw unknownReference('to_user_id');
      const escalation = insertEscalation(work, {
        ticket_id: ticket.id,
        from_user_id: work.me.id,
        to_user_id: toUserId,
        reason: body.reason,
        // One level above the ticket's current one unless asked otherwise.
        escalation_level: body.escalation_level ?? Math.min(ticket.escalation_level + 1, 5),
        escalation_type: 'manual',
      });
      // Escalating to a customer, or to an account that cannot act, would leave nobody to handle it.
      const to = toUserId === null ? undefined : world.store.tables.users.get(toUserId);
      if (to && (to.role === 'customer' || !to.is_active)) throw new MockProblem(422, 'unprocessable', 'to_user_id must be an active member of staff.');
      return created(escalation, { Location: `/v1/escalations/${escalation.id}` });
    },
  },
};
