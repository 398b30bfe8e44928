/**
 * Prints a ticket's live events as they happen (comments, status changes, SLA warnings…), resuming
 * after a dropped connection without missing any. Ctrl-C stops it.
 *
 *   npx tsx examples/sdk/watch-ticket.ts <ticket-id>
 *
 * Signs in as the demo agent unless TICKETFLOW_EMAIL / TICKETFLOW_PASSWORD say otherwise.
 * (In your own project: `import { Ticketflow } from 'ticketflow'`.)
 */
import { Ticketflow } from '../../src/index.js';

const ticketId = process.argv[2];
if (!ticketId) {
  console.error('usage: npx tsx examples/sdk/watch-ticket.ts <ticket-id>');
  process.exit(1);
}
const tf = new Ticketflow({
  baseUrl: process.env.TICKETFLOW_URL ?? 'http://127.0.0.1:4010',
  credentials: {
    email: process.env.TICKETFLOW_EMAIL ?? 'agent@example.com',
    password: process.env.TICKETFLOW_PASSWORD ?? 'ticketflow-demo',
  },
});

const stop = new AbortController();
process.on('SIGINT', () => stop.abort());
console.log(`Watching ${ticketId} (Ctrl-C to stop)`);
for await (const event of tf.events.subscribe({ ticketId }, { signal: stop.signal })) {
  console.log(`${event.created_at}  #${event.id}  ${event.type}  ${JSON.stringify(event.data)}`);
}
