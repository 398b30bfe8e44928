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

/** A promise of `T` whose {@link APIPromise.withResponse} also resolves to the raw `Response`. */
export class APIPromise<T> implements PromiseLike<T> {
  readonly #result: Promise<WithResponse<T>>;

  constructor(result: Promise<WithResponse<T>>) {
    this.#result = result;
    // The data promise below may never be awaited if only withResponse() is: keep an unobserved
    // rejection from being reported as unhandled on this one.
    result.catch(() => undefined);
  }

  /** The data together with the `Response` it came in (its headers, status, ETag). */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result;
  }

  then<A = T, B = never>(onfulfilled?: ((value: T) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#result.then((result) => result.data).then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}
