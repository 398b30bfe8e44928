/** `tf.chat`: a live chat session from the queue through accept, messages and end. */
import { describe, expect } from 'vitest';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, unique } from './helpers.js';

export function chat(tf: Conformance): void {
  describe('chat', () => {
    tf.test('runs a chat session from the queue through accept, messages and end', async () => {
      const customer = tf.as('customer');
      const other = tf.as('customer2');
      const agent = tf.as('agent');
      const agent2 = tf.as('agent2');
      const subject = unique('Cannot log in');

      await expect(agent.chat.sessions.create({ subject })).rejects.toBeInstanceOf(PermissionDeniedError);
      const session = await customer.chat.sessions.create({ subject });
      expect(session).toMatchObject({ subject, status: 'waiting', customer_id: tf.target.users.customer.id, agent_id: null });

      const queue = await all(agent.chat.sessions.list({ status: ['waiting'], limit: 1 }));
      expect(queue.map((each) => each.id)).toContain(session.id);
      expect(queue.every((each) => each.status === 'waiting')).toBe(true);
      expect(await agent.chat.sessions.get(session.id)).toMatchObject({ id: session.id, subject });
      await expect(other.chat.sessions.get(session.id)).rejects.toBeInstanceOf(NotFoundError);

      const hello = await customer.chat.messages.post(session.id, { body: 'Hello, anyone there?' });
      expect(hello).toMatchObject({ session_id: session.id, sender_id: tf.target.users.customer.id, body: 'Hello, anyone there?' });
      // Seeing the queue is not taking part: an agent writes only once they have accepted.
      await expect(agent2.chat.messages.post(session.id, { body: 'Hi!' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(customer.chat.sessions.accept(session.id)).rejects.toBeInstanceOf(PermissionDeniedError);

      const accepted = await agent.chat.sessions.accept(session.id);
      expect(accepted).toMatchObject({ id: session.id, status: 'active', agent_id: tf.target.users.agent.id });
      expect(accepted.started_at).not.toBeNull();
      await expect(agent.chat.sessions.accept(session.id)).rejects.toBeInstanceOf(ConflictError);
      await agent.chat.messages.post(session.id, { body: 'Have you tried reconnecting?' });

      const transcript = await all(customer.chat.messages.list(session.id, { limit: 1 }));
      expect(transcript.map((message) => [message.sender_id, message.body])).toEqual([
        [tf.target.users.customer.id, 'Hello, anyone there?'],
        [tf.target.users.agent.id, 'Have you tried reconnecting?'],
      ]);
      await expect(other.chat.messages.list(session.id)).rejects.toBeInstanceOf(NotFoundError);

      const ended = await customer.chat.sessions.end(session.id);
      expect(ended).toMatchObject({ id: session.id, status: 'ended' });
      expect(ended.ended_at).not.toBeNull();
      await expect(customer.chat.messages.post(session.id, { body: 'One more thing' })).rejects.toBeInstanceOf(ConflictError);
      await expect(agent.chat.sessions.end(session.id)).rejects.toBeInstanceOf(ConflictError);
      expect((await customer.chat.sessions.list({ status: ['ended'] })).data.map((each) => each.id)).toContain(session.id);
    });
  });
}
