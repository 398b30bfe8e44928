/**
 * An internal tool embedding ticket creation: opens a ticket with an API key, under an idempotency
 * key derived from the incident (running it twice opens one ticket, not two), and attaches a log.
 *
 *   TICKETFLOW_API_KEY=tf_… npx tsx examples/sdk/internal-tool.ts [incident-id]
 *
 * Get a key with `npx tsx examples/sdk/create-api-key.ts`. (In your own project:
 * `import { Ticketflow } from 'ticketflow'`.)
 */
import { Ticketflow, TicketflowError } from '../../src/index.js';

const apiKey = process.env.TICKETFLOW_API_KEY;
if (!apiKey) {
  console.error('Set TICKETFLOW_API_KEY (make one with: npx tsx examples/sdk/create-api-key.ts)');
  process.exit(1);
}
const tf = new Ticketflow({ baseUrl: process.env.TICKETFLOW_URL ?? 'http://127.0.0.1:4010', apiKey, timeout: 10_000, maxRetries: 3 });

const incident = process.argv[2] ?? 'disk-full-web-3';
try {
  // The same incident gives the same key: a retry after a crash or a timeout finds the first ticket.
  const ticket = await tf.tickets.create(
    { title: `Incident ${incident}: disk full on web-3`, description: 'Raised by the monitoring bridge.', priority: 'high' },
    { idempotencyKey: `incident-${incident}` },
  );
  // The same key must come with the same file: a different one would be refused (422
  // idempotency_key_reused), so the log excerpt is the incident's, not "now"'s.
  const log = new Blob([`[${incident}] ERROR no space left on device (/var/log)\n`], { type: 'text/plain' });
  const file = await tf.attachments.upload(
    ticket.id,
    log,
    { filename: `${incident}.log`, description: 'Last lines of the log' },
    { idempotencyKey: `incident-${incident}-log` },
  );
  console.log(`${ticket.ticket_number} (${ticket.id}) with ${file.file_name}, ${file.size_bytes} bytes`);
} catch (error) {
  if (error instanceof TicketflowError) {
    console.error(`${error.name}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
