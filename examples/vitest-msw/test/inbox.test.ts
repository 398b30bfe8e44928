import { describe, expect, it } from 'vitest';
import { customerInbox } from '../src/inbox.js';
import { clientAs, useTicketflowMock } from './mock.js';
import { server } from './server.js';

describe('customerInbox', () => {
  // The reference server's demo data: Chris (`customer`) has three open tickets; on the VPN one,
  // Arun (`agent`) answered in public and left an internal note about a CA migration.
  const mock = useTicketflowMock({ scenario: 'demo' });
  const chris = () => mock.user('customer').id;
  const summary = (entries: Awaited<ReturnType<typeof customerInbox>>) => entries.map((entry) => [entry.title, entry.lastReply?.body ?? null]);

  it('lists the customer’s open tickets with support’s latest public reply', async () => {
    const entries = await customerInbox(clientAs(mock, 'customer'), chris());

    expect(summary(entries).sort()).toEqual([
      ['Build server disk full', null],
      ['Cannot connect to the VPN since this morning', 'Thanks, looking at it now. Could you tell me which VPN profile you use?'],
      ['Invoice PDF is blank', null],
    ]);
  });

  it('never shows an internal note, even to a backend signed in as staff', async () => {
    const agent = clientAs(mock, 'agent');
    const vpn = (await agent.tickets.list({ q: 'VPN' })).data[0]!;
    // The agent does see the note: the inbox has to leave it out.
    const seenByAgent = (await agent.comments.list(vpn.id)).data;
    expect(seenByAgent.some((comment) => comment.is_internal)).toBe(true);

    const entries = await customerInbox(agent, chris());

    const replies = entries.map((entry) => entry.lastReply?.body ?? '');
    expect(replies.some((body) => body.includes('CA migration'))).toBe(false);
    expect(entries.find((entry) => entry.id === vpn.id)?.lastReply?.body).toBe('Thanks, looking at it now. Could you tell me which VPN profile you use?');
  });

  it('shows another customer nothing', async () => {
    const entries = await customerInbox(clientAs(mock, 'customer2'), chris());

    expect(entries).toEqual([]);
  });

  it('puts the ticket support answered last on top, with that answer', async () => {
    const disk = mock.seed.ticket({ title: 'Nightly backup failed', requester: 'customer', assignee: 'agent', status: 'in_progress' });
    mock.clock.advance(60_000);
    mock.seed.comment(disk.id, { author: 'agent', body: 'Restarted the backup job.' });
    mock.clock.advance(60_000);
    mock.seed.comment(disk.id, { author: 'agent', body: 'Backup finished: 41 GB.' });

    const [top] = await customerInbox(clientAs(mock, 'customer'), chris());

    expect(top).toMatchObject({ title: 'Nightly backup failed', status: 'in_progress', lastReply: { body: 'Backup finished: 41 GB.' } });
  });

  it('leaves out a ticket deleted while the page is built', async () => {
    const tf = clientAs(mock, 'customer');
    const invoice = (await tf.tickets.list({ q: 'invoice' })).data[0]!;
    // The mock cannot delete a ticket between two of the inbox's requests; an override in front of
    // the mock's handlers answers that ticket's comments as the API would then, and hands every
    // other request on to the mock (a resolver that returns nothing falls through). The answer is
    // checked against the contract when this file compiles: `problem()` takes only an error that
    // `comments.list` declares, `reply()` only a status, body and headers it declares.
    server.use(
      mock.override('comments.list', ({ params, problem }) => {
        if (params.ticket_id === invoice.id) return problem(404, { detail: 'No ticket with this id.' });
      }),
    );

    const entries = await customerInbox(tf, chris());

    expect(entries.map((entry) => entry.title).sort()).toEqual(['Build server disk full', 'Cannot connect to the VPN since this morning']);
  });
});
