/**
 * Global full-text search over tickets, comments and knowledge-base articles. Each source is read
 * as the caller under row-level security, so a result exists only if the caller could open it: a
 * customer never finds an internal note or another customer's ticket. Deleted comments are left out
 * as a product rule (their authors may still see them elsewhere).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { oneOrMany } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { toSnippet } from './snippet.js';

type SearchResult = components['schemas']['SearchResult'];
type SearchResultType = components['schemas']['SearchResultType'];

const SOURCES = { tickets: 'ticket', comments: 'comment', articles: 'article' } as const satisfies Record<string, SearchResultType>;
type Source = keyof typeof SOURCES;
const SOURCE_NAMES = Object.keys(SOURCES) as [Source, ...Source[]];

interface SearchRow {
  type: SearchResultType;
  id: string;
  ticket_id: string | null;
  title: string;
  snippet: string;
  rank_key: string;
  created_at: Date;
}

const toSearchResult = (row: SearchRow): SearchResult => ({
  type: row.type,
  id: row.id,
  ticket_id: row.ticket_id,
  title: row.title,
  snippet: toSnippet(row.snippet),
  rank: Number(row.rank_key),
  created_at: iso(row.created_at),
});

const Query = z.strictObject({
  q: z.string().max(200).regex(/\S/, 'must not be blank'),
  // `types=tickets,comments` as the contract says; a repeated parameter is accepted too.
  types: oneOrMany(z.string())
    .transform((values) => values.flatMap((value) => value.split(',')))
    .pipe(z.array(z.enum(SOURCE_NAMES, { error: 'must be tickets, comments or articles' })).min(1))
    .optional(),
  limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(50).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

/**
 * Each branch matches its source's indexed `search_vector` (for comments with the partial index's
 * `deleted_at is null`), so each match can be a GIN index scan even under row-level security (see
 * "Full-text search under row-level security" in migration 0012). The page is cut before
 * `ts_headline` runs, which is the expensive part. Ties in rank are broken by
 * type and id, all descending, so the keyset `(rank, type, id) < cursor` is exact; `rank::text` is
 * float4's shortest exact form, so the cursor round-trips it without loss.
 */
export const SEARCH_SQL = `
  with matches as (
    select 'ticket' as type, t.id, t.id as ticket_id, t.title, t.description as document,
           ts_rank(t.search_vector, websearch_to_tsquery('english', $1)) as rank, t.created_at
      from tickets t
     where $2 and t.search_vector @@ websearch_to_tsquery('english', $1)
    union all
    select 'comment', c.id, c.ticket_id, t.title, c.body,
           ts_rank(c.search_vector, websearch_to_tsquery('english', $1)), c.created_at
      from comments c join tickets t on t.id = c.ticket_id
     where $3 and c.deleted_at is null and c.search_vector @@ websearch_to_tsquery('english', $1)
    union all
    select 'article', a.id, null, a.title, a.body,
           ts_rank(a.search_vector, websearch_to_tsquery('english', $1)), a.created_at
      from kb_articles a
     where $4 and a.search_vector @@ websearch_to_tsquery('english', $1)
  ), page as (
    select * from matches
     where $5::real is null or (rank, type, id) < ($5::real, $6::text, $7::uuid)
     order by rank desc, type desc, id desc
     limit $8
  )
  select type, id, ticket_id, title, rank::text as rank_key, created_at,
         ts_headline('english', translate(document, chr(2) || chr(3), ''), websearch_to_tsquery('english', $1), $9) as snippet
    from page
   order by rank desc, type desc, id desc`;

// Matches are marked with two control characters that cannot survive in the text (they are
// stripped from it first); toSnippet escapes the text and turns them into <mark> tags.
export const HEADLINE_OPTIONS = 'StartSel=\u0002, StopSel=\u0003, MaxWords=35, MinWords=15, ShortWord=2';

export function searchRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/', async (c) => {
      const query = readQuery(c, Query);
      const sources = new Set<Source>(query.types ?? SOURCE_NAMES);
      const print = fingerprint('search', { q: query.q, types: [...sources].sort() });
      const after = query.cursor ? decodeCursor(query.cursor, print, 3) : null;
      const { rows } = await c.get('tx').query<SearchRow>(SEARCH_SQL, [
        query.q,
        sources.has('tickets'),
        sources.has('comments'),
        sources.has('articles'),
        after?.[0] ?? null,
        after?.[1] ?? null,
        after?.[2] ?? null,
        query.limit + 1,
        HEADLINE_OPTIONS,
      ]);
      return c.json(toPage(rows, query.limit, print, (row) => [row.rank_key, row.type, row.id], toSearchResult));
    });
}
