/**
 * Chat on the mock through the SDK: the queue, accepting, writing, ending, each refusal in the
 * server's words, and the `chat.*` events of a session.
 */
import { describe, expect, it } from 'vitest';
import { failure, useMock } from './support.js';

describe('chat on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    for (const [key, role] of [['customer', 'customer'], ['customer2', 'customer'], ['agent', 'agent'], ['agent2', 'agent'], ['manager', 'manager']] as const) {
      mock().seed.user({ key, role });
    }
    return { customer: client('customer'), other: client('customer2'), agent: client('agent'), agent2: client('agent2'), manager: client('manager') };
  }

  const refusal = async (call: PromiseLike<unknown>) => {
    const error = await failure(call);
    return [error.status, error.problem?.detail];
  };

  it('takes a session from the queue through accept, messages and end', async () => {
    const { customer, other, agent, agent2, manager } = people();
    expect(await refusal(agent.chat.sessions.create({ subject: 'Hi' }))).toEqual([403, 'Only customers start chat sessions.']);
    const session = await customer.chat.sessions.create({ subject: 'Cannot log in' });
    expect(session).toMatchObject({ status: 'waiting', customer_id: mock().user('customer').id, agent_id: null, started_at: null });
    expect((await agent2.chat.sessions.list({ status: ['waiting'] })).data.map((each) => each.id)).toEqual([session.id]);
    expect(await refusal(other.chat.sessions.get(session.id))).toEqual([404, 'No chat session with this id.']);

    await customer.chat.messages.post(session.id, { body: 'Hello?' });
    expect(await refusal(agent.chat.messages.post(session.id, { body: 'Hi' }))).toEqual([403, 'Only the participants of a chat session may write to it.']);
    expect(await refusal(customer.chat.sessions.accept(session.id))).toEqual([403, 'customers cannot choose the agent of a chat session']);
    expect(await refusal(agent2.chat.sessions.end(session.id))).toEqual([403, 'You may not make this change.']);

    const accepted = await agent.chat.sessions.accept(session.id);
    expect(accepted).toMatchObject({ status: 'active', agent_id: mock().user('agent').id });
    expect(accepted.started_at).not.toBeNull();
    expect(await refusal(agent.chat.sessions.accept(session.id))).toEqual([409, 'This chat session is already active.']);
    // Active and someone else's: agent2 no longer sees it.
    expect((await failure(agent2.chat.sessions.get(session.id))).status).toBe(404);
    await agent.chat.messages.post(session.id, { body: 'Try again now' });
    await manager.chat.messages.post(session.id, { body: 'Supervising' });

    expect((await customer.chat.messages.list(session.id, { limit: 2 })).data.map((message) => message.body)).toEqual(['Hello?', 'Try again now']);
    const ended = await customer.chat.sessions.end(session.id);
    expect(ended.ended_at).not.toBeNull();
    expect(await refusal(customer.chat.messages.post(session.id, { body: 'One more' }))).toEqual([409, 'This chat session has ended; it takes no more messages.']);
    expect(await refusal(agent.chat.sessions.end(session.id))).toEqual([409, 'This chat session is already ended.']);
    expect(await refusal(customer.chat.messages.post(session.id, { body: '   ' }))).toEqual([400, 'body: must not be blank']);

    const events = mock().db.events.where((event) => event.chat_session_id === session.id).map((event) => [event.type, event.payload.status ?? null]);
    expect(events).toEqual([
      ['chat.session_created', 'waiting'],
      ['chat.message_created', null],
      ['chat.session_updated', 'active'],
      ['chat.message_created', null],
      ['chat.message_created', null],
      ['chat.session_updated', 'ended'],
    ]);
  });

  it('seeds the demo chat: accepted, written in and ended', () => {
    people();
    const session = mock().seed.chatSession({ customer: 'customer', subject: 'VPN trouble', agent: 'agent', messages: [{ author: 'customer', body: 'Hi' }], ended: true });
    expect(session).toMatchObject({ status: 'ended', agent_id: mock().user('agent').id });
    expect(mock().db.chatMessages.where((message) => message.session_id === session.id)).toHaveLength(1);
  });
});
