/**
 * The event stream's idle watchdog, against scripted SSE responses: a connection that goes silent
 * (half-open: no close, no heartbeat) is replaced and resumed with `Last-Event-ID`; heartbeats keep
 * a quiet connection alive. (Resumption, filters and 204 against the real server: the conformance suite.)
 */
import { describe, expect, it } from 'vitest';
import { Ticketflow } from '../../src/index.js';
import { scriptedFetch } from './fake-fetch.js';

const encoder = new TextEncoder();

/** An SSE response that sends `chunks` (each after `gapMs`) and then, unless `end`, stays open forever. */
function sse(chunks: string[], { gapMs = 0, end = false, onCancel }: { gapMs?: number; end?: boolean; onCancel?: () => void } = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const chunk of chunks) {
        if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
        controller.enqueue(encoder.encode(chunk));
      }
      if (end) controller.close();
    },
    cancel: () => onCancel?.(),
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const event = (id: number) => `id: ${id}\ndata: ${JSON.stringify({ id, type: 'ticket.updated' })}\n\n`;

function client(fetch: typeof globalThis.fetch) {
  return new Ticketflow({ baseUrl: 'https://api.test', apiKey: 'tf_key', fetch });
}

describe('tf.events.subscribe idle watchdog', () => {
  it('replaces a connection that went silent, resuming after the last event', async () => {
    let firstCancelled = false;
    const { fetch, sent } = scriptedFetch([
      sse(['retry: 5\n\n', event(1)], { onCancel: () => void (firstCancelled = true) }),
      sse([event(2)], { end: true }),
    ]);
    const seen: number[] = [];
    for await (const received of client(fetch).events.subscribe({ idleTimeout: 50 })) {
      seen.push(received.id);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.headers.get('last-event-id')).toBe('1');
    // The dead connection was let go, not left reading forever.
    expect(firstCancelled).toBe(true);
  });

  it('keeps a connection that sends heartbeats, however quiet', async () => {
    const heartbeats = Array.from({ length: 8 }, () => ': heartbeat\n\n');
    const { fetch, sent } = scriptedFetch([sse([...heartbeats, event(7)], { gapMs: 10 })]);
    for await (const received of client(fetch).events.subscribe({ idleTimeout: 500 })) {
      expect(received.id).toBe(7);
      break;
    }
    expect(sent).toHaveLength(1);
  });

  it('refuses an idle timeout that is not a positive number of milliseconds', async () => {
    const { fetch, sent } = scriptedFetch([]);
    for (const idleTimeout of [0, -1, Number.NaN, 2 ** 31]) {
      await expect(client(fetch).events.subscribe({ idleTimeout }).next()).rejects.toThrow(TypeError);
    }
    expect(sent).toHaveLength(0);
  });
});
