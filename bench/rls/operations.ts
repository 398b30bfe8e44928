/**
 * The common operations, each as the server runs it: the server's own query functions and SQL
 * (imported, not copied), given a transaction that is either bound to the caller under row-level
 * security or the owner's, which bypasses it. Each returns the rows it read or wrote.
 */
import { requireVisibleTicket } from '../../examples/server/src/api/comments/visible-ticket.js';
import { INSERT_COMMENT_SQL, LIST_COMMENTS_SQL } from '../../examples/server/src/api/comments/routes.js';
import { HEADLINE_OPTIONS, SEARCH_SQL } from '../../examples/server/src/api/insights/search.js';
import { STATS_SQL } from '../../examples/server/src/api/insights/stats.js';
import { KB_SEARCH_SQL, SNIPPET_OPTIONS } from '../../examples/server/src/api/knowledge-base/search.js';
import { listSlaStates } from '../../examples/server/src/api/sla/sla-state-list.js';
import { listHistory } from '../../examples/server/src/api/tickets/history.js';
import { ListQuery, listTickets } from '../../examples/server/src/api/tickets/list-query.js';
import { TicketCreate } from '../../examples/server/src/api/tickets/schemas.js';
import { createTicket, readTicket } from '../../examples/server/src/api/tickets/writes.js';
import type { UserRole } from '../../examples/server/src/db/actor.js';
import type { Queryable } from '../../examples/server/src/db/database.js';
import { KB_SEARCH_TERMS, SEARCH_TERMS } from '../data/text.js';
import type { Fixture } from './fixtures.js';

export interface OperationContext {
  fixture: Fixture;
  /** The iteration number: rotates search terms. */
  n: number;
  now: Date;
}

export interface Operation {
  name: string;
  /** Roles the API offers it to (the SLA list is the support team's). */
  roles: readonly UserRole[];
  run(tx: Queryable, context: OperationContext): Promise<number>;
}

const ALL: readonly UserRole[] = ['customer', 'agent', 'manager', 'admin'];
const STAFF: readonly UserRole[] = ['agent', 'manager', 'admin'];

const list = (tx: Queryable, { fixture }: OperationContext, query: Record<string, unknown>) =>
  listTickets(tx, ListQuery.parse(query), { userId: fixture.userId, role: fixture.role }).then((page) => page.data.length);

export const OPERATIONS: readonly Operation[] = [
  {
    name: 'agent queue',
    roles: STAFF,
    run: (tx, context) => list(tx, context, { status: ['new', 'open'], assignee_id: 'none', sort: 'priority', limit: '25' }),
  },
  {
    name: "a customer's tickets",
    roles: ALL,
    // Customers list their own (the list adds the filter for them); staff filter by the requester.
    run: (tx, context) =>
      list(tx, context, context.fixture.role === 'customer' ? { limit: '25' } : { requester_id: context.fixture.requesterId, limit: '25' }),
  },
  {
    name: 'ticket + comments + history',
    roles: ALL,
    async run(tx, { fixture }) {
      await readTicket(tx, fixture.ticketId);
      await requireVisibleTicket(tx, fixture.ticketId);
      const comments = await tx.query(LIST_COMMENTS_SQL, [fixture.ticketId, null, false, null, null, 51]);
      const history = await listHistory(tx, fixture.ticketId, { limit: 50 });
      return 1 + comments.rows.length + history.data.length;
    },
  },
  {
    name: 'create ticket',
    roles: ALL,
    async run(tx, { n }) {
      const body = TicketCreate.parse({ title: `Bench ticket ${n}: VPN keeps disconnecting`, description: 'Created by bench/rls.ts.', priority: 'medium' });
      await createTicket(tx, body);
      return 1;
    },
  },
  {
    name: 'add comment',
    roles: ALL,
    async run(tx, { fixture, n }) {
      await requireVisibleTicket(tx, fixture.ticketId);
      const { rows } = await tx.query(INSERT_COMMENT_SQL, [fixture.ticketId, `Bench reply ${n}: please try again now.`, false]);
      return rows.length;
    },
  },
  {
    name: 'ticket search',
    roles: ALL,
    run: (tx, context) => list(tx, context, { q: SEARCH_TERMS[context.n % SEARCH_TERMS.length], limit: '25' }),
  },
  {
    name: 'global search',
    roles: ALL,
    async run(tx, { n }) {
      const { rows } = await tx.query(SEARCH_SQL, [SEARCH_TERMS[n % SEARCH_TERMS.length], true, true, true, null, null, null, 21, HEADLINE_OPTIONS]);
      return rows.length;
    },
  },
  {
    name: 'kb search',
    roles: ALL,
    async run(tx, { n }) {
      const { rows } = await tx.query(KB_SEARCH_SQL, [KB_SEARCH_TERMS[n % KB_SEARCH_TERMS.length], null, null, null, null, 21, SNIPPET_OPTIONS]);
      return rows.length;
    },
  },
  {
    name: 'dashboard stats',
    roles: ALL,
    async run(tx, { fixture, now }) {
      const customer = fixture.role === 'customer' ? fixture.userId : null;
      const { rows } = await tx.query<{ total: number }>(STATS_SQL, [null, null, null, null, now.toISOString(), customer]);
      return rows[0]?.total ?? 0;
    },
  },
  {
    name: 'sla breach scan',
    roles: STAFF,
    run: (tx, { now }) => listSlaStates(tx, { limit: 25, status: ['breached'] }, now).then((page) => page.data.length),
  },
];
