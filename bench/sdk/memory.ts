/**
 * Memory while walking 10k paginated items (100 pages of 100): the SDK's `for await` over a list
 * beside a raw fetch loop over the same pages. Peak is the largest heap growth seen during the walk
 * (nothing kept); retained is the heap growth with all 10k items kept in an array, after a full GC.
 */
import { Ticketflow } from '../../src/index.js';
import { LIST_ITEMS } from './canned.js';

export interface MemoryRow {
  client: 'sdk' | 'fetch';
  items: number;
  /** Bytes. */
  peakWalking: number;
  retainedCollected: number;
}

/** The process runs with --expose-gc (see run-worker.ts). */
const gc = (): void => {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc();
};

const heap = () => process.memoryUsage().heapUsed;

async function* fetchItems(baseUrl: string): AsyncGenerator<unknown> {
  let cursor: string | null = null;
  do {
    const response = await fetch(`${baseUrl}/v1/tickets?limit=100${cursor === null ? '' : `&cursor=${cursor}`}`, { headers: { authorization: 'Bearer bench' } });
    const page = (await response.json()) as { data: unknown[]; next_cursor: string | null };
    yield* page.data;
    cursor = page.next_cursor;
  } while (cursor !== null);
}

function sdkItems(baseUrl: string): AsyncIterable<unknown> {
  return new Ticketflow({ baseUrl, accessToken: 'bench' }).tickets.list({ limit: 100 });
}

async function measure(client: MemoryRow['client'], items: () => AsyncIterable<unknown>): Promise<MemoryRow> {
  gc();
  let base = heap();
  let peak = 0;
  let count = 0;
  for await (const item of items()) {
    void item;
    count += 1;
    if (count % 100 === 0) peak = Math.max(peak, heap() - base);
  }
  gc();
  base = heap();
  const kept: unknown[] = [];
  for await (const item of items()) kept.push(item);
  gc();
  const retained = heap() - base;
  if (kept.length !== LIST_ITEMS || count !== LIST_ITEMS) throw new Error(`${client} walked ${count} and kept ${kept.length} items, not ${LIST_ITEMS}`);
  return { client, items: count, peakWalking: peak, retainedCollected: retained };
}

export async function measureMemory(baseUrl: string): Promise<MemoryRow[]> {
  // Once each first, so that lazily loaded code is not counted as the walk's.
  for await (const item of sdkItems(baseUrl)) void item;
  for await (const item of fetchItems(baseUrl)) void item;
  return [await measure('fetch', () => fetchItems(baseUrl)), await measure('sdk', () => sdkItems(baseUrl))];
}
