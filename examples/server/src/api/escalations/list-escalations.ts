/**
 * One keyset-paginated query behind both escalation lists (all visible, and one ticket's): newest
 * first, the id breaking ties. Row-level security decides which escalations exist for the caller.
 */
import type { Queryable } from '../../db/database.js';
import { decodeCursor, fingerprint, toPage, type Page } from '../../http/pagination.js';
import { ESCALATION_COLUMNS, toEscalation, type Escalation, type EscalationRow } from './escalation-row.js';

export interface EscalationFilters {
  status?: Escalation['status'][] | undefined;
  type?: Escalation['escalation_type'][] | undefined;
  level?: number | undefined;
  ticket_id?: string | undefined;
  to_user_id?: string | undefined;
}

export async function listEscalations(
  tx: Queryable,
  list: string,
  filters: EscalationFilters,
  limit: number,
  cursor: string | undefined,
): Promise<Page<Escalation>> {
  const print = fingerprint(list, { ...filters });
  const after = cursor ? decodeCursor(cursor, print, 2) : null;
  const { rows } = await tx.query<EscalationRow & { sort_at: string }>(
    `select ${ESCALATION_COLUMNS}, escalated_at::text as sort_at from escalations
      where ($1::text[] is null or status = any ($1::text[]::escalation_status[]))
        and ($2::text[] is null or escalation_type = any ($2::text[]::escalation_type[]))
        and ($3::smallint is null or escalation_level = $3)
        and ($4::uuid is null or ticket_id = $4)
        and ($5::uuid is null or to_user_id = $5)
        and ($6::timestamptz is null or (escalated_at, id) < ($6::timestamptz, $7::uuid))
      order by escalated_at desc, id desc
      limit $8`,
    [
      filters.status ?? null, filters.type ?? null, filters.level ?? null, filters.ticket_id ?? null, filters.to_user_id ?? null,
      after?.[0] ?? null, after?.[1] ?? null, limit + 1,
    ],
  );
  return toPage(rows, limit, print, (row) => [row.sort_at, row.id], toEscalation);
}
