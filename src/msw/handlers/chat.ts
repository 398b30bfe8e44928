/**
 * `tf.chat` (examples/server/src/api/chat): customers open sessions, an agent accepts one from the
 * waiting queue, either side ends it; the participants (or a manager or admin) write messages until
 * it ends. The rules are in `rules/chat.ts`; the handlers pick the server's answer when a change
 * matched nothing.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import { canSeeChatSession, insertChatMessage, insertChatSession, mayUpdateChatSession, mayWriteTo, updateChatSession } from '../rules/chat.js';
import type { ChatSessionRow } from '../store.js';
import type { Work } from '../world.js';
import { idKey, page, repeated } from './shared.js';

type ChatSessionStatus = components['schemas']['ChatSessionStatus'];

const STATUSES = ['waiting', 'active', 'ended'] as const satisfies readonly ChatSessionStatus[];
const ListQuery = z.strictObject({ ...page, status: repeated(z.enum(STATUSES, { error: 'must be waiting, active or ended' })).optional() });
const MessageListQuery = z.strictObject(page);
const SessionParams = z.strictObject({ session_id: idKey });

/** A session the caller can see, or the 404 row-level security makes of it. */
function visibleSession(work: Work, sessionId: string): ChatSessionRow {
  const session = work.world.store.tables.chatSessions.get(sessionId);
  if (!session || !canSeeChatSession(work.me, session)) throw notFound('chat session');
  return session;
}

/** The session as shown: a ticket deleted since is no longer linked (`on delete set null`). */
function toSession(work: Work, row: ChatSessionRow): ChatSessionRow {
  return row.ticket_id !== null && !work.world.store.tables.tickets.get(row.ticket_id) ? { ...row, ticket_id: null } : row;
}

/**
 * A state change of the session: the update matches only a row the caller may touch in a state it
 * starts from; otherwise invisible (404), already past it (409), or not theirs (403).
 */
function change(work: Work, sessionId: string, from: (status: ChatSessionStatus) => boolean, to: Pick<ChatSessionRow, 'status'> & Partial<Pick<ChatSessionRow, 'agent_id'>>, detail: string): ChatSessionRow {
  const session = work.world.store.tables.chatSessions.get(sessionId);
  if (session && from(session.status) && mayUpdateChatSession(work.me, session)) return updateChatSession(work, session, to);
  const status = visibleSession(work, sessionId).status;
  if (!from(status)) throw new MockProblem(409, 'conflict', `This chat session is already ${status}.`);
  throw forbidden(detail);
}

export const chatHandlers: HandlerTable = {
  listChatSessions: {
    scope: 'chat',
    handle({ world, work, req }) {
      const query = req.query(ListQuery);
      const statuses = query.status ? [...new Set(query.status)].sort() : null;
      const rows = world.store.tables.chatSessions.where((session) => canSeeChatSession(work.me, session) && (statuses === null || statuses.includes(session.status)));
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('chat_sessions', { status: statuses }),
          descending: true,
          keyLength: 2,
          keyOf: (session) => [session.created_at, session.id],
          serialize: (session) => toSession(work, session),
        }),
      );
    },
  },
  createChatSession: {
    scope: 'chat',
    handle({ work, req }) {
      const body = req.json('createChatSession');
      if (work.me.role !== 'customer') throw forbidden('Only customers start chat sessions.');
      const session = insertChatSession(work, body.subject ?? null);
      return created(session, { Location: `/v1/chat/sessions/${session.id}` });
    },
  },
  getChatSession: {
    scope: 'chat',
    handle({ work, req }) {
      const { session_id } = req.params(SessionParams);
      return ok(toSession(work, visibleSession(work, session_id)));
    },
  },
  acceptChatSession: {
    scope: 'chat',
    handle({ work, req }) {
      const { session_id } = req.params(SessionParams);
      const session = change(work, session_id, (status) => status === 'waiting', { status: 'active', agent_id: work.me.id }, 'You may not accept this chat session.');
      return ok(toSession(work, session));
    },
  },
  endChatSession: {
    scope: 'chat',
    handle({ work, req }) {
      const { session_id } = req.params(SessionParams);
      const session = change(work, session_id, (status) => status !== 'ended', { status: 'ended' }, 'Only the participants of a chat session may end it.');
      return ok(toSession(work, session));
    },
  },
  listChatMessages: {
    scope: 'chat',
    handle({ world, work, req }) {
      const { session_id } = req.params(SessionParams);
      const query = req.query(MessageListQuery);
      // An invisible session is a 404, not an empty list that would look like a silent one.
      visibleSession(work, session_id);
      const rows = world.store.tables.chatMessages.where((message) => message.session_id === session_id);
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('chat_messages', { session_id }),
          keyLength: 2,
          keyOf: (message) => [message.created_at, message.id],
          serialize: (message) => message,
        }),
      );
    },
  },
  postChatMessage: {
    scope: 'chat',
    handle({ work, req }) {
      const { session_id } = req.params(SessionParams);
      const body = req.json('postChatMessage');
      const session = visibleSession(work, session_id);
      if (session.status === 'ended') throw new MockProblem(409, 'conflict', 'This chat session has ended; it takes no more messages.');
      if (!mayWriteTo(work.me, session)) throw forbidden('Only the participants of a chat session may write to it.');
      return created(insertChatMessage(work, session, body.body));
    },
  },
};
