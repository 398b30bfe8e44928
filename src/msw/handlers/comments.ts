/**
 * `tf.comments` (examples/server/src/api/comments): public replies and internal notes. Customers
 * never see internal notes, nor deleted comments other than their own; only staff post internal
 * notes; the author (or an admin) edits and deletes, and deletes are soft, leaving a tombstone.
 * The first public reply by staff other than the requester stamps the ticket's first response.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { canSeeComment, mayUpdateComment, visibleTicket } from '../rules/policies.js';
import { updateTicketAsSystem } from '../rules/tickets.js';
import { emit, recordHistory } from '../rules/trail.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import type { CommentRow } from '../store.js';
import { isStaff, type Work } from '../world.js';
import { flag, idKey, page } from './shared.js';

const ListQuery = z.strictObject({
  ...page,
  visibility: z.enum(['public', 'internal', 'all']).default('all'),
  include_deleted: flag.default(false),
});

const TicketParams = z.strictObject({ ticket_id: idKey });
const CommentParams = z.strictObject({ ticket_id: idKey, comment_id: idKey });

/** A deleted comment keeps its place in the conversation, not its text. */
const toComment = (row: CommentRow): components['schemas']['Comment'] => ({ ...row, body: row.deleted_at === null ? row.body : null });

function requireVisibleTicket(work: Work, ticketId: string): void {
  if (!visibleTicket(work.world, work.me, ticketId)) throw notFound('ticket');
}

/** The comment as the caller sees it, on the ticket of the path. */
function visibleComment(work: Work, ticketId: string, commentId: string): CommentRow | undefined {
  const comment = work.world.store.tables.comments.get(commentId);
  return comment?.ticket_id === ticketId && canSeeComment(work.world, work.me, comment) ? comment : undefined;
}

/** Why an edit or delete matched nothing: invisible (404), already deleted, or not the caller's (403). */
function refusal(work: Work, ticketId: string, commentId: string, action: 'edit' | 'delete'): MockProblem | 'deleted' {
  const comment = visibleComment(work, ticketId, commentId);
  if (!comment) return notFound('comment');
  if (comment.deleted_at !== null) return 'deleted';
  return forbidden(`Only the author of a comment or an admin may ${action} it.`);
}

export const commentHandlers: HandlerTable = {
  listComments: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const query = req.query(ListQuery);
      requireVisibleTicket(work, ticket_id);
      const internal = { public: false, internal: true, all: null }[query.visibility];
      const rows = world.store.tables.comments.where(
        (comment) =>
          comment.ticket_id === ticket_id &&
          canSeeComment(world, work.me, comment) &&
          (internal === null || comment.is_internal === internal) &&
          (query.include_deleted || comment.deleted_at === null),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('comments', { ticket_id, visibility: query.visibility, include_deleted: query.include_deleted }),
          keyLength: 2,
          keyOf: (comment) => [comment.created_at, comment.id],
          serialize: toComment,
        }),
      );
    },
  },
  createComment: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id } = req.params(TicketParams);
      const input = req.json('createComment');
      requireVisibleTicket(work, ticket_id);
      const actor = work.me;
      const isInternal = input.is_internal ?? false;
      if (isInternal && !isStaff(actor)) throw forbidden('Only staff may post internal notes.');
      const now = work.now();
      const comment = world.store.tables.comments.put({
        id: world.ids.uuid(),
        ticket_id,
        author_id: actor.id,
        body: input.body,
        is_internal: isInternal,
        edited: false,
        edit_count: 0,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      });
      recordHistory(work, ticket_id, 'comment_added', null, null, { comment_id: comment.id, is_internal: isInternal }, isInternal);
      emit(work, 'comment.created', ticket_id, isInternal, { comment_id: comment.id, is_internal: isInternal });
      const ticket = world.store.tables.tickets.get(ticket_id)!;
      if (!isInternal && isStaff(actor) && ticket.sla.first_responded_at === null && ticket.requester_id !== actor.id) {
        updateTicketAsSystem(work, ticket, { sla: { first_responded_at: now } });
      }
      return created(toComment(comment), { Location: `/v1/tickets/${ticket_id}/comments/${comment.id}` });
    },
  },
  getComment: {
    scope: 'tickets',
    handle({ work, req }) {
      const { ticket_id, comment_id } = req.params(CommentParams);
      const comment = visibleComment(work, ticket_id, comment_id);
      if (!comment) throw notFound('comment');
      return ok(toComment(comment));
    },
  },
  updateComment: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id, comment_id } = req.params(CommentParams);
      const input = req.json('updateComment');
      const comment = visibleComment(work, ticket_id, comment_id);
      if (comment?.deleted_at !== null || !mayUpdateComment(world, work.me, comment)) {
        const refused = refusal(work, ticket_id, comment_id, 'edit');
        throw refused === 'deleted' ? new MockProblem(409, 'conflict', 'A deleted comment cannot be edited.') : refused;
      }
      const changed = input.body !== comment.body;
      const updated = world.store.tables.comments.put({
        ...comment,
        body: input.body,
        edited: changed || comment.edited,
        edit_count: comment.edit_count + (changed ? 1 : 0),
        updated_at: work.now(),
      });
      emit(work, 'comment.updated', ticket_id, updated.is_internal && comment.is_internal, { comment_id, is_internal: updated.is_internal });
      return ok(toComment(updated));
    },
  },
  deleteComment: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { ticket_id, comment_id } = req.params(CommentParams);
      const comment = visibleComment(work, ticket_id, comment_id);
      if (comment?.deleted_at !== null || !mayUpdateComment(world, work.me, comment)) {
        const refused = refusal(work, ticket_id, comment_id, 'delete');
        // Deleting twice is the same as deleting once.
        if (refused === 'deleted') return noContent();
        throw refused;
      }
      const now = work.now();
      world.store.tables.comments.put({ ...comment, deleted_at: now, updated_at: now });
      emit(work, 'comment.deleted', ticket_id, comment.is_internal, { comment_id });
      return noContent();
    },
  },
};
