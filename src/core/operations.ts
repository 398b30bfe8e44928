/**
 * Types of an operation's query, body and result, looked up by its `operationId` in the types
 * generated from the contract: resource modules never spell out a request or response shape.
 */
import type { operations } from '../generated/api.js';

/** Every operation's id, as in `openapi/` (`listTickets`, `createTicket`, …). */
export type OperationId = keyof operations;

/** The `application/json` body of a request or response object of the generated types. */
export type JsonOf<Content> = Content extends { content: { 'application/json': infer Body } } ? Body : never;

/** The query parameters of operation `K`. */
export type QueryOf<K extends OperationId> = operations[K] extends { parameters: { query?: infer Query } } ? NonNullable<Query> : never;

/** The JSON body of operation `K`. */
export type BodyOf<K extends OperationId> = operations[K] extends { requestBody?: infer Body } ? JsonOf<NonNullable<Body>> : never;

/** What operation `K` resolves to: its 200, 201 or 202 JSON body, or `void` for a 204. */
export type ResultOf<K extends OperationId> = operations[K]['responses'] extends infer Responses
  ? Responses extends { 200: infer Ok }
    ? JsonOf<Ok>
    : Responses extends { 201: infer Created }
      ? JsonOf<Created>
      : Responses extends { 202: infer Accepted }
        ? JsonOf<Accepted>
        : void
  : never;

/** The item type of list operation `K`. */
export type ItemOf<K extends OperationId> = ResultOf<K> extends { data: (infer Item)[] } ? Item : never;

/** The query of list operation `K` without the cursor, which the SDK's pagination handles. */
export type ListQueryOf<K extends OperationId> = Omit<QueryOf<K>, 'cursor'>;
