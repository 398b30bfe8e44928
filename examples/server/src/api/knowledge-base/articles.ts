/**
 * Knowledge-base articles and their status workflow. Row-level security decides who sees and
 * changes what: customers read published articles only; staff read everything and write articles;
 * agents edit only the articles they wrote; managers and admins edit and delete any. The database
 * keeps the versions (a trigger, on every change of title, summary or body) and the publish and
 * archive timestamps.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';
import { forbiddenUnless, refusal } from '../../http/refusal.js';
import { id, oneOrMany, page, slugSchema } from '../../http/schemas.js';
import { etag } from '../../http/serialize.js';
import {
  ARTICLE_COLUMNS,
  articleState,
  summaryColumns,
  toArticle,
  toArticleSummary,
  type ArticleRow,
  type ArticleSummaryRow,
  type KbArticleStatus,
} from './article-rows.js';
import { ifMatchVersions } from '../../http/if-match.js';

const title = z.string().trim().min(1).max(255);
const slug = slugSchema(200);
const summary = z.string().max(1000).nullable();
// Not trimmed: leading and trailing whitespace can be meaningful in Markdown.
const body = z
  .string()
  .min(1)
  .max(200_000)
  .refine((value) => value.trim().length > 0, 'must not be blank');
const tags = z
  .array(z.string().trim().min(1).max(50))
  .max(20)
  .refine((values) => new Set(values).size === values.length, 'must not repeat a tag');

const KbArticleCreate = conforms<components['schemas']['KbArticleCreate']>()(
  z.strictObject({
    title,
    slug,
    summary: summary.optional(),
    body,
    category_id: id.nullable().optional(),
    tags: tags.optional(),
    status: z.enum(['draft', 'published']).optional(),
    source_ticket_id: id.nullable().optional(),
  }),
);

const KbArticleUpdate = conforms<components['schemas']['KbArticleUpdate']>()(
  z
    .strictObject({
      title: title.optional(),
      slug: slug.optional(),
      summary: summary.optional(),
      body: body.optional(),
      category_id: id.nullable().optional(),
      tags: tags.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

/**
 * The list's sort orders. `key` is an SQL expression over kb_articles (never input); never-published
 * articles sort as published at -infinity, so the key is never NULL and keyset comparison works.
 */
const SORTS = {
  '-updated_at': { key: 'updated_at', type: 'timestamptz', descending: true },
  updated_at: { key: 'updated_at', type: 'timestamptz', descending: false },
  '-published_at': { key: "coalesce(published_at, '-infinity'::timestamptz)", type: 'timestamptz', descending: true },
  published_at: { key: "coalesce(published_at, '-infinity'::timestamptz)", type: 'timestamptz', descending: false },
  '-helpful': { key: 'helpful_votes', type: 'integer', descending: true },
  helpful: { key: 'helpful_votes', type: 'integer', descending: false },
} as const;

type Sort = keyof typeof SORTS;

const statusEnum = z.enum(['draft', 'published', 'archived']);

const ListQuery = z.strictObject({
  ...page,
  status: oneOrMany(statusEnum).optional(),
  category_id: id.optional(),
  tag: oneOrMany(z.string().min(1).max(50)).optional(),
  q: z.string().min(1).max(200).optional(),
  sort: z.enum(Object.keys(SORTS) as [Sort, ...Sort[]]).default('-updated_at'),
});

const Params = z.strictObject({ article_id: id });

const EDITORS = 'Agents may change only the articles they wrote; managers and admins may change any.';

/** The article as the response body, with its version as the ETag. */
function articleResponse(c: Context<AppEnv>, row: ArticleRow, status: 200 | 201 = 200, headers: Record<string, string> = {}) {
  return c.json(toArticle(row), status, { ...headers, ETag: etag(row.version) });
}

/** Moves an article to `target`, or explains why it could not: 404, 409 when it is there already, 403. */
async function transition(c: Context<AppEnv>, target: Extract<KbArticleStatus, 'published' | 'archived'>) {
  const { article_id } = readParams(c, Params);
  const tx = c.get('tx');
  // Republishing an archived article un-archives it; the trigger stamps published_at / archived_at.
  const { rows } = await tx.query<ArticleRow>(
    `update kb_articles set
       status = $2::kb_article_status,
       archived_at = case when $2::kb_article_status = 'published' then null else archived_at end
     where id = $1 and status <> $2::kb_article_status
     returning ${ARTICLE_COLUMNS}`,
    [article_id, target],
  );
  if (rows[0]) return articleResponse(c, rows[0]);
  const state = await articleState(tx, article_id);
  if (!state) throw notFound('article');
  if (state.status === target) throw new Problem(409, 'invalid_transition', `The article is already ${target}.`);
  throw forbidden(EDITORS);
}

