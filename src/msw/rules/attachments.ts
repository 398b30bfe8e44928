/**
 * Attachments as the server's database keeps them (examples/server/migrations 0004, 0009, 0011,
 * 0012): a file is visible with its parent — the ticket, or the comment, so a customer never
 * reaches the files of an internal note — and a deleted file only to staff and to its uploader;
 * customers attach to tickets they see and to their own comments only; every new file writes an
 * `attachment_added` history entry and an `attachment.created` event, internal when its comment is.
 */
import type { components } from '../../generated/api.js';
import { forbidden } from '../problems.js';
import { omit, type AttachmentRow, type CommentRow } from '../store.js';
import { isStaff, type Actor, type Work, type World } from '../world.js';
import { canSeeComment, visibleTicket } from './policies.js';
import { emit, recordHistory } from './trail.js';
import type { ReceivedUpload } from './uploads.js';

/** The comment a file hangs on, if the caller may see it (comments_select, comments_select_own). */
function visibleComment(world: World, actor: Actor, commentId: string): CommentRow | undefined {
  const comment = world.store.tables.comments.get(commentId);
  return comment && canSeeComment(world, actor, comment) ? comment : undefined;
}

/** attachments_select and attachments_select_own: with a visible parent; deleted files for staff and their uploader. */
export function canSeeAttachment(world: World, actor: Actor, row: AttachmentRow): boolean {
  const parent = row.comment_id === null ? visibleTicket(world, actor, row.ticket_id) : visibleComment(world, actor, row.comment_id);
  if (!parent) return false;
  return isStaff(actor) || row.deleted_at === null || row.uploaded_by === actor.id;
}

/** The file with `id` if the caller may see it. */
export function visibleAttachment(world: World, actor: Actor, id: string): AttachmentRow | undefined {
  const row = world.store.tables.attachments.get(id);
  return row && canSeeAttachment(world, actor, row) ? row : undefined;
}

/** When the comment a file was attached to was deleted (a deleted comment takes its files with it); null otherwise. */
export function commentDeletedAt(world: World, row: AttachmentRow): string | null {
  return row.comment_id === null ? null : (world.store.tables.comments.get(row.comment_id)?.deleted_at ?? null);
}

/** The contract's `Attachment`: the row without its bytes. */
export function toAttachment(row: AttachmentRow): components['schemas']['Attachment'] {
  return omit(row, ['content']);
}

export interface AttachmentParent {
  ticketId: string;
  commentId?: string | undefined;
}

/**
 * INSERT INTO attachments as the caller (attachments_insert: the caller is the uploader, and a
 * comment's file needs the comment to be the caller's unless they are staff), and its trigger.
 */
export function insertAttachment(work: Work, parent: AttachmentParent, upload: ReceivedUpload): AttachmentRow {
  const actor = work.me;
  const { store, ids } = work.world;
  let internal = false;
  if (parent.commentId !== undefined) {
    const comment = visibleComment(work.world, actor, parent.commentId);
    if (!comment || (comment.author_id !== actor.id && !isStaff(actor))) throw forbidden('Customers may attach files only to their own comments.');
    internal = comment.is_internal;
  } else if (!visibleTicket(work.world, actor, parent.ticketId)) {
    throw forbidden('Customers may attach files only to their own comments.');
  }
  const id = ids.uuid();
  const row = store.tables.attachments.put({
    id,
    ticket_id: parent.ticketId,
    comment_id: parent.commentId ?? null,
    file_name: upload.fileName,
    mime_type: upload.mimeType,
    size_bytes: upload.sizeBytes,
    sha256: upload.sha256,
    description: upload.description,
    uploaded_by: actor.id,
    created_at: work.now(),
    deleted_at: null,
    content_url: `/v1/attachments/${id}/content`,
    content: upload.content,
  });
  recordHistory(work, parent.ticketId, 'attachment_added', null, null, { attachment_id: id, file_name: row.file_name, comment_id: row.comment_id }, internal);
  emit(work, 'attachment.created', parent.ticketId, internal, { attachment_id: id, comment_id: row.comment_id });
  return row;
}

/** Files of a ticket and of its comments go with the ticket (ON DELETE CASCADE). */
export function deleteAttachmentsOf(world: World, ticketId: string): void {
  const { attachments } = world.store.tables;
  for (const row of attachments.where((attachment) => attachment.ticket_id === ticketId)) attachments.delete(row.id);
}
