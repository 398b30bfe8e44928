/**
 * The public surface's types: parameters and results are exactly the contract's, and wrong calls do
 * not compile (each `@ts-expect-error` fails the type check if the call below it becomes valid).
 * `npm run typecheck` checks this file; at run time the calls are never made.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  Ticketflow,
  type APIError,
  type APIPromise,
  type ClientOptions,
  type components,
  type Page,
  type PagePromise,
  type RequestOptions,
  type ResponseValidationError,
  type ResponseValidationIssue,
  type TicketflowError,
} from '../../src/index.js';

type Ticket = components['schemas']['Ticket'];
type Comment = components['schemas']['Comment'];

describe('types of the public surface', () => {
  it('gives each call the contract\'s parameter and result types', () => {
    type Tickets = Ticketflow['tickets'];
    expectTypeOf<Parameters<Tickets['get']>[0]>().toEqualTypeOf<string>();
    expectTypeOf<ReturnType<Tickets['get']>>().toEqualTypeOf<APIPromise<Ticket>>();
    expectTypeOf<ReturnType<Tickets['list']>>().toEqualTypeOf<PagePromise<Ticket>>();
    expectTypeOf<ReturnType<Ticketflow['comments']['create']>>().toEqualTypeOf<APIPromise<Comment>>();
    expectTypeOf<ReturnType<Tickets['delete']>>().toEqualTypeOf<APIPromise<void>>();
    expectTypeOf<Awaited<ReturnType<Tickets['list']>>>().toEqualTypeOf<Page<Ticket>>();
    expectTypeOf<Parameters<Tickets['create']>[0]>().toEqualTypeOf<components['schemas']['TicketCreate']>();
  });

  it('refuses calls the contract does not allow', () => {
    const tf = new Ticketflow({ baseUrl: 'https://helpdesk.test', apiKey: 'tf_x' });
    const never = () => {
      // @ts-expect-error: the title is required
      void tf.tickets.create({ description: 'no title' });
      // @ts-expect-error: not a priority of the contract
      void tf.tickets.create({ title: 'x', priority: 'critical' });
      // @ts-expect-error: not a filter of listTickets
      void tf.tickets.list({ colour: 'red' });
      // @ts-expect-error: statuses are a list
      void tf.tickets.list({ status: 'open' });
      // @ts-expect-error: the cursor is the pagination's business
      void tf.tickets.list({ cursor: 'abc' });
      // @ts-expect-error: resolving needs resolution notes
      void tf.tickets.resolve('id', {});
      // @ts-expect-error: If-Match is not taken where the contract has none
      void tf.comments.update('t', 'c', { body: 'x' }, { ifMatch: '"1"' });
    };
    expectTypeOf(never).toBeFunction();
  });

  it('types response validation: a boolean option, an error with typed issues', () => {
    expectTypeOf<ClientOptions['validate']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<RequestOptions['validate']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<ResponseValidationError['issues']>().toEqualTypeOf<ResponseValidationIssue[]>();
    expectTypeOf<ResponseValidationIssue['path']>().toEqualTypeOf<(string | number)[]>();
    expectTypeOf<ResponseValidationError>().toExtend<TicketflowError>();
    expectTypeOf<ResponseValidationError>().not.toExtend<APIError>();
    const tf = new Ticketflow({ baseUrl: 'https://helpdesk.test', apiKey: 'tf_x', validate: true });
    const never = () => {
      // @ts-expect-error: validate is true or false
      void tf.tags.get('t', { validate: 'always' });
    };
    expectTypeOf(never).toBeFunction();
  });
});
