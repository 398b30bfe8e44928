/** A `ticket_feedback` row and its contract shape. */
import type { components } from '../../../../../src/generated/api.js';
import { iso } from '../../http/serialize.js';

export type Feedback = components['schemas']['Feedback'];

export interface FeedbackRow {
  id: string;
  ticket_id: string;
  customer_id: string;
  rating: number;
  comment: string | null;
  created_at: Date;
  updated_at: Date;
}

export const FEEDBACK_COLUMNS = 'id, ticket_id, customer_id, rating, comment, created_at, updated_at';

export const toFeedback = (row: FeedbackRow): Feedback => ({
  id: row.id,
  ticket_id: row.ticket_id,
  customer_id: row.customer_id,
  rating: row.rating,
  comment: row.comment,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});
