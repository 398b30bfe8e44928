/**
 * `tf.events.subscribe`: delivery filtered by ticket and type, replayed and live, resuming after an
 * event id, ending on abort and on break, and a refusal as a typed error.
 */
import { describe, expect } from 'vitest';
import { AuthenticationError, type LiveEvent } from '../../src/index.js';
import type { Conformance } from './context.js';
import { supportTicket } from './helpers.js';

/** Takes `count` events from a subscription, then stops it. */
export async function take(events: AsyncIterable<LiveEvent>, count: number): Promise<LiveEvent[]> {
  const taken: LiveEvent[] = [];
  for await (const event of events) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

/** The comment an event is about. */
export const commentOf = (event: LiveEvent) => (event.data as { comment_id?: string }).comment_id;

/**
 * "Everything since the start": ids are positive, so resuming after 0 replays every event the
 * caller may see, and no event written meanwhile can slip past the subscription.
 */
export const FROM_THE_START = '0';

export function events(tf: Conformance): void {
  describe('live events', () => {
    tf.test('replays the comments of one ticket, delivers new ones as they are written, and resumes after an event id', async () => {
      const agent = tf.as('agent');
      const ticket = await supportTicket(tf, { title: 'Watched ticket' });
      const first = await agent.comments.create(ticket.id, { body: 'First look' });
      const stream = agent.events.subscribe({ ticketId: ticket.id, types: ['comment.*'], lastEventId: FROM_THE_START })[Symbol.asyncIterator]();
      const replayed = await stream.next();
      // The stream is open now: what follows is written after it started.
      const second = await agent.comments.create(ticket.id, { body: 'Second look' });
      const live = await stream.next();
      await stream.return();
      const received = [replayed.value, live.value] as LiveEvent[];
      expect(received.map((e) => [e.type, e.ticket_id, commentOf(e)])).toEqual([
        ['comment.created', ticket.id, first.id],
        ['comment.created', ticket.id, second.id],
      ]);

      // Resuming after the first event delivers the second again, before anything new.
      const resumed = await take(agent.events.subscribe({ ticketId: ticket.id, types: ['comment.*'], lastEventId: String(received[0]!.id) }), 1);
      expect(resumed.map((e) => e.id)).toEqual([received[1]!.id]);
    });

    tf.test('ends quietly when the signal aborts', async () => {
      const agent = tf.as('agent');
      const ticket = await supportTicket(tf, { title: 'Quiet ticket' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const seen: LiveEvent[] = [];
      for await (const event of agent.events.subscribe({ ticketId: ticket.id, types: ['comment.*'] }, { signal: controller.signal })) seen.push(event);
      expect(seen).toEqual([]);
    });

    tf.test("ends with the API's refusal when the credentials are bad", async () => {
      await expect(take(tf.withToken('not-a-token').events.subscribe(), 1)).rejects.toBeInstanceOf(AuthenticationError);
    });
  });
}
