/**
 * Chat sessions: customers open them, an agent accepts one from the waiting queue, either side ends
 * it. Row-level security decides who sees which session; the database's chat workflow guard
 * (migration 0012) decides which changes are allowed, so the handlers only pick the right answer
 * when a change matched nothing.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';
import { id, oneOrMany, page } from '../../http/schemas.js';
import { iso, isoOrNull } from '../../http/serialize.js';

type ChatSession = components['schemas']['ChatSession'];
type ChatSessionStatus = components['schemas']['ChatSessionStatus'];

interface ChatSessionRow {
  id: string;
  customer_id: string;
  agent_id: string | null;
  ticket_id: string | null;
  subject: string | null;
  status: ChatSessionStatus;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  /** created_at as text: the cursor keeps its microseconds. */
  created_key: string;
}

const COLUMNS =
  'id, customer_id, agent_id, ticket_id, subject, status, created_at, updated_at, started_at, ended_at, created_at::text as created_key';

const toChatSession = (row: ChatSessionRow): ChatSession => ({
  id: row.id,
  customer_id: row.customer_id,
  agent_id: row.agent_id,
  ticket_id: row.ticket_id,
  subject: row.subject,
  status: row.status,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
  started_at: isoOrNull(row.started_at),
  ended_at: isoOrNull(row.ended_at),
});

const STATUSES = ['waiting', 'active', 'ended'] as const satisfies readonly ChatSessionStatus[];

const ChatSessionCreate = conforms<components['schemas']['ChatSessionCreate']>()(
  z.strictObject({ subject: z.string().max(255).nullable().optional() }),
);

const ListQuery = z.strictObject({ ...page, status: oneOrMany(z.enum(STATUSES, { error: 'must be waiting, active or ended' })).optional() });

export const SessionParams = z.strictObject({ session_id: id });

/** The status of a session the caller can see, or a 404 when row-level security hides it. */
export async function visibleStatus(tx: Queryable, sessionId: string): Promise<ChatSessionStatus> {
  const { rows } = await tx.query<{ status: ChatSessionStatus }>('select status from chat_sessions where id = $1', [sessionId]);
  if (!rows[0]) throw notFound('chat session');
  return rows[0].status;
}

/**
 * Why a state change matched no row: invisible (404), already past the state the change starts
 * from (409), or visible but not the caller's to change (403).
 */
async function transitionRefusal(tx: Queryable, sessionId: string, from: (status: ChatSessionStatus) => boolean, detail: string) {
  const status = await visibleStatus(tx, sessionId);
  if (!from(status)) return new Problem(409, 'conflict', `This chat session is already ${status}.`);
  return forbidden(detail);
}

export function chatSessionRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const statuses = query.status ? [...new Set(query.status)].sort() : null;
      const print = fingerprint('chat_sessions', { status: statuses });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      // Enum arrays travel as text[] (PGlite serialises only built-in array types) and are cast in SQL.
      const { rows } = await c.get('tx').query<ChatSessionRow>(
        `select ${COLUMNS} from chat_sessions
          where ($1::text[] is null or status = any ($1::text[]::chat_session_status[]))
            and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
          order by created_at desc, id desc
          limit $4`,
        [statuses, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toChatSession));
    })
    .post('/', async (c) => {
      const body = await readJson(c, ChatSessionCreate);
      // Only for a clearer message: the insert policy refuses staff by itself.
      if (c.get('role') !== 'customer') throw forbidden('Only customers start chat sessions.');
      const { rows } = await c.get('tx').query<ChatSessionRow>(
        `insert into chat_sessions (subject) values ($1) returning ${COLUMNS}`,
        [body.subject ?? null],
      );
      const session = toChatSession(rows[0]!);
      return c.json(session, 201, { Location: `/v1/chat/sessions/${session.id}` });
    })
    .get('/:session_id', async (c) => {
      const { session_id } = readParams(c, SessionParams);
      const { rows } = await c.get('tx').query<ChatSessionRow>(`select ${COLUMNS} from chat_sessions where id = $1`, [session_id]);
      if (!rows[0]) throw notFound('chat session');
      return c.json(toChatSession(rows[0]));
    })
    .post('/:session_id/accept', async (c) => {
      const { session_id } = readParams(c, SessionParams);
      const tx = c.get('tx');
      // `status = 'waiting'` in the WHERE makes two agents accepting at once safe: the second
      // re-reads the row after the first commits, no longer matches, and is refused.
      const { rows } = await tx.query<ChatSessionRow>(
        `update chat_sessions set status = 'active', agent_id = app.user_id()
          where id = $1 and status = 'waiting'
          returning ${COLUMNS}`,
        [session_id],
      );
      if (!rows[0]) throw await transitionRefusal(tx, session_id, (status) => status === 'waiting', 'You may not accept this chat session.');
      return c.json(toChatSession(rows[0]));
    })
    .post('/:session_id/end', async (c) => {
      const { session_id } = readParams(c, SessionParams);
      const tx = c.get('tx');
      const { rows } = await tx.query<ChatSessionRow>(
        `update chat_sessions set status = 'ended' where id = $1 and status <> 'ended' returning ${COLUMNS}`,
        [session_id],
      );
      if (!rows[0]) throw await transitionRefusal(tx, session_id, (status) => status !== 'ended', 'Only the participants of a chat session may end it.');
      return c.json(toChatSession(rows[0]));
    });
}
