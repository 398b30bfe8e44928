/**
 * Readers' feedback on an article, mounted under /v1/kb/articles/:article_id/feedback: one verdict
 * per reader and article, replaced when sent again. The vote counters on the article follow by
 * trigger. Staff read all feedback; everyone else their own (row-level security).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound, Problem } from '../../http/problem.js';
import { flag, id, page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { articleState } from './article-rows.js';

type KbArticleFeedback = components['schemas']['KbArticleFeedback'];

interface FeedbackRow {
  id: string;
  article_id: string;
  user_id: string;
  helpful: boolean;
  comment: string | null;
  created_at: Date;
  created_key: string;
  updated_at: Date;
}

const COLUMNS = 'id, article_id, user_id, helpful, comment, created_at, created_at::text as created_key, updated_at';

const toFeedback = (row: FeedbackRow): KbArticleFeedback => ({
  id: row.id,
  article_id: row.article_id,
  user_id: row.user_id,
  helpful: row.helpful,
  comment: row.comment,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

const FeedbackCreate = conforms<components['schemas']['KbArticleFeedbackCreate']>()(
  z.strictObject({ helpful: z.boolean(), comment: z.string().max(10_000).nullable().optional() }),
);

const Params = z.strictObject({ article_id: id });
const ListQuery = z.strictObject({ ...page, helpful: flag.optional() });

export function articleFeedbackRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { article_id } = readParams(c, Params);
      const query = readQuery(c, ListQuery);
      const tx = c.get('tx');
      if (!(await articleState(tx, article_id))) throw notFound('article');
      const print = fingerprint('kb_article_feedback', { article_id, helpful: query.helpful });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await tx.query<FeedbackRow>(
        `select ${COLUMNS} from kb_article_feedback
          where article_id = $1
            and ($2::boolean is null or helpful = $2)
            and ($3::timestamptz is null or (created_at, id) < ($3, $4::uuid))
          order by created_at desc, id desc
          limit $5`,
        [article_id, query.helpful ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toFeedback));
    })
    .post('/', async (c) => {
      const { article_id } = readParams(c, Params);
      const input = await readJson(c, FeedbackCreate);
      const tx = c.get('tx');
      const article = await articleState(tx, article_id);
      if (!article) throw notFound('article');
      if (article.status !== 'published') {
        throw new Problem(409, 'conflict', `Only published articles take feedback; this one is ${article.status}.`);
      }
      // user_id defaults to the caller; a second verdict replaces the first (the unique key).
      // xmax is 0 on a freshly inserted row version, set when the upsert updated an existing one.
      const { rows } = await tx.query<FeedbackRow & { inserted: boolean }>(
        `insert into kb_article_feedback (article_id, helpful, comment) values ($1, $2, $3)
         on conflict (article_id, user_id) do update set helpful = excluded.helpful, comment = excluded.comment
         returning ${COLUMNS}, (xmax = 0) as inserted`,
        [article_id, input.helpful, input.comment ?? null],
      );
      const row = rows[0]!;
      if (row.inserted) return c.json(toFeedback(row), 201, { Location: `/v1/kb/articles/${article_id}/feedback` });
      return c.json(toFeedback(row), 200);
    });
}
