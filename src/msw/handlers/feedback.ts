/**
 * `tf.feedback` (examples/server/src/api/feedback): a ticket's rating, given or replaced by its
 * requester once the ticket is resolved, and the list of ratings — customers see their own, staff
 * those of the tickets they see. The rules are in rules/feedback.ts.
 */
import { z } from 'zod';
import { ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { MockProblem, notFound } from '../problems.js';
import { canSeeTicketFeedback, rate } from '../rules/feedback.js';
import { visibleTicket } from '../rules/policies.js';
import { idKey, page, timestamp } from './shared.js';

const rating = z.number().int().min(1).max(5);

const ListQuery = z.strictObject({
  ...page,
  rating: z
    .union([z.coerce.number({ error: 'must be an integer' }).pipe(rating), z.array(z.coerce.number({ error: 'must be an integer' }).pipe(rating))])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(z.array(z.number()).max(5))
    .optional(),
  ticket_id: idKey.optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
});

const TicketParams = z.strictObject({ ticket_id: idKey });

export const feedbackHandlers: HandlerTable = {
  getTicketFeedback: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      if (!visibleTicket(world, work.me, ticket_id)) throw notFound('ticket');
      const row = world.store.tables.ticketFeedback.all().find((feedback) => feedback.ticket_id === ticket_id && canSeeTicketFeedback(world, work.me, feedback));
      if (!row) throw new MockProblem(404, 'not_found', 'This ticket has not been rated.');
      return ok(row);
    },
  },
  rateTicket: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const input = req.json('rateTicket');
      if (!visibleTicket(world, work.me, ticket_id)) throw notFound('ticket');
      const { row, created } = rate(work, ticket_id, input);
      return created ? { status: 201, body: row, headers: { Location: `/v1/tickets/${ticket_id}/feedback` } } : ok(row);
    },
  },
  listFeedback: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const query = req.query(ListQuery);
      const filters = {
        rating: query.rating ? [...new Set(query.rating)].sort((a, b) => a - b) : undefined,
        ticket_id: query.ticket_id,
        created_after: query.created_after,
        created_before: query.created_before,
      };
      const rows = world.store.tables.ticketFeedback.where(
        (row) =>
          canSeeTicketFeedback(world, work.me, row) &&
          (filters.rating === undefined || filters.rating.includes(row.rating)) &&
          (filters.ticket_id === undefined || row.ticket_id === filters.ticket_id) &&
          (filters.created_after === undefined || Date.parse(row.created_at) >= Date.parse(filters.created_after)) &&
          (filters.created_before === undefined || Date.parse(row.created_at) < Date.parse(filters.created_before)),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('feedback', filters),
          // Newest first: the latest opinions are the ones a report starts with.
          descending: true,
          keyLength: 2,
          keyOf: (row) => [row.created_at, row.id],
          serialize: (row) => row,
        }),
      );
    },
  },
};
