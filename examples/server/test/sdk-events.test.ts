/**
 * `tf.events.subscribe` against this server in-process: live delivery filtered by ticket and type,
 * resuming after an event id, ending on abort and on break, and a refusal as a typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, type LiveEvent } from '../../../src/index.js';
import { createApiHarness, type ApiHarness } from './support/api-harness.js';
import { sdkClients } from './support/sdk.js';
import { engines } from './support/test-database.js';

describe.each(engines)('SDK live events (%s)', (engine) => {
  let api: ApiHarness;
  const { as, withToken } = sdkClients(() => api);

  beforeAll(async () => {
    api = await createApiHarness(engine, { app: { limits: { heartbeatSeconds: 1, rateLimit: 100_000, authRateLimit: 100_000 } } });
  });
  afterAll(() => api.close());


  /** Takes `count` events from a subscription, then stops it. */
  async function take(events: AsyncIterable<LiveEvent>, count: number): Promise<LiveEvent[]> {
    const taken: LiveEvent[] = [];
    for await (const event of events) {
      taken.push(event);
      if (taken.length === count) break;
    }
    return taken;
  }

  it('delivers the comments of one ticket as they are written, and resumes after an event id', async () => {
    const agent = await as('agent');
    const ticket = api.world.ids.mine!;
    // Subscribed from the newest event on, so that what follows arrives however soon it is written.
    const { rows } = await api.db.query<{ id: string }>('select coalesce(max(id), 0)::text as id from events');
    const live = take(agent.events.subscribe({ ticketId: ticket, types: ['comment.*'], lastEventId: rows[0]!.id }), 2);
    const first = await agent.comments.create(ticket, { body: 'First look' });
    const second = await agent.comments.create(ticket, { body: 'Second look' });
    const events = await live;
    expect(events.map((e) => [e.type, e.ticket_id, (e.data as { comment_id: string }).comment_id])).toEqual([
      ['comment.created', ticket, first.id],
      ['comment.created', ticket, second.id],
    ]);

    // Resuming after the first event delivers the second again, before anything new.
    const resumed = await take(agent.events.subscribe({ ticketId: ticket, types: ['comment.*'], lastEventId: String(events[0]!.id) }), 1);
    expect(resumed.map((e) => e.id)).toEqual([events[1]!.id]);
  });

  it('ends quietly when the signal aborts', async () => {
    const agent = await as('agent');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const seen: LiveEvent[] = [];
    for await (const event of agent.events.subscribe({ ticketId: api.world.ids.foreign! }, { signal: controller.signal })) seen.push(event);
    expect(seen).toEqual([]);
  });

  it('ends with the API\'s refusal when the credentials are bad', async () => {
    const stranger = withToken('not-a-token');
    await expect(take(stranger.events.subscribe(), 1)).rejects.toBeInstanceOf(AuthenticationError);
  });
});
