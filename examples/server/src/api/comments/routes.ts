/**
 * Comments on a ticket: public replies and internal notes. Row-level security decides everything
 * about who: which comments a caller sees (customers: public ones, and what they deleted
 * themselves), who may post internal notes (staff), and who may edit or delete (the author, or an
 * admin). Edits are marked by a trigger; deletes are soft, leaving a tombstone.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';
import { flag, id, page } from '../../http/schemas.js';
import { COMMENT_COLUMNS, toComment, type CommentRow } from './comment.js';
import { requireVisibleTicket } from './visible-ticket.js';
import { forbiddenUnless } from '../../http/refusal.js';

const body = z
  .string()
  .min(1)
  .max(100_000)
  .refine((value) => value.trim().length > 0, 'must not be blank');

const CommentCreate = conforms<components['schemas']['CommentCreate']>()(
  z.strictObject({ body, is_internal: z.boolean().optional() }),
);

const CommentUpdate = conforms<components['schemas']['CommentUpdate']>()(z.strictObject({ body }));

const ListQuery = z.strictObject({
  ...page,
  visibility: z.enum(['public', 'internal', 'all']).default('all'),
  include_deleted: flag.default(false),
});

const TicketParams = z.strictObject({ ticket_id: id });
const CommentParams = z.strictObject({ ticket_id: id, comment_id: id });

const INTERNAL_BY_VISIBILITY = { public: false, internal: true, all: null } as const;

// The statements are module constants so that bench/rls.ts times exactly what the routes run.

/** A page of a ticket's comments: $1 ticket, $2 is_internal or null, $3 include deleted, $4/$5 cursor, $6 limit. */
export const LIST_COMMENTS_SQL = `select ${COMMENT_COLUMNS}, created_at::text as created_key from comments
          where ticket_id = $1
            and ($2::boolean is null or is_internal = $2)
            and ($3 or deleted_at is null)
            and ($4::timestamptz is null or (created_at, id) > ($4::timestamptz, $5::uuid))
          order by created_at, id
          limit $6`;

/** A new comment by the bound actor: $1 ticket, $2 body, $3 is_internal. */
export const INSERT_COMMENT_SQL = `insert into comments (ticket_id, body, is_internal) values ($1, $2, $3) returning ${COMMENT_COLUMNS}`;

export function commentRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const query = readQuery(c, ListQuery);
      const tx = c.get('tx');
      await requireVisibleTicket(tx, ticket_id);
      const filters = { ticket_id, visibility: query.visibility, include_deleted: query.include_deleted };
      const print = fingerprint('comments', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      // Oldest first, as a conversation reads; the id breaks ties between comments of one instant.
      const { rows } = await tx.query<CommentRow & { created_key: string }>(
        LIST_COMMENTS_SQL,
        [ticket_id, INTERNAL_BY_VISIBILITY[query.visibility], query.include_deleted, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toComment));
    })
    .post('/', async (c) => {
      const { ticket_id } = readParams(c, TicketParams);
      const input = await readJson(c, CommentCreate);
      const tx = c.get('tx');
      await requireVisibleTicket(tx, ticket_id);
      const { rows } = await forbiddenUnless(
        tx.query<CommentRow>(
          INSERT_COMMENT_SQL,
          [ticket_id, input.body, input.is_internal ?? false],
        ),
        'Only staff may post internal notes.',
      );
      const comment = toComment(rows[0]!);
      return c.json(comment, 201, { Location: `/v1/tickets/${ticket_id}/comments/${comment.id}` });
    })
    .get('/:comment_id', async (c) => {
      const { ticket_id, comment_id } = readParams(c, CommentParams);
      const { rows } = await c
        .get('tx')
        .query<CommentRow>(`select ${COMMENT_COLUMNS} from comments where id = $1 and ticket_id = $2`, [comment_id, ticket_id]);
      if (!rows[0]) throw notFound('comment');
      return c.json(toComment(rows[0]));
    })
    .patch('/:comment_id', async (c) => {
      const { ticket_id, comment_id } = readParams(c, CommentParams);
      const input = await readJson(c, CommentUpdate);
      const tx = c.get('tx');
      const { rows } = await tx.query<CommentRow>(
        `update comments set body = $3 where id = $1 and ticket_id = $2 and deleted_at is null returning ${COMMENT_COLUMNS}`,
        [comment_id, ticket_id, input.body],
      );
      if (rows[0]) return c.json(toComment(rows[0]));
      const state = await commentState(tx, comment_id, ticket_id);
      if (state === 'deleted') throw new Problem(409, 'conflict', 'A deleted comment cannot be edited.');
      throw state === 'missing' ? notFound('comment') : forbidden('Only the author of a comment or an admin may edit it.');
    })
    .delete('/:comment_id', async (c) => {
      const { ticket_id, comment_id } = readParams(c, CommentParams);
      const tx = c.get('tx');
      const { rowCount } = await tx.query(
        'update comments set deleted_at = now() where id = $1 and ticket_id = $2 and deleted_at is null',
        [comment_id, ticket_id],
      );
      if (rowCount > 0) return c.body(null, 204);
      const state = await commentState(tx, comment_id, ticket_id);
      // Deleting twice is the same as deleting once.
      if (state === 'deleted') return c.body(null, 204);
      throw state === 'missing' ? notFound('comment') : forbidden('Only the author of a comment or an admin may delete it.');
    });
}

/** Why a write to a comment matched nothing: invisible (404), already deleted, or not the caller's. */
async function commentState(tx: Queryable, commentId: string, ticketId: string): Promise<'missing' | 'deleted' | 'standing'> {
  const { rows } = await tx.query<{ deleted: boolean }>(
    'select deleted_at is not null as deleted from comments where id = $1 and ticket_id = $2',
    [commentId, ticketId],
  );
  if (!rows[0]) return 'missing';
  return rows[0].deleted ? 'deleted' : 'standing';
}
