/** An `attachments` row, read with the ticket it belongs to, and its contract shape. */
import type { components } from '../../../../../src/generated/api.js';
import type { Queryable } from '../../db/database.js';
import { notFound } from '../../http/problem.js';
import { iso, isoOrNull } from '../../http/serialize.js';

export type Attachment = components['schemas']['Attachment'];

export interface AttachmentRow {
  id: string;
  ticket_id: string;
  comment_id: string | null;
  file_name: string;
  mime_type: string;
  /** bigint: a string from pg, a number from PGlite. */
  size_bytes: string | number;
  sha256: string;
  storage_key: string;
  description: string | null;
  uploaded_by: string | null;
  created_at: Date;
  deleted_at: Date | null;
  /** created_at as text, for cursors: a Date would lose the microseconds. */
  created_key: string;
  /** When the file's comment was deleted: a deleted comment takes its files with it. */
  comment_deleted_at: Date | null;
}

/**
 * `from attachments a left join comments c`: a comment's file takes its ticket from the comment.
 * The join runs under row-level security too, but a file is only visible with its comment.
 */
export const ATTACHMENT_SELECT = `
  select a.id, coalesce(a.ticket_id, c.ticket_id) as ticket_id, a.comment_id, a.file_name, a.mime_type,
         a.size_bytes, a.sha256, a.storage_key, a.description, a.uploaded_by, a.created_at, a.deleted_at,
         a.created_at::text as created_key, c.deleted_at as comment_deleted_at
    from attachments a left join comments c on c.id = a.comment_id`;

export const toAttachment = (row: AttachmentRow): Attachment => ({
  id: row.id,
  ticket_id: row.ticket_id,
  comment_id: row.comment_id,
  file_name: row.file_name,
  mime_type: row.mime_type,
  size_bytes: Number(row.size_bytes),
  sha256: row.sha256,
  description: row.description,
  uploaded_by: row.uploaded_by,
  created_at: iso(row.created_at),
  deleted_at: isoOrNull(row.deleted_at),
  content_url: `/v1/attachments/${row.id}/content`,
});

/** One attachment the caller can see, or a 404. */
export async function readAttachment(tx: Queryable, attachmentId: string): Promise<AttachmentRow> {
  const { rows } = await tx.query<AttachmentRow>(`${ATTACHMENT_SELECT} where a.id = $1`, [attachmentId]);
  if (!rows[0]) throw notFound('attachment');
  return rows[0];
}
