/**
 * What every SDK call returns: a promise of the data that can also give the raw `Response`.
 *
 * @example
 * ```ts
 * const ticket = await tf.tickets.get(id);
 * const { data, response } = await tf.tickets.get(id).withResponse();
 * console.log(response.headers.get('etag'));
 * ```
 */
export interface WithResponse<T> {
  data: T;
  response: Response;
}

/**
 * A promise of `T` whose {@link APIPromise.withResponse} also resolves to the raw `Response`.
 * Every call returns one, its request already under way: awaiting it twice, or awaiting it and
 * calling `withResponse()`, reads the same answer, not a second request.
 *
 * @example
 * ```ts
 * const request = tf.tickets.get(ticketId);
 * const ticket = await request; // the data
 * const { response } = await request.withResponse(); // the same answer's Response
 * console.log(ticket.title, response.headers.get('x-request-id'));
 * ```
 */
export class APIPromise<T> implements PromiseLike<T> {
  readonly #result: Promise<WithResponse<T>>;

  constructor(result: Promise<WithResponse<T>>) {
    this.#result = result;
    // The data promise below may never be awaited if only withResponse() is: keep an unobserved
    // rejection from being reported as unhandled on this one.
    result.catch(() => undefined);
  }

  /**
   * The data together with the `Response` it came in (its headers, status, ETag).
   *
   * @example
   * ```ts
   * const { data: ticket, response } = await tf.tickets.get(ticketId).withResponse();
   * await tf.tickets.update(ticket.id, { priority: 'urgent' }, { ifMatch: response.headers.get('etag')! });
   * ```
   */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result;
  }

  /** Resolves with the data, as `await` does. */
  then<A = T, B = never>(onfulfilled?: ((value: T) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#result.then((result) => result.data).then(onfulfilled, onrejected);
  }

  /** Handles the call's failure (an {@link APIError} when the API refused), as `Promise.prototype.catch` does. */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onrejected);
  }

  /** Runs `onfinally` once the call settles, as `Promise.prototype.finally` does. */
  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}
