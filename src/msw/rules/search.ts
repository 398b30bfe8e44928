/**
 * The text each searchable row is indexed by, as the server's generated `search_vector` columns
 * hold it: a ticket's title (weight A) and description (B); a comment's body (D); an article's
 * title (A), summary (B) and body (C). Computed on demand: the mock has no index to keep.
 */
import { toTsVector, type TsVector } from '../fulltext.js';
import type { CommentRow, KbArticleRow, TicketRow } from '../store.js';

export const ticketVector = (ticket: TicketRow): TsVector =>
  toTsVector([
    { text: ticket.title, weight: 'A' },
    { text: ticket.description, weight: 'B' },
  ]);

export const commentVector = (comment: CommentRow): TsVector => toTsVector([{ text: comment.body, weight: 'D' }]);

export const articleVector = (article: KbArticleRow): TsVector =>
  toTsVector([
    { text: article.title, weight: 'A' },
    { text: article.summary ?? '', weight: 'B' },
    { text: article.body, weight: 'C' },
  ]);
