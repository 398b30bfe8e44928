/**
 * `mock.override()`: one operation answered by a test's own resolver, in front of the mock, with
 * answers checked against the contract. At run time: the SDK reads them as it reads the API's,
 * a resolver returning nothing hands on to the mock, answers are logged. At compile time (this file
 * is in `npm run typecheck`): each `@ts-expect-error` fails the check if the line below it
 * becomes valid, so a loosened type shows.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConnectionError, type components } from '../../src/index.js';
import type { OverrideInfo, PathParamsOf, StatusOf } from '../../src/msw/index.js';
import { failure, useMock } from './support.js';

type Ticket = components['schemas']['Ticket'];

describe('mock.override()', () => {
  const { server, mock, client } = useMock({ scenario: 'demo' });

  it('answers one ticket with the override and hands every other one on to the mock', async () => {
    const tf = client('agent');
    const [first, second] = (await tf.tickets.list({ limit: 2 })).data;
    server.use(
      mock().override('tickets.get', ({ params, reply }) => {
        if (params.ticket_id !== first!.id) return;
        return reply(200, { ...first!, title: 'Overridden' }, { headers: { ETag: `"${first!.version}"` } });
      }),
    );

    expect((await tf.tickets.get(first!.id)).title).toBe('Overridden');
    expect((await tf.tickets.get(second!.id)).title).toBe(second!.title);
    const calls = mock().calls('getTicket');
    expect(calls.map((call) => [call.params.ticket_id, call.status, call.overridden])).toEqual([
      [first!.id, 200, true],
      [second!.id, 200, false],
    ]);
  });

  it('fills in a problem as the server does, and the SDK raises it as the API error it is', async () => {
    const tf = client('customer');
    const [ticket] = (await tf.tickets.list()).data;
    server.use(mock().override('listComments', ({ problem }) => problem(404, { detail: 'No ticket with this id.' })));

    const error = await failure(tf.comments.list(ticket!.id));

    expect([error.status, error.code, error.problem?.detail]).toEqual([404, 'not_found', 'No ticket with this id.']);
    expect(error.problem?.request_id).toBe(error.headers.get('x-request-id'));
    expect(error.problem).toMatchObject({ type: 'https://ticketflow.dev/problems/not_found', title: 'Not found', instance: `/v1/tickets/${ticket!.id}/comments` });
  });

  it('keeps a given problem code and field errors', async () => {
    server.use(
      mock().override('tickets.create', ({ problem }) =>
        problem(422, { detail: 'The title is taken.', code: 'validation_failed', errors: [{ location: 'body', path: 'title', message: 'is taken' }] }),
      ),
    );

    const error = await failure(client('customer').tickets.create({ title: 'Printer' }));

    expect([error.status, error.code, error.problem?.errors]).toEqual([422, 'validation_failed', [{ location: 'body', path: 'title', message: 'is taken' }]]);
  });

  it('answers a 204 with no body, and logs what was sent', async () => {
    const tf = client('agent');
    const [ticket] = (await tf.tickets.list()).data;
    server.use(mock().override('deleteTicket', ({ reply }) => reply(204)));

    await expect(tf.tickets.delete(ticket!.id)).resolves.toBeUndefined();

    expect(mock().db.tickets.get(ticket!.id)).toBeDefined();
    const [call] = mock().calls('tickets.delete');
    expect([call!.method, call!.status, call!.overridden]).toEqual(['DELETE', 204, true]);
  });

  it('gives the request, its query and its body to the resolver', async () => {
    const seen: unknown[] = [];
    server.use(
      mock().override('tickets.list', ({ query }) => {
        seen.push(query.getAll('status'));
      }),
      mock().override('tickets.create', async ({ request }) => {
        seen.push(await request.json());
      }),
    );
    const tf = client('customer');

    await tf.tickets.list({ status: ['open', 'pending'] });
    const created = await tf.tickets.create({ title: 'Seen' });

    expect(seen).toEqual([['open', 'pending'], { title: 'Seen' }]);
    // The mock still answered: the resolver read a copy of the body.
    expect(mock().db.tickets.get(created.id)?.title).toBe('Seen');
  });

  it('leaves the mock’s seeded ids alone when it hands a request on', async () => {
    const created = async (withOverride: boolean) => {
      server.resetHandlers(...mock().handlers);
      mock().reset();
      if (withOverride) server.use(mock().override('tickets.create', () => undefined));
      return (await client('customer').tickets.create({ title: 'Same id' })).id;
    };
    expect(await created(true)).toBe(await created(false));
  });

  it('fails the connection on request', async () => {
    server.use(mock().override('health.get', ({ networkError }) => networkError()));
    const tf = client('agent');
    await expect(tf.health.get({ maxRetries: 0 })).rejects.toBeInstanceOf(ConnectionError);
    expect(mock().calls('getHealth').map((call) => [call.status, call.overridden])).toEqual([[0, true]]);
  });

  it('refuses an operation the contract does not have, at run time too', () => {
    expect(() => mock().override('tickets.craete' as 'tickets.create', () => undefined)).toThrow(/no operation is called "tickets.craete"/);
  });

  it('types the resolver from the contract', () => {
    expectTypeOf<PathParamsOf<'getComment'>>().toEqualTypeOf<{ ticket_id: string; comment_id: string }>();
    expectTypeOf<StatusOf<'deleteTicket'>>().toEqualTypeOf<204 | 400 | 401 | 403 | 404 | 412 | 429>();

    const never = (ticket: Ticket) => {
      mock().override('tickets.get', ({ reply }) => {
        // @ts-expect-error: 201 is not a status of getTicket
        void reply(201, ticket, { headers: { ETag: '"1"' } });
        // @ts-expect-error: the contract requires an ETag with a ticket
        void reply(200, ticket);
        // @ts-expect-error: a ticket is not a comment page
        void reply(200, { data: [], next_cursor: null }, { headers: { ETag: '"1"' } });
        // @ts-expect-error: a 404's body is a problem
        void reply(404, ticket);
        return reply(200, ticket, { headers: { ETag: '"1"' } });
      });
      mock().override('tickets.delete', ({ reply, problem }) => {
        // @ts-expect-error: a 204 has no body
        void reply(204, {});
        // @ts-expect-error: 422 is not an error deleteTicket declares
        void problem(422, { detail: 'x' });
        // @ts-expect-error: not a problem code of the contract
        void problem(404, { detail: 'x', code: 'teapot' });
        return reply(204);
      });
      // @ts-expect-error: a plain Response is not checked against the contract, so it is refused
      mock().override('tickets.get', () => new Response('{}'));
      // @ts-expect-error: an answer built for another operation
      mock().override('tickets.get', ({ params }) => (params.ticket_id ? undefined : ({} as ReturnType<OverrideInfo<'deleteTicket'>['reply']>)));
      // @ts-expect-error: no such path parameter
      mock().override('comments.list', ({ params }) => void params.comment_id);
      // @ts-expect-error: a misspelt operation
      mock().override('tickets.craete', () => undefined);
    };
    expect(typeof never).toBe('function');
  });
});
