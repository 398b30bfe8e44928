/**
 * Uploading and listing the files of a ticket or of one of its comments. Mounted twice: at
 * /tickets/:ticket_id/attachments and /tickets/:ticket_id/comments/:comment_id/attachments; the
 * presence of `comment_id` tells which.
 *
 * The bytes of an upload are already in storage when the route runs (`receiveAttachment`, before
 * the transaction): the route only records them, and row-level security decides whether the caller
 * may. If it may not, the middleware removes the bytes again.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { holdStoredObject } from '../../attachments/stored-objects.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound, Problem } from '../../http/problem.js';
import { flag, id, page } from '../../http/schemas.js';
import { requireVisibleTicket } from '../comments/visible-ticket.js';
import { ATTACHMENT_SELECT, readAttachment, toAttachment, type AttachmentRow } from './attachment.js';
import { forbiddenUnless } from '../../http/refusal.js';

const Params = z.strictObject({ ticket_id: id, comment_id: id.optional() });

const ListQuery = z.strictObject({ ...page, include_deleted: flag.default(false) });

export function ticketAttachmentRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const { ticket_id, comment_id } = readParams(c, Params);
      const query = readQuery(c, ListQuery);
      const tx = c.get('tx');
      await requireParent(tx, ticket_id, comment_id);
      const filters = { ticket_id, comment_id, include_deleted: query.include_deleted };
      const print = fingerprint('attachments', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      // A ticket's list holds its own files and its comments' files; the files of a deleted
      // comment go with it unless deleted things were asked for.
      const parent = comment_id ? { where: 'a.comment_id = $1', id: comment_id } : { where: '(a.ticket_id = $1 or c.ticket_id = $1)', id: ticket_id };
      const { rows } = await tx.query<AttachmentRow>(
        `${ATTACHMENT_SELECT}
          where ${parent.where}
            and ($2 or (a.deleted_at is null and c.deleted_at is null))
            and ($3::timestamptz is null or (a.created_at, a.id) > ($3::timestamptz, $4::uuid))
          order by a.created_at, a.id
          limit $5`,
        [parent.id, query.include_deleted, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toAttachment));
    })
    .post('/', async (c) => {
      const { ticket_id, comment_id } = readParams(c, Params);
      const upload = c.get('upload');
      if (!upload) throw new Problem(415, 'unsupported_media_type', 'Send the file as multipart/form-data.');
      const tx = c.get('tx');
      const parent = await requireParent(tx, ticket_id, comment_id);
      if (parent.commentDeleted) throw new Problem(409, 'conflict', 'A deleted comment cannot take attachments.');
      await holdStoredObject(tx, upload.storageKey);
      const { rows } = await forbiddenUnless(
        tx.query<{ id: string }>(
          `insert into attachments (ticket_id, comment_id, file_name, mime_type, size_bytes, sha256, storage_key, storage_provider, description)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           returning id`,
          [
            comment_id ? null : ticket_id,
            comment_id ?? null,
            upload.fileName,
            upload.mimeType,
            upload.sizeBytes,
            upload.sha256,
            upload.storageKey,
            deps.storage.provider,
            upload.description,
          ],
        ),
        'Customers may attach files only to their own comments.',
      );
      // Held under the lock: from here on a concurrent cleanup waits for this row to commit.
      if (!(await deps.storage.exists(upload.storageKey))) {
        throw new Problem(503, 'unavailable', 'The stored file was removed while this upload was saved; retry it.', undefined, {
          'Retry-After': '1',
        });
      }
      const attachment = toAttachment(await readAttachment(tx, rows[0]!.id));
      return c.json(attachment, 201, { Location: `/v1/attachments/${attachment.id}` });
    });
}

/** The ticket, and the comment when there is one, must be visible to the caller. */
async function requireParent(tx: Queryable, ticketId: string, commentId: string | undefined): Promise<{ commentDeleted: boolean }> {
  await requireVisibleTicket(tx, ticketId);
  if (!commentId) return { commentDeleted: false };
  const { rows } = await tx.query<{ deleted: boolean }>(
    'select deleted_at is not null as deleted from comments where id = $1 and ticket_id = $2',
    [commentId, ticketId],
  );
  if (!rows[0]) throw notFound('comment');
  return { commentDeleted: rows[0].deleted };
}
