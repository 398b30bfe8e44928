/**
 * The messages of a chat session, oldest first. Who may write, and until when, is the insert policy
 * on chat_messages: the session's customer or agent (or a manager or admin), while it has not ended.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, Problem } from '../../http/problem.js';
import { page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { SessionParams, visibleStatus } from './sessions.js';
import { isRlsRefusal } from '../../http/refusal.js';

type ChatMessage = components['schemas']['ChatMessage'];

interface ChatMessageRow {
  id: string;
  session_id: string;
  sender_id: string | null;
  body: string;
  created_at: Date;
  created_key: string;
}

const COLUMNS = 'id, session_id, sender_id, body, created_at, created_at::text as created_key';

const toChatMessage = (row: ChatMessageRow): ChatMessage => ({
  id: row.id,
  session_id: row.session_id,
  sender_id: row.sender_id,
  body: row.body,
  created_at: iso(row.created_at),
});

const ChatMessageCreate = conforms<components['schemas']['ChatMessageCreate']>()(
  z.strictObject({ body: z.string().min(1).max(10_000).regex(/\S/, 'must not be blank') }),
);

const ListQuery = z.strictObject(page);

export function chatMessageRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { session_id } = readParams(c, SessionParams);
      const query = readQuery(c, ListQuery);
      const tx = c.get('tx');
      // An invisible session is a 404, not an empty list that would look like a silent one.
      await visibleStatus(tx, session_id);
      const print = fingerprint('chat_messages', { session_id });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await tx.query<ChatMessageRow>(
        `select ${COLUMNS} from chat_messages
          where session_id = $1
            and ($2::timestamptz is null or (created_at, id) > ($2, $3::uuid))
          order by created_at, id
          limit $4`,
        [session_id, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toChatMessage));
    })
    .post('/', async (c) => {
      const { session_id } = readParams(c, SessionParams);
      const body = await readJson(c, ChatMessageCreate);
      const tx = c.get('tx');
      // Read first only to answer precisely; the insert policy refuses an ended session by itself.
      if ((await visibleStatus(tx, session_id)) === 'ended') {
        throw new Problem(409, 'conflict', 'This chat session has ended; it takes no more messages.');
      }
      try {
        const { rows } = await tx.query<ChatMessageRow>(
          `insert into chat_messages (session_id, body) values ($1, $2) returning ${COLUMNS}`,
          [session_id, body.body],
        );
        return c.json(toChatMessage(rows[0]!), 201);
      } catch (error) {
        // The policy's refusal names no reason; the only one left here is not being a participant.
        if (isRlsRefusal(error)) throw forbidden('Only the participants of a chat session may write to it.');
        throw error;
      }
    });
}
