/**
 * One live-event subscriber over raw node:http: reads the SSE stream and reports each event's data
 * with the moment it arrived. Deliberately minimal (no reconnection): a dropped stream is a failure
 * the benchmark reports.
 */
import { request, type Agent } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Subscriber {
  close(): void;
  /** Rejects when the stream ends or fails before `close()`. */
  readonly ended: Promise<void>;
}

export function subscribe(agent: Agent, port: number, token: string, onData: (data: string, at: number) => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    let closing = false;
    let endedReject: (error: Error) => void = () => undefined;
    const ended = new Promise<void>((_, rejectEnded) => {
      endedReject = rejectEnded;
    });
    ended.catch(() => undefined);
    const req = request({ host: '127.0.0.1', port, path: '/v1/events', agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    const subscriber: Subscriber = {
      close() {
        closing = true;
        req.destroy();
      },
      ended,
    };
    const fail = (error: Error) => {
      if (closing) return;
      reject(error);
      endedReject(error);
    };
    req.on('error', fail);
    req.on('response', (response) => {
      if (response.statusCode !== 200) {
        fail(new Error(`GET /v1/events answered ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        const at = performance.now();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(': open')) resolve(subscriber);
          for (const line of block.split('\n')) if (line.startsWith('data: ')) onData(line.slice(6), at);
        }
      });
      response.on('end', () => fail(new Error('the event stream ended')));
    });
    req.end();
  });
}
