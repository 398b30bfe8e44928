/**
 * Customer satisfaction ratings. The database holds the rules: only a ticket's requester may rate
 * it, only once it is resolved or closed (triggers), and a rating is seen by its author and by the
 * staff who see the ticket (row-level security).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { isDatabaseError } from '../../http/database-errors.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, Problem } from '../../http/problem.js';
import { id, oneOrMany, page, timestamp } from '../../http/schemas.js';
import { requireVisibleTicket } from '../comments/visible-ticket.js';
import { FEEDBACK_COLUMNS, toFeedback, type FeedbackRow } from './feedback.js';
import { isRlsRefusal } from '../../http/refusal.js';

const rating = z.number().int().min(1).max(5);

const FeedbackInput = conforms<components['schemas']['FeedbackInput']>()(
  z.strictObject({ rating, comment: z.string().max(10_000).nullable().optional() }),
);

const ListQuery = z.strictObject({
  ...page,
  rating: oneOrMany(z.coerce.number({ error: 'must be an integer' }).pipe(rating)).pipe(z.array(z.number()).max(5)).optional(),
  ticket_id: id.optional(),
  created_after: timestamp.optional(),
  created_before: timestamp.optional(),
});

const TicketParams = z.strictObject({ ticket_id: id });

/** A ticket's rating. */
export function ticketFeedbackRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const tx = c.get('tx');
      await requireVisibleTicket(tx, ticket_id);
      const { rows } = await tx.query<FeedbackRow>(`select ${FEEDBACK_COLUMNS} from ticket_feedback where ticket_id = $1`, [ticket_id]);
      if (!rows[0]) throw new Problem(404, 'not_found', 'This ticket has not been rated.');
      return c.json(toFeedback(rows[0]));
    })
    .put('/', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const input = await readJson(c, FeedbackInput);
      const tx = c.get('tx');
      await requireVisibleTicket(tx, ticket_id);
      // PUT replaces: a comment left out is cleared. xmax = 0 only on a row this statement inserted.
      const { rows } = await tx
        .query<FeedbackRow & { created: boolean }>(
          `insert into ticket_feedback (ticket_id, rating, comment) values ($1, $2, $3)
           on conflict (ticket_id) do update set rating = excluded.rating, comment = excluded.comment
           returning ${FEEDBACK_COLUMNS}, xmax = 0 as created`,
          [ticket_id, input.rating, input.comment ?? null],
        )
        .catch(ratingRefused);
      const row = rows[0]!;
      if (row.created) return c.json(toFeedback(row), 201, { Location: `/v1/tickets/${ticket_id}/feedback` });
      return c.json(toFeedback(row));
    });
}

/** Ratings across tickets. */
export function feedbackRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = {
        rating: query.rating ? [...new Set(query.rating)].sort((a, b) => a - b) : undefined,
        ticket_id: query.ticket_id,
        created_after: query.created_after,
        created_before: query.created_before,
      };
      const print = fingerprint('feedback', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      // Newest first: the latest opinions are the ones a report starts with.
      const { rows } = await c.get('tx').query<FeedbackRow & { created_key: string }>(
        `select ${FEEDBACK_COLUMNS}, created_at::text as created_key from ticket_feedback
          where ($1::int[] is null or rating = any ($1::int[]))
            and ($2::uuid is null or ticket_id = $2)
            and ($3::timestamptz is null or created_at >= $3)
            and ($4::timestamptz is null or created_at < $4)
            and ($5::timestamptz is null or (created_at, id) < ($5::timestamptz, $6::uuid))
          order by created_at desc, id desc
          limit $7`,
        [
          filters.rating ?? null,
          filters.ticket_id ?? null,
          filters.created_after ?? null,
          filters.created_before ?? null,
          after?.[0] ?? null,
          after?.[1] ?? null,
          query.limit + 1,
        ],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toFeedback));
    });
}

/** The rating triggers' refusals, told apart by the rule they name. */
function ratingRefused(error: unknown): never {
  if (isDatabaseError(error) && error.code === '23514') {
    if (error.constraint === 'ticket_feedback_by_requester') throw forbidden('Only the requester of a ticket may rate it.');
    if (error.constraint === 'ticket_feedback_when_resolved') throw new Problem(409, 'invalid_transition', error.message);
  }
  // Row-level security: a rating that belongs to someone else.
  if (isRlsRefusal(error)) throw forbidden('Only the requester of a ticket may rate it.');
  throw error;
}
