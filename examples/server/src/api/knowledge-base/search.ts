/**
 * Full-text search over articles, best match first. The ranking is PostgreSQL's ts_rank over the
 * weighted search_vector (title A, summary B, body C), so a title match outranks a body match.
 * Only rows the caller may read are searched: row-level security applies as to any query.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import { readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { id, oneOrMany, page } from '../../http/schemas.js';
import { summaryColumns, toArticleSummary, type ArticleSummaryRow } from './article-rows.js';

type KbSearchResult = components['schemas']['KbSearchResult'];

interface HitRow extends ArticleSummaryRow {
  rank: number;
  snippet: string;
}

const SearchQuery = z.strictObject({
  ...page,
  q: z.string().trim().min(1).max(200),
  category_id: id.optional(),
  status: oneOrMany(z.enum(['draft', 'published', 'archived'])).optional(),
});

/**
 * The excerpt is built from HTML-escaped text, so the only markup in it is the <mark> elements
 * ts_headline adds: safe to insert as HTML even when an article contains markup of its own.
 */
const SNIPPET_SOURCE = `replace(replace(replace(replace(coalesce(a.summary || E'\\n\\n', '') || a.body,
  '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`;
export const SNIPPET_OPTIONS = 'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "';

/**
 * $1 query text, $2 category or null, $3 statuses or null, $4/$5 cursor (rank, id), $6 limit,
 * $7 {@link SNIPPET_OPTIONS}. A module constant so that bench/rls.ts times exactly what the route runs.
 */
export const KB_SEARCH_SQL = `with query as (select websearch_to_tsquery('english', $1) as tsq),
       ranked as (
         select a.id, ts_rank(a.search_vector, query.tsq)::float8 as rank
           from kb_articles a, query
          where a.search_vector @@ query.tsq
            and ($2::uuid is null or a.category_id = $2)
            and ($3::text[] is null or a.status = any ($3::text[]::kb_article_status[]))
       ),
       hits as (
         select id, rank from ranked
          where $4::float8 is null or rank < $4 or (rank = $4 and id > $5::uuid)
          order by rank desc, id
          limit $6
       )
       select ${summaryColumns('a')}, hits.rank,
              ts_headline('english', ${SNIPPET_SOURCE}, query.tsq, $7) as snippet
         from hits join kb_articles a on a.id = hits.id, query
        order by hits.rank desc, a.id`;

const toResult = (row: HitRow): KbSearchResult => ({ article: toArticleSummary(row), rank: row.rank, snippet: row.snippet });

export function kbSearchRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const query = readQuery(c, SearchQuery);
    const { q, category_id, status } = query;
    const print = fingerprint('kb_search', { q, category_id, status });
    const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
    // Ranks are computed for every match but excerpts (the costly part) only for the page. The
    // rank is float8 so it survives the JSON round trip through the cursor exactly.
    const { rows } = await c.get('tx').query<HitRow>(
      KB_SEARCH_SQL,
      [q, category_id ?? null, status ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1, SNIPPET_OPTIONS],
    );
    return c.json(toPage(rows, query.limit, print, (row) => [row.rank, row.id], toResult));
  });
}