export function articleRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const { status, category_id, tag, q, sort } = query;
      const print = fingerprint('kb_articles', { status, category_id, tag, q, sort });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const order = SORTS[sort];
      const direction = order.descending ? 'desc' : 'asc';
      const { rows } = await c.get('tx').query<ArticleSummaryRow & { sort_key: string }>(
        `select ${summaryColumns()}, (${order.key})::text as sort_key
           from kb_articles
          where ($1::text[] is null or status = any ($1::text[]::kb_article_status[]))
            and ($2::uuid is null or category_id = $2)
            and ($3::text[] is null or tags @> $3)
            and ($4::text is null or search_vector @@ websearch_to_tsquery('english', $4))
            and ($5::text is null or (${order.key}, id) ${order.descending ? '<' : '>'} ($5::${order.type}, $6::uuid))
          order by ${order.key} ${direction}, id ${direction}
          limit $7`,
        [status ?? null, category_id ?? null, tag ?? null, q ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.sort_key, row.id], toArticleSummary));
    })
    .post('/', async (c) => {
      const input = await readJson(c, KbArticleCreate);
      const tx = c.get('tx');
      // author_id defaults to the caller, which the insert policy insists on.
      const { rows } = await forbiddenUnless(
        tx.query<ArticleRow>(
          `insert into kb_articles (title, slug, summary, body, category_id, tags, status, source, source_ticket_id)
           values ($1, $2, $3, $4, $5, coalesce($6::text[], '{}'), coalesce($7::kb_article_status, 'draft'),
                   case when $8::uuid is null then 'manual' else 'generated_from_ticket' end::kb_article_source, $8)
           returning ${ARTICLE_COLUMNS}`,
          [
            input.title,
            input.slug,
            input.summary ?? null,
            input.body,
            input.category_id ?? null,
            input.tags ?? null,
            input.status ?? null,
            input.source_ticket_id ?? null,
          ],
        ),
        'Only staff may write articles.',
      );
      if (input.source_ticket_id) {
        // The foreign key sees every ticket; the caller must be able to see this one.
        const { rows: tickets } = await tx.query('select 1 from tickets where id = $1', [input.source_ticket_id]);
        if (tickets.length === 0) {
          throw new Problem(422, 'unprocessable', 'source_ticket_id does not refer to a ticket you can see.', [
            { location: 'body', path: 'source_ticket_id', message: 'no such ticket' },
          ]);
        }
      }
      const article = rows[0]!;
      return articleResponse(c, article, 201, { Location: `/v1/kb/articles/${article.id}` });
    })
    .get('/:article_id', async (c) => {
      const { article_id } = readParams(c, Params);
      const tx = c.get('tx');
      // Counted through a definer function: readers may not UPDATE articles. It only ever counts
      // published articles, which every reader may see, so it reveals nothing by itself.
      await tx.query('select app.kb_count_view($1)', [article_id]);
      const { rows } = await tx.query<ArticleRow>(`select ${ARTICLE_COLUMNS} from kb_articles where id = $1`, [article_id]);
      if (!rows[0]) throw notFound('article');
      return articleResponse(c, rows[0]);
    })
    .patch('/:article_id', async (c) => {
      const { article_id } = readParams(c, Params);
      const expected = ifMatchVersions(c);
      const input = await readJson(c, KbArticleUpdate);
      const tx = c.get('tx');
      // The version condition sits in the UPDATE itself, so a concurrent edit cannot slip in
      // between a check and the write.
      const { rows } = await tx.query<ArticleRow>(
        `update kb_articles set
           title = coalesce($2, title),
           slug = coalesce($3, slug),
           summary = case when $4 then $5 else summary end,
           body = coalesce($6, body),
           category_id = case when $7 then $8::uuid else category_id end,
           tags = coalesce($9::text[], tags)
         where id = $1 and ($10::integer[] is null or version = any($10::integer[]))
         returning ${ARTICLE_COLUMNS}`,
        [
          article_id,
          input.title ?? null,
          input.slug ?? null,
          'summary' in input,
          input.summary ?? null,
          input.body ?? null,
          'category_id' in input,
          input.category_id ?? null,
          input.tags ?? null,
          expected,
        ],
      );
      if (rows[0]) return articleResponse(c, rows[0]);
      const state = await articleState(tx, article_id);
      if (!state) throw notFound('article');
      if (expected !== null && !expected.includes(state.version)) {
        throw new Problem(
          412,
          'precondition_failed',
          `The article was changed by someone else: it is at version ${state.version}, not ${expected.join(' or ') || 'the one given'}.`,
        );
      }
      throw forbidden(EDITORS);
    })
    .delete('/:article_id', async (c) => {
      const { article_id } = readParams(c, Params);
      const tx = c.get('tx');
      const { rowCount } = await tx.query('delete from kb_articles where id = $1', [article_id]);
      if (rowCount === 0) throw await refusal(tx, 'kb_articles', article_id, 'article', 'Only managers and admins may delete articles.');
      return c.body(null, 204);
    })
    .post('/:article_id/publish', (c) => transition(c, 'published'))
    .post('/:article_id/archive', (c) => transition(c, 'archived'));
}
