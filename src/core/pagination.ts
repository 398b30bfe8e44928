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

/**
 * One page of a list, as the API returns it: what awaiting a list call gives.
 *
 * @example
 * ```ts
 * const page: Page<ItemOf<'listTickets'>> = await tf.tickets.list({ limit: 20 });
 * console.log(page.data.length, page.next_cursor === null ? 'all of them' : 'more to come');
 * ```
 */
export interface Page<Item> {
  data: Item[];
  /** Pass as `cursor` for the next page; `null` on the last one. */
  next_cursor: string | null;
}

/**
 * Fetches the page after `cursor` (the first page when undefined): what a {@link PagePromise} is
 * built on, so any cursor-paged source can be walked the same way (a stub in tests, say).
 *
 * @example
 * ```ts
 * const pages: Page<string>[] = [{ data: ['a', 'b'], next_cursor: '1' }, { data: ['c'], next_cursor: null }];
 * const fetchPage: PageFetcher<string> = async (cursor) => {
 *   const page = pages[Number(cursor ?? 0)]!;
 *   return { data: page, response: Response.json(page) };
 * };
 * for await (const letter of new PagePromise(fetchPage)) console.log(letter); // a, b, c
 * ```
 */
export type PageFetcher<Item> = (cursor: string | undefined) => Promise<WithResponse<Page<Item>>>;

/**
 * A promise of the first page that is also an async iterable over all items: what every list
 * method returns. Later pages are fetched only as the loop reaches them.
 *
 * @example
 * ```ts
 * const { data, next_cursor } = await tf.tickets.list({ status: ['open'] }); // the first page
 * for await (const ticket of tf.tickets.list({ status: ['open'] })) console.log(ticket.ticket_number); // every item
 * ```
 */
export class PagePromise<Item> extends APIPromise<Page<Item>> implements AsyncIterable<Item> {
  readonly #fetchPage: PageFetcher<Item>;

  constructor(fetchPage: PageFetcher<Item>) {
    super(fetchPage(undefined));
    this.#fetchPage = fetchPage;
  }

  /**
   * Every page in turn, the first one included.
   *
   * @example
   * ```ts
   * for await (const page of tf.tickets.list({ limit: 100 }).pages()) console.log(`${page.data.length} tickets`);
   * ```
   */
  async *pages(): AsyncGenerator<Page<Item>, void, undefined> {
    let page = (await this.withResponse()).data;
    yield page;
    while (page.next_cursor !== null) {
      page = (await this.#fetchPage(page.next_cursor)).data;
      yield page;
    }
  }

  /**
   * Every item of every page, in order; leaving the loop early fetches no further page.
   *
   * @example
   * ```ts
   * const newest: string[] = [];
   * for await (const ticket of tf.tickets.list({ assignee_id: 'none' })) {
   *   newest.push(ticket.title);
   *   if (newest.length === 10) break;
   * }
   * ```
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }
}
