/**
 * Types of an operation's query, body and result, looked up by its `operationId` in the types
 * generated from the contract: resource modules never spell out a request or response shape.
 */
import type { operations } from '../generated/api.js';

/**
 * Every operation's id, as in `openapi/` (`listTickets`, `createTicket`, …): the key the other
 * types here look an operation up by.
 *
 * @example
 * ```ts
 * const slow: OperationId[] = ['globalSearch', 'getSlaStats']; // a misspelt id does not compile
 * ```
 */
export type OperationId = keyof operations;

/**
 * The `application/json` body of a request or response object of the generated types.
 *
 * @example
 * ```ts
 * type CreatedTicket = JsonOf<operations['createTicket']['responses'][201]>; // the same as ResultOf<'createTicket'>
 * ```
 */
export type JsonOf<Content> = Content extends { content: { 'application/json': infer Body } } ? Body : never;

/**
 * The query parameters of operation `K`.
 *
 * @example
 * ```ts
 * const lastWeek: QueryOf<'getTicketStats'> = { created_after: new Date(Date.now() - 7 * 86_400_000).toISOString() };
 * const { total } = await tf.stats.tickets(lastWeek);
 * ```
 */
export type QueryOf<K extends OperationId> = operations[K] extends { parameters: { query?: infer Query } } ? NonNullable<Query> : never;

/**
 * The JSON body of operation `K`.
 *
 * @example
 * ```ts
 * const draft: BodyOf<'createTicket'> = { title: 'Printer jammed', priority: 'low' };
 * const ticket = await tf.tickets.create(draft);
 * ```
 */
export type BodyOf<K extends OperationId> = operations[K] extends { requestBody?: infer Body } ? JsonOf<NonNullable<Body>> : never;

/**
 * What operation `K` resolves to: its 200, 201 or 202 JSON body, or `void` for a 204.
 *
 * @example
 * ```ts
 * const cache = new Map<string, ResultOf<'getTicket'>>();
 * cache.set(ticketId, await tf.tickets.get(ticketId));
 * ```
 */
export type ResultOf<K extends OperationId> = operations[K]['responses'] extends infer Responses
  ? Responses extends { 200: infer Ok }
    ? JsonOf<Ok>
    : Responses extends { 201: infer Created }
      ? JsonOf<Created>
      : Responses extends { 202: infer Accepted }
        ? JsonOf<Accepted>
        : void
  : never;

/**
 * The item type of list operation `K`.
 *
 * @example
 * ```ts
 * const label = (ticket: ItemOf<'listTickets'>): string => `${ticket.ticket_number} ${ticket.title}`;
 * for await (const ticket of tf.tickets.list()) console.log(label(ticket));
 * ```
 */
export type ItemOf<K extends OperationId> = ResultOf<K> extends { data: (infer Item)[] } ? Item : never;

/**
 * The query of list operation `K` without the cursor, which the SDK's pagination handles.
 *
 * @example
 * ```ts
 * const urgentOpen: ListQueryOf<'listTickets'> = { status: ['open'], priority: ['urgent'], sort: 'due' };
 * for await (const ticket of tf.tickets.list(urgentOpen)) console.log(ticket.title);
 * ```
 */
export type ListQueryOf<K extends OperationId> = Omit<QueryOf<K>, 'cursor'>;
