/**
 * The page test/msw/browser.test.ts opens in Chromium: the SDK and the kit as a browser app bundles
 * them, msw's `setupWorker` in front. It runs a few calls through the Service Worker and leaves
 * what it saw in `window.outcome` for the test to read.
 */
import { setupWorker } from 'msw/browser';
import { APIError, Ticketflow } from '../../../src/index.js';
import { createTicketflowMock } from '../../../src/msw/index.js';

async function run() {
  const mock = createTicketflowMock({ scenario: 'demo' });
  const worker = setupWorker(...mock.handlers);
  await worker.start({ onUnhandledRequest: 'error', quiet: true, serviceWorker: { url: '/mockServiceWorker.js' } });

  const tf = new Ticketflow({ baseUrl: mock.baseUrl, accessToken: mock.as('customer').accessToken });
  const ticket = await tf.tickets.create({ title: 'Opened in a browser' });
  const file = new File(['printer says PC LOAD LETTER\n'], 'printer.log', { type: 'text/plain' });
  const attachment = await tf.attachments.upload(ticket.id, file);
  const downloaded = await (await tf.attachments.download(attachment.id)).text();
  const listed = await tf.tickets.list();

  worker.use(mock.override('tickets.get', ({ problem }) => problem(404, { detail: 'Gone while you looked.' })));
  const refused = await tf.tickets.get(ticket.id).then(
    () => null,
    (error: unknown) => (error instanceof APIError ? { status: error.status, code: error.code } : String(error)),
  );
  worker.stop();
  return {
    number: ticket.ticket_number,
    attachment: { name: attachment.file_name, type: attachment.mime_type, size: attachment.size_bytes, downloaded },
    listed: listed.data.map((row) => row.id).includes(ticket.id),
    refused,
    calls: mock.calls().map((call) => `${call.name} ${call.status}${call.overridden ? ' overridden' : ''}`),
    stored: mock.db.tickets.get(ticket.id)?.title,
  };
}

(window as unknown as { outcome: Promise<unknown> }).outcome = run().catch((error: unknown) => ({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }));
