/**
 * Chat as the server's database keeps it (migrations 0006, 0010, 0011, 0012): who sees and changes
 * a session (its customer; agents the waiting queue and their own; managers and admins all), the
 * workflow guard (waiting → active → ended, or waiting → ended; customers never choose the agent;
 * started_at and ended_at stamped), who may write (the participants, or a manager or admin, while
 * it has not ended), and the `chat.*` events.
 */
import { forbidden, MockProblem } from '../problems.js';
import type { ChatMessageRow, ChatSessionRow } from '../store.js';
import type { Actor, Work } from '../world.js';
import { emit } from './trail.js';

/** chat_sessions_select. */
export function canSeeChatSession(actor: Actor, session: ChatSessionRow): boolean {
  if (session.customer_id === actor.id) return true;
  if (actor.role === 'agent') return session.agent_id === actor.id || session.status === 'waiting';
  return actor.role === 'manager' || actor.role === 'admin';
}

/** chat_sessions_update_* USING (the row must also be visible). */
export function mayUpdateChatSession(actor: Actor, session: ChatSessionRow): boolean {
  if (!canSeeChatSession(actor, session)) return false;
  switch (actor.role) {
    case 'customer':
      return session.customer_id === actor.id;
    case 'agent':
      return session.agent_id === actor.id || (session.status === 'waiting' && session.agent_id === null);
    default:
      return true;
  }
}

/** chat_sessions_update_* WITH CHECK, on the new row. */
function mayKeepChatSession(actor: Actor, session: ChatSessionRow): boolean {
  switch (actor.role) {
    case 'customer':
      return session.customer_id === actor.id;
    case 'agent':
      return session.agent_id === actor.id;
    default:
      return true;
  }
}

/** chat_messages_insert: the sender writes as themselves into a session not ended that is theirs (or as a manager or admin). */
export function mayWriteTo(actor: Actor, session: ChatSessionRow): boolean {
  return session.status !== 'ended' && (session.customer_id === actor.id || session.agent_id === actor.id || actor.role === 'manager' || actor.role === 'admin');
}

/** INSERT INTO chat_sessions, by a customer; the caller has checked the insert policy. */
export function insertChatSession(work: Work, subject: string | null): ChatSessionRow {
  const { store, ids } = work.world;
  const now = work.now();
  const row = store.tables.chatSessions.put({
    id: ids.uuid(),
    customer_id: work.me.id,
    agent_id: null,
    ticket_id: null,
    subject,
    status: 'waiting',
    created_at: now,
    updated_at: now,
    started_at: null,
    ended_at: null,
  });
  emit(work, 'chat.session_created', null, false, { status: row.status, agent_id: row.agent_id }, { chatSessionId: row.id });
  return row;
}

/**
 * UPDATE chat_sessions SET … as the caller, on a row their update policy lets them touch: the
 * guard trigger, the policy's check on the new row, the touch of `updated_at`, and the event.
 */
export function updateChatSession(work: Work, old: ChatSessionRow, change: Pick<Partial<ChatSessionRow>, 'status' | 'agent_id' | 'ticket_id'>): ChatSessionRow {
  const actor = work.me;
  const next: ChatSessionRow = { ...old, ...change };
  if (next.status !== old.status && !((old.status === 'waiting' && (next.status === 'active' || next.status === 'ended')) || (old.status === 'active' && next.status === 'ended'))) {
    throw new MockProblem(422, 'unprocessable', `invalid chat session transition from ${old.status} to ${next.status}`);
  }
  if (next.agent_id !== old.agent_id) {
    if (actor.role === 'customer') throw forbidden('customers cannot choose the agent of a chat session');
    if (old.status === 'ended') throw new MockProblem(422, 'unprocessable', 'the agent of an ended chat session cannot change');
    const agent = next.agent_id === null ? undefined : work.world.store.tables.users.get(next.agent_id);
    if (next.agent_id !== null && (!agent || agent.role === 'customer')) throw new MockProblem(422, 'unprocessable', 'only staff can be the agent of a chat session');
  }
  const now = work.now();
  const stamped: ChatSessionRow = {
    ...next,
    started_at: old.status === 'waiting' && next.status === 'active' ? now : old.started_at,
    ended_at: old.status !== 'ended' && next.status === 'ended' ? now : old.ended_at,
    updated_at: now,
  };
  if (!mayKeepChatSession(actor, stamped)) throw forbidden('You may not make this change.');
  const row = work.world.store.tables.chatSessions.put(stamped);
  emit(work, 'chat.session_updated', null, false, { status: row.status, agent_id: row.agent_id }, { chatSessionId: row.id });
  return row;
}

/** INSERT INTO chat_messages as the caller, and its event; the caller has checked the insert policy. */
export function insertChatMessage(work: Work, session: ChatSessionRow, body: string): ChatMessageRow {
  const { store, ids } = work.world;
  const row = store.tables.chatMessages.put({ id: ids.uuid(), session_id: session.id, sender_id: work.me.id, body, created_at: work.now() });
  emit(work, 'chat.message_created', null, false, { message_id: row.id, sender_id: row.sender_id }, { chatSessionId: session.id });
  return row;
}
