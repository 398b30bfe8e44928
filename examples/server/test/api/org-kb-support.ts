/** Helpers shared by the organisation and knowledge-base HTTP tests. */
import { generateApiKey } from '../../src/auth/api-keys.js';
import type { ApiHarness, ApiResponse, Client } from '../support/api-harness.js';
import { unique, type UserKey } from '../support/world.js';

/** An API key acting as `user` with exactly `scopes`, inserted as the owner. */
export async function createApiKey(api: ApiHarness, user: UserKey, scopes: string[]): Promise<string> {
  const key = generateApiKey();
  await api.db.query('insert into api_keys (name, prefix, key_hash, user_id, created_by, scopes) values ($1, $2, $3, $4, $4, $5)', [
    unique('key'),
    key.prefix,
    key.hash,
    api.world.users[user],
    scopes,
  ]);
  return key.key;
}

/** Every item of a cursor-paginated list, following `next_cursor` with pages of `limit`. */
export async function collectPages<T>(client: Client, path: string, limit = 2): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const url = `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: ApiResponse = await client.get(url);
    if (page.status !== 200) throw new Error(`${url}: ${page.status} ${page.text}`);
    if (page.body.data.length > limit) throw new Error(`${url}: more than ${limit} items`);
    items.push(...(page.body.data as T[]));
    cursor = page.body.next_cursor;
  } while (cursor);
  return items;
}

/** Bad JSON bodies every write must answer with a 4xx problem, never a 500. */
export async function malformedBodies(client: Client, method: string, path: string) {
  return {
    malformed: await client.request(method, path, { raw: '{"name":', headers: { 'content-type': 'application/json' } }),
    wrongType: await client.request(method, path, { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    noBody: await client.request(method, path, { headers: { 'content-type': 'application/json' } }),
  };
}

export const MISSING_ID = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';
