/**
 * `tf.attachments` (examples/server/src/api/attachments): uploads to a ticket or a comment as
 * `multipart/form-data`, their lists, details, soft deletes and downloads. The bytes are kept in
 * memory; a download answers them with the server's headers (type, length, disposition, the
 * SHA-256 as ETag, `If-None-Match` → 304).
 */
import { z } from 'zod';
import { requireScope } from '../auth.js';
import { noContent, ok, type Answer, type HandlerContext, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import { canSeeAttachment, commentDeletedAt, insertAttachment, toAttachment, visibleAttachment } from '../rules/attachments.js';
import { canSeeComment, visibleTicket } from '../rules/policies.js';
import { receiveUpload, uploadIdentity } from '../rules/uploads.js';
import type { Work } from '../world.js';
import { flag, idKey, page } from './shared.js';

const TicketParams = z.strictObject({ ticket_id: idKey });
const CommentParams = z.strictObject({ ticket_id: idKey, comment_id: idKey });
const AttachmentParams = z.strictObject({ attachment_id: idKey });
const ListQuery = z.strictObject({ ...page, include_deleted: flag.default(false) });

interface Parent {
  ticket_id: string;
  comment_id?: string;
}

/** The ticket, and the comment when there is one, must be visible; says whether that comment was deleted. */
function requireParent(work: Work, { ticket_id, comment_id }: Parent): { commentDeleted: boolean } {
  if (!visibleTicket(work.world, work.me, ticket_id)) throw notFound('ticket');
  if (comment_id === undefined) return { commentDeleted: false };
  const comment = work.world.store.tables.comments.get(comment_id);
  // The lookup runs under row-level security: a comment the caller cannot see is not there.
  if (comment?.ticket_id !== ticket_id || !canSeeComment(work.world, work.me, comment)) throw notFound('comment');
  return { commentDeleted: comment.deleted_at !== null };
}

function list({ world, work, req }: HandlerContext, parent: Parent) {
  const query = req.query(ListQuery);
  requireParent(work, parent);
  const rows = world.store.tables.attachments.where(
    (row) =>
      (parent.comment_id === undefined ? row.ticket_id === parent.ticket_id : row.comment_id === parent.comment_id) &&
      canSeeAttachment(world, work.me, row) &&
      (query.include_deleted || (row.deleted_at === null && commentDeletedAt(world, row) === null)),
  );
  return ok(
    paginate(rows, {
      limit: query.limit,
      cursor: query.cursor,
      print: fingerprint('attachments', { ticket_id: parent.ticket_id, comment_id: parent.comment_id, include_deleted: query.include_deleted }),
      keyLength: 2,
      keyOf: (row) => [row.created_at, row.id],
      serialize: toAttachment,
    }),
  );
}

/** What the server's upload middleware does before the request goes on: scope, path, the form. */
function receive({ world, work, req }: HandlerContext, params: z.ZodType): string {
  requireScope(work.me, 'tickets', 'POST');
  req.params(params);
  return uploadIdentity(receiveUpload(req.header('content-type'), req.bytes, world.settings.maxUploadBytes));
}

function upload({ world, work, req }: HandlerContext, parent: Parent): Answer<ReturnType<typeof toAttachment>> {
  const type = req.header('content-type');
  if (!type?.trim().toLowerCase().startsWith('multipart/')) throw new MockProblem(415, 'unsupported_media_type', 'Send the file as multipart/form-data.');
  const received = receiveUpload(type, req.bytes, world.settings.maxUploadBytes);
  if (requireParent(work, parent).commentDeleted) throw new MockProblem(409, 'conflict', 'A deleted comment cannot take attachments.');
  const row = insertAttachment(work, { ticketId: parent.ticket_id, commentId: parent.comment_id }, received);
  return { status: 201, body: toAttachment(row), headers: { Location: `/v1/attachments/${row.id}` } };
}

/** `Content-Disposition: attachment` with the name exactly in `filename*` (RFC 8187) and an ASCII stand-in in `filename`. */
export function attachmentDisposition(fileName: string): string {
  const extValue = encodeURIComponent(fileName).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  const standIn = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${standIn}"; filename*=UTF-8''${extValue}`;
}

/** If-None-Match: a list of entity tags, or `*`; weak tags compare by their opaque part. */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value.replace(/^W\//, '') === etag;
  });
}

export const attachmentHandlers: HandlerTable = {
  listTicketAttachments: {
    scope: 'tickets',
    handle(context) {
      return list(context, context.req.params(TicketParams));
    },
  },
  listCommentAttachments: {
    scope: 'tickets',
    handle(context) {
      return list(context, context.req.params(CommentParams));
    },
  },
  uploadAttachment: {
    scope: 'tickets',
    receive: (context) => receive(context, TicketParams),
    handle(context) {
      return upload(context, context.req.params(TicketParams));
    },
  },
  uploadCommentAttachment: {
    scope: 'tickets',
    receive: (context) => receive(context, CommentParams),
    handle(context) {
      return upload(context, context.req.params(CommentParams));
    },
  },
  getAttachment: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { attachment_id } = req.params(AttachmentParams);
      const row = visibleAttachment(world, work.me, attachment_id);
      if (!row) throw notFound('attachment');
      return ok(toAttachment(row));
    },
  },
  downloadAttachment: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { attachment_id } = req.params(AttachmentParams);
      const row = visibleAttachment(world, work.me, attachment_id);
      if (!row) throw notFound('attachment');
      if (row.deleted_at !== null) throw new MockProblem(404, 'not_found', 'This attachment was deleted.');
      if (commentDeletedAt(world, row) !== null) throw new MockProblem(404, 'not_found', 'The comment this file was attached to was deleted.');
      const etag = `"${row.sha256}"`;
      // The content of a file never changes, so a matching tag is proof enough (access was checked above).
      if (noneMatch(req.header('if-none-match'), etag)) return { status: 304, body: undefined, headers: { ETag: etag } };
      return {
        status: 200,
        body: undefined,
        raw: new Uint8Array(row.content),
        headers: {
          'Content-Type': row.mime_type,
          'Content-Length': String(row.content.byteLength),
          'Content-Disposition': attachmentDisposition(row.file_name),
          ETag: etag,
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'; sandbox",
          'Cache-Control': 'private, no-cache',
        },
      };
    },
  },
  deleteAttachment: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const { attachment_id } = req.params(AttachmentParams);
      const actor = work.me;
      const row = visibleAttachment(world, actor, attachment_id);
      if (!row) throw notFound('attachment');
      // Deleting twice is the same as deleting once.
      if (row.deleted_at !== null) return noContent();
      if (row.uploaded_by !== actor.id && actor.role !== 'admin') throw forbidden('Only the uploader of a file or an admin may delete it.');
      world.store.tables.attachments.put({ ...row, deleted_at: work.now() });
      return noContent();
    },
  },
};
