/**
 * The escalations the engine opens itself (`sla_breach`, `critical_priority`, `multiple_reopens`):
 * at level 1, from no one, to the first person of the chain's level 1.
 */
import type { components } from '../../../../src/generated/api.js';
import type { Queryable } from '../db/database.js';
import { escalationChain } from './escalation-chain.js';

type EscalationType = components['schemas']['EscalationType'];

/** Whether the ticket has an escalation of `type`: still open, or ever (`ever: true`). */
export async function hasEscalation(tx: Queryable, ticketId: string, type: EscalationType, { ever = false } = {}): Promise<boolean> {
  const { rows } = await tx.query(
    `select 1 from escalations
      where ticket_id = $1 and escalation_type = $2 and ($3 or status in ('pending', 'acknowledged'))
      limit 1`,
    [ticketId, type, ever],
  );
  return rows.length > 0;
}

export async function openEscalation(tx: Queryable, ticketId: string, type: EscalationType, reason: string, now: Date): Promise<void> {
  const [to] = await escalationChain(tx, ticketId, 1);
  await tx.query(
    `insert into escalations (ticket_id, from_user_id, to_user_id, reason, escalation_level, escalation_type, escalated_at)
     values ($1, null, $2, $3, 1, $4, $5)`,
    [ticketId, to ?? null, reason, type, now],
  );
}
