/**
 * Escalations: staff raise them on tickets they can see, and the person escalated to (or a manager
 * or admin) takes them through `pending → acknowledged → resolved`, or cancels them. Row-level
 * security decides who sees and changes what; the database's workflow trigger refuses moves out of a
 * final state, and its triggers keep the ticket's `escalation_level` at its highest open escalation.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { conforms } from '../../http/contract.js';
import { readJson, readOptionalJson, readParams, readQuery } from '../../http/input.js';
import { notFound, Problem } from '../../http/problem.js';
import { refusal } from '../../http/refusal.js';
import { id, oneOrMany, page } from '../../http/schemas.js';
import { ESCALATION_COLUMNS, toEscalation, type Escalation, type EscalationRow } from './escalation-row.js';
import { listEscalations } from './list-escalations.js';

const status = z.enum(['pending', 'acknowledged', 'resolved', 'cancelled']);
const type = z.enum(['sla_breach', 'manual', 'complexity', 'multiple_reopens', 'critical_priority']);
const text = z.string().trim().min(1, 'must not be blank').max(10_000);

const EscalationCreate = conforms<components['schemas']['EscalationCreate']>()(
  z.strictObject({ reason: text, to_user_id: id.nullable().optional(), escalation_level: z.int().min(1).max(5).optional() }),
);
const EscalationResolve = conforms<components['schemas']['EscalationResolve']>()(z.strictObject({ resolution_notes: text }));
const EscalationCancel = conforms<components['schemas']['EscalationCancel']>()(z.strictObject({ reason: text.optional() }));

const ListQuery = z.strictObject({
  ...page,
  status: oneOrMany(status).optional(),
  type: oneOrMany(type).optional(),
  level: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(5).optional(),
  ticket_id: id.optional(),
  to_user_id: id.optional(),
});
const TicketListQuery = z.strictObject({ ...page, status: oneOrMany(status).optional() });

const Params = z.strictObject({ escalation_id: id });
const TicketParams = z.strictObject({ ticket_id: id });

const NOT_YOURS = 'Only the person it is escalated to, or a manager or admin responsible for the ticket, may handle this escalation.';

type Outcome = Exclude<Escalation['status'], 'pending'>;

/**
 * Moves an escalation to `to`. Row-level security filters the UPDATE (no row: 404 or 403), the
 * workflow trigger refuses leaving a final state (409), and asking for the state it is already in
 * is refused here (409): the trigger lets a same-status update through, which would rewrite notes.
 */
async function transition(tx: Queryable, escalationId: string, to: Outcome, notes: string | undefined): Promise<Escalation> {
  const { rows } = await tx.query<EscalationRow & { previous_status: Escalation['status'] }>(
    `with before as (select id, status from escalations where id = $1)
     update escalations e
        set status = $2, resolution_notes = coalesce($3, e.resolution_notes)
       from before
      where e.id = before.id
     returning ${ESCALATION_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ')}, before.status as previous_status`,
    [escalationId, to, notes ?? null],
  );
  const row = rows[0];
  if (!row) throw await refusal(tx, 'escalations', escalationId, 'escalation', NOT_YOURS);
  if (row.previous_status === to) throw new Problem(409, 'invalid_transition', `The escalation is already ${to}.`);
  return toEscalation(row);
}

export function escalationRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const { limit, cursor, ...filters } = readQuery(c, ListQuery);
      return c.json(await listEscalations(c.get('tx'), 'escalations', filters, limit, cursor));
    })
    .get('/:escalation_id', async (c) => {
      const { escalation_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<EscalationRow>(`select ${ESCALATION_COLUMNS} from escalations where id = $1`, [escalation_id]);
      if (!rows[0]) throw notFound('escalation');
      return c.json(toEscalation(rows[0]));
    })
    .post('/:escalation_id/acknowledge', async (c) => {
      const { escalation_id } = readParams(c, Params);
      return c.json(await transition(c.get('tx'), escalation_id, 'acknowledged', undefined));
    })
    .post('/:escalation_id/resolve', async (c) => {
      const { escalation_id } = readParams(c, Params);
      const body = await readJson(c, EscalationResolve);
      return c.json(await transition(c.get('tx'), escalation_id, 'resolved', body.resolution_notes));
    })
    .post('/:escalation_id/cancel', async (c) => {
      const { escalation_id } = readParams(c, Params);
      const body = await readOptionalJson(c, EscalationCancel);
      return c.json(await transition(c.get('tx'), escalation_id, 'cancelled', body.reason));
    });
}

/** A ticket's escalations. */
export function ticketEscalationRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const { limit, cursor, status: statuses } = readQuery(c, TicketListQuery);
      const tx = c.get('tx');
      const ticket = await tx.query('select 1 from tickets where id = $1', [ticket_id]);
      if (ticket.rows.length === 0) throw notFound('ticket');
      return c.json(await listEscalations(tx, `tickets/${ticket_id}/escalations`, { ticket_id, status: statuses }, limit, cursor));
    })
    .post('/', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const body = await readJson(c, EscalationCreate);
      const tx = c.get('tx');
      // One level above the ticket's current one unless asked otherwise. Selecting the ticket under
      // row-level security makes an invisible ticket insert nothing (404); a caller who sees it but
      // may not escalate is refused by the insert policy (403).
      const { rows } = await tx.query<EscalationRow>(
        `insert into escalations (ticket_id, to_user_id, reason, escalation_level, escalation_type)
         select t.id, $2::uuid, $3::text, coalesce($4::smallint, least(t.escalation_level + 1, 5)), 'manual'
           from tickets t where t.id = $1
         returning ${ESCALATION_COLUMNS}`,
        [ticket_id, body.to_user_id ?? null, body.reason, body.escalation_level ?? null],
      );
      const row = rows[0];
      if (!row) throw notFound('ticket');
      if (row.to_user_id !== null) await requireActiveStaff(tx, row.to_user_id);
      const escalation = toEscalation(row);
      return c.json(escalation, 201, { Location: `/v1/escalations/${escalation.id}` });
    });
}

/** Escalating to a customer, or to an account that cannot act, would leave nobody to handle it. */
async function requireActiveStaff(tx: Queryable, userId: string): Promise<void> {
  const { rows } = await tx.query<{ ok: boolean }>(
    "select role <> 'customer' and is_active as ok from users where id = $1",
    [userId],
  );
  if (!rows[0]?.ok) throw new Problem(422, 'unprocessable', 'to_user_id must be an active member of staff.');
}
