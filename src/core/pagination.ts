/**
 * Lists: one call gives a {@link PagePromise}, which is both a promise of the first page and an
 * async iterable over every item of every page, fetched as the loop asks for them.
 *
 * @example
 * ```ts
 * const first = await tf.tickets.list({ status: ['open'] }); // { data, next_cursor }
 * for await (const ticket of tf.tickets.list({ status: ['open'] })) console.log(ticket.ticket_number);
 * for await (const page of tf.tickets.list().pages()) console.log(page.data.length);
 * ```
 */
import { APIPromise, type WithResponse } from './api-promise.js';

/** One page of a list, as the API returns it. */
export interface Page<Item> {
  data: Item[];
  /** Pass as `cursor` for the next page; `null` on the last one. */
  next_cursor: string | null;
}

/** Fetches the page after `cursor` (the first page when undefined). */
export type PageFetcher<Item> = (cursor: string | undefined) => Promise<WithResponse<Page<Item>>>;

/** A promise of the first page that is also an async iterable over all items. */
export class PagePromise<Item> extends APIPromise<Page<Item>> implements AsyncIterable<Item> {
  readonly #fetchPage: PageFetcher<Item>;

  constructor(fetchPage: PageFetcher<Item>) {
    super(fetchPage(undefined));
    this.#fetchPage = fetchPage;
  }

  /** Every page in turn, the first one included. */
  async *pages(): AsyncGenerator<Page<Item>, void, undefined> {
    let page = (await this.withResponse()).data;
    yield page;
    while (page.next_cursor !== null) {
      page = (await this.#fetchPage(page.next_cursor)).data;
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }
}
