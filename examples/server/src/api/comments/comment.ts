/** A `comments` row and its contract shape. */
import type { components } from '../../../../../src/generated/api.js';
import { iso, isoOrNull } from '../../http/serialize.js';

export type Comment = components['schemas']['Comment'];

export interface CommentRow {
  id: string;
  ticket_id: string;
  author_id: string | null;
  body: string;
  is_internal: boolean;
  edited: boolean;
  edit_count: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export const COMMENT_COLUMNS = 'id, ticket_id, author_id, body, is_internal, edited, edit_count, created_at, updated_at, deleted_at';

/** A deleted comment is a tombstone: it keeps its place in the conversation, not its text. */
export const toComment = (row: CommentRow): Comment => ({
  id: row.id,
  ticket_id: row.ticket_id,
  author_id: row.author_id,
  body: row.deleted_at ? null : row.body,
  is_internal: row.is_internal,
  edited: row.edited,
  edit_count: row.edit_count,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
  deleted_at: isoOrNull(row.deleted_at),
});
