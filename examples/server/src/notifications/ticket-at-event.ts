/**
 * The ticket as it stood when an event happened. The router may run long after an event (it was
 * down, or behind), and by then the ticket may have another assignee or status; notifying from the
 * ticket as it is now would tell the wrong people. Events carry no before/after values, but the
 * history does: every change is recorded by the same trigger, in the same transaction, as the event
 * that announces it, so both share the transaction's `now()` and actor.
 */
import type { Queryable } from '../db/database.js';
import type { EventRow } from '../events/read-events.js';

type TicketPriority = 'low' | 'medium' | 'high' | 'urgent';
export type TicketStatus = 'new' | 'open' | 'in_progress' | 'pending' | 'resolved' | 'closed';

export interface TicketAtEvent {
  id: string;
  number: string;
  title: string;
  priority: TicketPriority;
  requesterId: string;
  /** The assignee right after the event's transaction. */
  assigneeId: string | null;
}

/** What a `ticket.updated` event changed of the fields notifications are about. */
export interface TicketChange {
  /** The net move of the event's transaction: a `start` of a new ticket is one move, new → in_progress. */
  status?: { from: TicketStatus; to: TicketStatus };
  assignee?: { from: string | null; to: string | null };
}

/**
 * The tickets of `events` as each event left them, by event id. Events of deleted tickets are
 * missing: there is nothing left to notify about, nor a ticket row for a notification to point at.
 *
 * The assignee is the current one unless it changed in a later transaction: then it is the value
 * the first later change replaced.
 */
export async function ticketsAtEvents(tx: Queryable, events: readonly EventRow[]): Promise<Map<string, TicketAtEvent>> {
  const { rows } = await tx.query<{
    event_id: string;
    id: string;
    ticket_number: string;
    title: string;
    priority: TicketPriority;
    requester_id: string;
    assignee_id: string | null;
  }>(
    `select e.id::text as event_id, t.id, t.ticket_number, t.title, t.priority, t.requester_id,
            case when later.found then later.assignee_id else t.assignee_id end as assignee_id
       from events e
       join tickets t on t.id = e.ticket_id
       left join lateral (
         select true as found, (h.old_value #>> '{}')::uuid as assignee_id
           from ticket_history h
          where h.ticket_id = e.ticket_id and h.field = 'assignee_id' and h.created_at > e.created_at
          order by h.seq
          limit 1
       ) later on true
      where e.id = any ($1::bigint[])`,
    [events.map((event) => event.id)],
  );
  return new Map(
    rows.map((row) => [
      row.event_id,
      {
        id: row.id,
        number: row.ticket_number,
        title: row.title,
        priority: row.priority,
        requesterId: row.requester_id,
        assigneeId: row.assignee_id,
      },
    ]),
  );
}

/**
 * The status and assignee changes of `ticket.updated` events, by event id.
 *
 * An event's history entries are found by (ticket, transaction time, actor, field); when one
 * transaction changed a field more than once (a `start` opens a new ticket first), the k-th event
 * changing the field pairs with the k-th entry. Only the transaction's last status event reports
 * a status change, from the first old value to the last new one, so that one request is one
 * notification; a transaction that ends where it began reports none.
 */
export async function ticketChanges(tx: Queryable, events: readonly EventRow[]): Promise<Map<string, TicketChange>> {
  const updates = events.filter((event) => event.type === 'ticket.updated').map((event) => event.id);
  const changes = new Map<string, TicketChange>();
  if (updates.length === 0) return changes;
  const { rows } = await tx.query<{ event_id: string; field: 'status' | 'assignee_id'; old_value: unknown; new_value: unknown }>(
    `with batch as (
       select id, ticket_id, created_at from events where id = any ($1::bigint[])),
     announced as (
       select e.id, e.ticket_id, e.created_at, e.actor_id, f.field,
              row_number() over (w order by e.id) as k, count(*) over w as n
         from events e cross join lateral jsonb_array_elements_text(e.payload -> 'changes') as f (field)
        where e.type = 'ticket.updated' and f.field in ('status', 'assignee_id')
          and exists (select 1 from batch b where b.ticket_id = e.ticket_id and b.created_at = e.created_at)
       window w as (partition by e.ticket_id, e.created_at, e.actor_id, f.field)),
     recorded as (
       select h.ticket_id, h.created_at, h.actor_id, h.field, h.old_value, h.new_value,
              row_number() over w as k, first_value(h.old_value) over w as first_old
         from ticket_history h
        where h.field in ('status', 'assignee_id')
          and exists (select 1 from batch b where b.ticket_id = h.ticket_id and b.created_at = h.created_at)
       window w as (partition by h.ticket_id, h.created_at, h.actor_id, h.field order by h.seq))
     select a.id::text as event_id, a.field,
            case when a.field = 'status' then r.first_old else r.old_value end as old_value, r.new_value
       from announced a
       join recorded r on r.ticket_id = a.ticket_id and r.created_at = a.created_at
                      and r.actor_id is not distinct from a.actor_id and r.field = a.field and r.k = a.k
      where a.id in (select id from batch)
        and (a.field <> 'status' or a.k = a.n)`,
    [updates],
  );
  for (const row of rows) {
    const change = changes.get(row.event_id) ?? {};
    if (row.field === 'status') {
      const from = row.old_value as TicketStatus;
      const to = row.new_value as TicketStatus;
      if (from !== to) change.status = { from, to };
    } else {
      change.assignee = { from: (row.old_value as string | null) ?? null, to: (row.new_value as string | null) ?? null };
    }
    changes.set(row.event_id, change);
  }
  return changes;
}
