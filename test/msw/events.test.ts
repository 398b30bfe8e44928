/**
 * The live event stream on the mock: Server-Sent Events of the outbox the caller may see, filtered
 * by type and ticket, replayed after an event id and delivered live as writes commit; ending when
 * the client aborts, when its credentials lapse, and at reset. Through the SDK, and raw with fetch
 * where the wire format is the point.
 */
import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, Ticketflow, type LiveEvent } from '../../src/index.js';
import { failure, useMock } from './support.js';

async function take(events: AsyncIterable<LiveEvent>, count: number): Promise<LiveEvent[]> {
  const taken: LiveEvent[] = [];
  for await (const event of events) {
    taken.push(event);
    if (taken.length === count) break;
  }
  return taken;
}

/** Reads the raw stream until `until` matches what has arrived (or it ends). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: (text: string) => boolean): Promise<{ text: string; done: boolean }> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text, done: true };
    text += decoder.decode(value);
    if (until(text)) return { text, done: false };
  }
}

describe('live events on the mock', () => {
  const { mock, client } = useMock();

  function people() {
    mock().seed.user({ key: 'customer', role: 'customer' });
    mock().seed.user({ key: 'customer2', role: 'customer' });
    mock().seed.user({ key: 'agent', role: 'agent' });
    const ticket = mock().seed.ticket({ title: 'Watched', requester: 'customer', assignee: 'agent', status: 'in_progress' });
    return { ticket, customer: client('customer'), agent: client('agent') };
  }

  it('replays after an event id, then delivers what is written while it is open', async () => {
    const { ticket, agent } = people();
    const first = await agent.comments.create(ticket.id, { body: 'First' });
    const stream = agent.events.subscribe({ ticketId: ticket.id, types: ['comment.*'], lastEventId: '0' })[Symbol.asyncIterator]();
    const replayed = await stream.next();
    const second = await agent.comments.create(ticket.id, { body: 'Second' });
    const live = await stream.next();
    await stream.return();
    const events = [replayed.value, live.value] as LiveEvent[];
    expect(events.map((event) => [event.type, event.ticket_id, (event.data as { comment_id: string }).comment_id])).toEqual([
      ['comment.created', ticket.id, first.id],
      ['comment.created', ticket.id, second.id],
    ]);
    const resumed = await take(agent.events.subscribe({ ticketId: ticket.id, types: ['comment.created'], lastEventId: String(events[0]!.id) }), 1);
    expect(resumed.map((event) => event.id)).toEqual([events[1]!.id]);
  });

  it('shows a customer only what they may see: no internal events, no other customer, their own notifications', async () => {
    const { ticket, customer, agent } = people();
    const stranger = mock().seed.ticket({ title: 'Not yours', requester: 'customer2' });
    await agent.comments.create(ticket.id, { body: 'Internal', is_internal: true });
    await agent.comments.create(stranger.id, { body: 'Elsewhere' });
    const reply = await agent.comments.create(ticket.id, { body: 'Public' });
    // The first comment event the customer gets is the public reply: the others were passed over.
    const [comment] = await take(customer.events.subscribe({ types: ['comment.*'], lastEventId: '0' }), 1);
    expect([comment!.ticket_id, comment!.data]).toEqual([ticket.id, { comment_id: reply.id, is_internal: false }]);
    // Notifications are addressed to one user: the customer sees theirs only.
    const notes = await take(customer.events.subscribe({ types: ['notification.created'], lastEventId: '0' }), 2);
    const owners = notes.map((event) => mock().db.notifications.get((event.data as { notification_id: string }).notification_id)?.user_id);
    expect(owners).toEqual([mock().user('customer').id, mock().user('customer').id]);
  });

  it('writes SSE with retry, ids and event names, and starts from now without an id', async () => {
    const { ticket, agent } = people();
    await agent.comments.create(ticket.id, { body: 'Before' });
    const controller = new AbortController();
    const response = await fetch(`${mock().baseUrl}/v1/events?types=comment.created`, { headers: mock().as('agent').headers, signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    expect((await readUntil(reader, (text) => text.includes(': open'))).text).toBe('retry: 3000\n: open\n\n');
    await agent.comments.create(ticket.id, { body: 'After' });
    const { text } = await readUntil(reader, (chunk) => chunk.endsWith('\n\n'));
    const event = mock().db.events.all().at(-1)!;
    expect(text).toBe(`event: comment.created\ndata: ${JSON.stringify({ id: event.seq, type: 'comment.created', ticket_id: ticket.id, chat_session_id: null, actor_id: mock().user('agent').id, created_at: event.created_at, data: event.payload })}\nid: ${event.seq}\n\n`);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
  });

  it('ends when the client aborts, and refuses bad credentials and filters with the API answer', async () => {
    const { ticket, agent } = people();
    const controller = new AbortController();
    const seen: LiveEvent[] = [];
    setTimeout(() => controller.abort(), 50);
    for await (const event of agent.events.subscribe({ ticketId: ticket.id }, { signal: controller.signal })) seen.push(event);
    expect(seen).toEqual([]);
    await expect(take(client('agent').events.subscribe({ types: ['nope.*' as 'ticket.*'] }), 1)).rejects.toBeInstanceOf(BadRequestError);
    const refused = await failure(take(client('agent').events.subscribe({ types: ['nope.*' as 'ticket.*'] }), 1));
    expect(refused.problem?.detail).toBe('types: "nope.*" is not an event type or <resource>.*');
    const stale = mock().as('agent');
    mock().clock.advance(16 * 60_000);
    const response = await fetch(`${mock().baseUrl}/v1/events`, { headers: stale.headers });
    expect([response.status, ((await response.json()) as { code: string }).code]).toEqual([401, 'token_expired']);
    await expect(take(new Ticketflow({ baseUrl: mock().baseUrl, accessToken: 'nope' }).events.subscribe(), 1)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('ends an open stream once its access token expires on the mock clock, and at reset', async () => {
    const { ticket } = people();
    const response = await fetch(`${mock().baseUrl}/v1/events?ticket_id=${ticket.id}`, { headers: mock().as('agent').headers });
    const reader = response.body!.getReader();
    await readUntil(reader, (text) => text.includes(': open'));
    mock().clock.advance(16 * 60_000);
    await client('agent').comments.create(ticket.id, { body: 'Too late for that stream' });
    expect(await readUntil(reader, () => false)).toEqual({ text: '', done: true });

    const again = await fetch(`${mock().baseUrl}/v1/events`, { headers: mock().as('agent').headers });
    const open = again.body!.getReader();
    await readUntil(open, (text) => text.includes(': open'));
    mock().reset();
    expect((await readUntil(open, () => false)).done).toBe(true);
  });
});
