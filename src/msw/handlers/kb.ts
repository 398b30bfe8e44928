/**
 * `tf.kb` (examples/server/src/api/knowledge-base): the category tree, articles through draft →
 * published → archived with ETags and `If-Match`, their kept versions, readers' verdicts, and
 * full-text search. Who sees and changes what, and what the triggers write, is in rules/kb.ts.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { matches, tsHeadline, tsRank, websearchToTsQuery } from '../fulltext.js';
import { noContent, ok, type Answer, type HandlerContext, type HandlerTable } from '../operation.js';
import { fingerprint, paginate, type KeyValue } from '../pagination.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import {
  canSeeArticle,
  canSeeArticleFeedback,
  deleteArticleRow,
  deleteKbCategoryRow,
  insertArticle,
  insertKbCategory,
  mayDeleteArticle,
  mayEditArticle,
  mayWriteKbCategories,
  updateKbCategoryRow,
  upsertArticleFeedback,
  visibleArticle,
  writeArticle,
  type ArticleChange,
} from '../rules/kb.js';
import { articleVector } from '../rules/search.js';
import type { KbArticleRow } from '../store.js';
import type { Work } from '../world.js';
import { flag, id, idKey, page, repeated } from './shared.js';

type Schemas = components['schemas'];
type ArticleStatus = Schemas['KbArticleStatus'];

const STATUSES = ['draft', 'published', 'archived'] as const satisfies readonly ArticleStatus[];

const CategoryParams = z.strictObject({ kb_category_id: idKey });
const CategoryListQuery = z.strictObject({
  ...page,
  parent_id: z.union([id, z.literal('root')], { error: 'must be a UUID or root' }).optional(),
});

const SORTS = ['-updated_at', 'updated_at', '-published_at', 'published_at', '-helpful', 'helpful'] as const;
const ArticleListQuery = z.strictObject({
  ...page,
  status: repeated(z.enum(STATUSES)).optional(),
  category_id: idKey.optional(),
  tag: repeated(z.string().min(1).max(50)).optional(),
  q: z.string().min(1).max(200).optional(),
  sort: z.enum(SORTS).default('-updated_at'),
});
const ArticleParams = z.strictObject({ article_id: idKey });
const VersionParams = z.strictObject({
  article_id: idKey,
  version: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(2_147_483_647),
});
const FeedbackListQuery = z.strictObject({ ...page, helpful: flag.optional() });
const SearchQuery = z.strictObject({
  ...page,
  q: z.string().trim().min(1).max(200),
  category_id: idKey.optional(),
  status: repeated(z.enum(STATUSES)).optional(),
});

const MANAGERS_ONLY = 'Only managers and admins may change knowledge-base categories.';
const EDITORS = 'Agents may change only the articles they wrote; managers and admins may change any.';
const STAFF_ONLY = "Only staff may read an article's versions.";

/** An article as the list shows it, fields in the server's order. */
const withoutBody = (article: KbArticleRow): Schemas['KbArticleSummary'] => ({
  id: article.id,
  slug: article.slug,
  title: article.title,
  summary: article.summary,
  category_id: article.category_id,
  tags: article.tags,
  status: article.status,
  source: article.source,
  source_ticket_id: article.source_ticket_id,
  author_id: article.author_id,
  version: article.version,
  view_count: article.view_count,
  helpful_votes: article.helpful_votes,
  unhelpful_votes: article.unhelpful_votes,
  created_at: article.created_at,
  updated_at: article.updated_at,
  published_at: article.published_at,
  archived_at: article.archived_at,
});

/** An article with its version as the ETag. */
const articleAnswer = (article: KbArticleRow, status: 200 | 201 = 200, headers: Record<string, string> = {}): Answer<Schemas['KbArticle']> => ({
  status,
  body: { ...withoutBody(article), body: article.body },
  headers: { ...headers, ETag: `"${article.version}"` },
});

/** Each sort's key: never-published articles sort as published at -infinity (before any time). */
const SORT_KEYS: Record<string, (article: KbArticleRow) => KeyValue[]> = {
  updated_at: (a) => [a.updated_at, a.id],
  published_at: (a) => [a.published_at ?? '', a.id],
  helpful: (a) => [a.helpful_votes, a.id],
};

function requireArticle(work: Work, articleId: string): KbArticleRow {
  const article = visibleArticle(work.world, work.me, articleId);
  if (!article) throw notFound('article');
  return article;
}

/** publish and archive: the move, or why not — 404, 409 when it is there already, 403. */
function transition({ world, work, req }: HandlerContext, target: 'published' | 'archived'): Answer<Schemas['KbArticle']> {
  const { article_id } = req.params(ArticleParams);
  const article = world.store.tables.kbArticles.get(article_id);
  if (article && mayEditArticle(work.me, article) && article.status !== target) {
    // Republishing an archived article un-archives it.
    return articleAnswer(writeArticle(work, article, { status: target, archived_at: target === 'published' ? null : article.archived_at }));
  }
  const seen = requireArticle(work, article_id);
  if (seen.status === target) throw new MockProblem(409, 'invalid_transition', `The article is already ${target}.`);
  throw forbidden(EDITORS);
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const SNIPPET = { startSel: '<mark>', stopSel: '</mark>', maxWords: 35, minWords: 15, shortWord: 3, maxFragments: 2, fragmentDelimiter: ' … ' };

export const kbHandlers: HandlerTable = {
  listKbCategories: {
    scope: 'kb',
    handle({ world, req }) {
      const query = req.query(CategoryListQuery);
      const parent = query.parent_id?.toLowerCase();
      const rows = world.store.tables.kbCategories.where((category) =>
        parent === undefined ? true : parent === 'root' ? category.parent_id === null : category.parent_id === parent,
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('kb_categories', { parent_id: query.parent_id }),
          keyLength: 3,
          keyOf: (category) => [category.sort_order, category.name, category.id],
          serialize: (category) => category,
        }),
      );
    },
  },
  createKbCategory: {
    scope: 'kb',
    handle({ work, req }) {
      const category = insertKbCategory(work, req.json('createKbCategory'));
      return { status: 201, body: category, headers: { Location: `/v1/kb/categories/${category.id}` } };
    },
  },
  getKbCategory: {
    scope: 'kb',
    handle({ world, req }) {
      const { kb_category_id } = req.params(CategoryParams);
      const category = world.store.tables.kbCategories.get(kb_category_id);
      if (!category) throw notFound('knowledge-base category');
      return ok(category);
    },
  },
  updateKbCategory: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { kb_category_id } = req.params(CategoryParams);
      const change = req.json('updateKbCategory');
      const category = world.store.tables.kbCategories.get(kb_category_id);
      if (!category) throw notFound('knowledge-base category');
      if (!mayWriteKbCategories(work.me)) throw forbidden(MANAGERS_ONLY);
      return ok(updateKbCategoryRow(work, category, change));
    },
  },
  deleteKbCategory: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { kb_category_id } = req.params(CategoryParams);
      const category = world.store.tables.kbCategories.get(kb_category_id);
      if (!category) throw notFound('knowledge-base category');
      if (!mayWriteKbCategories(work.me)) throw forbidden(MANAGERS_ONLY);
      deleteKbCategoryRow(work, category);
      return noContent();
    },
  },
  listArticles: {
    scope: 'kb',
    handle({ world, work, req }) {
      const query = req.query(ArticleListQuery);
      const { status, category_id, tag, q, sort } = query;
      const tsquery = q === undefined ? undefined : websearchToTsQuery(q);
      const rows = world.store.tables.kbArticles.where(
        (article) =>
          canSeeArticle(work.me, article) &&
          (status === undefined || status.includes(article.status)) &&
          (category_id === undefined || article.category_id === category_id) &&
          (tag === undefined || tag.every((wanted) => article.tags.includes(wanted))) &&
          (tsquery === undefined || matches(articleVector(article), tsquery)),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('kb_articles', { status, category_id, tag, q, sort }),
          descending: sort.startsWith('-'),
          keyLength: 2,
          keyOf: SORT_KEYS[sort.replace(/^-/, '')]!,
          serialize: withoutBody,
        }),
      );
    },
  },
  createArticle: {
    scope: 'kb',
    handle({ work, req }) {
      const article = insertArticle(work, req.json('createArticle'));
      return articleAnswer(article, 201, { Location: `/v1/kb/articles/${article.id}` });
    },
  },
  getArticle: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { article_id } = req.params(ArticleParams);
      // A read of a published article counts as a view (app.kb_count_view), for any reader.
      const stored = world.store.tables.kbArticles.get(article_id);
      if (stored?.status === 'published') writeArticle(work, stored, { view_count: stored.view_count + 1 });
      return articleAnswer(requireArticle(work, article_id));
    },
  },
  updateArticle: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { article_id } = req.params(ArticleParams);
      const expected = req.ifMatch();
      const input = req.json('updateArticle');
      const article = world.store.tables.kbArticles.get(article_id);
      if (article && mayEditArticle(work.me, article) && (expected === null || expected.includes(article.version))) {
        const change: ArticleChange = {};
        if (input.title !== undefined) change.title = input.title;
        if (input.slug !== undefined) change.slug = input.slug;
        if ('summary' in input) change.summary = input.summary ?? null;
        if (input.body !== undefined) change.body = input.body;
        if ('category_id' in input) change.category_id = input.category_id ? input.category_id.toLowerCase() : null;
        if (input.tags !== undefined) change.tags = input.tags;
        return articleAnswer(writeArticle(work, article, change));
      }
      const seen = requireArticle(work, article_id);
      if (expected !== null && !expected.includes(seen.version)) {
        throw new MockProblem(
          412,
          'precondition_failed',
          `The article was changed by someone else: it is at version ${seen.version}, not ${expected.join(' or ') || 'the one given'}.`,
        );
      }
      throw forbidden(EDITORS);
    },
  },
  deleteArticle: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { article_id } = req.params(ArticleParams);
      const article = world.store.tables.kbArticles.get(article_id);
      if (article && mayDeleteArticle(work.me, article)) {
        deleteArticleRow(world, article);
        return noContent();
      }
      requireArticle(work, article_id);
      throw forbidden('Only managers and admins may delete articles.');
    },
  },
  publishArticle: {
    scope: 'kb',
    handle: (context) => transition(context, 'published'),
  },
  archiveArticle: {
    scope: 'kb',
    handle: (context) => transition(context, 'archived'),
  },
  listArticleVersions: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { article_id } = req.params(ArticleParams);
      const query = req.query(z.strictObject(page));
      requireArticle(work, article_id);
      // kb_article_versions_select: staff only; every article has its first version, so none means hidden.
      const rows = work.me.role === 'customer' ? [] : world.store.tables.kbArticleVersions.where((version) => version.article_id === article_id);
      const result = paginate(rows, {
        limit: query.limit,
        cursor: query.cursor,
        print: fingerprint('kb_article_versions', { article_id }),
        descending: true,
        keyLength: 1,
        keyOf: (version) => [version.version],
        serialize: (version) => version,
      });
      if (result.data.length === 0 && query.cursor === undefined) throw forbidden(STAFF_ONLY);
      return ok(result);
    },
  },
  getArticleVersion: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { article_id, version } = req.params(VersionParams);
      const article = requireArticle(work, article_id);
      const row = world.store.tables.kbArticleVersions.all().find((kept) => kept.article_id === article_id && kept.version === version);
      if (row && work.me.role !== 'customer') return ok(row);
      // Versions 1…current all exist; one of those missing is hidden by the policy, not absent.
      if (version <= article.version) throw forbidden(STAFF_ONLY);
      throw new MockProblem(404, 'not_found', `The article has no version ${version}; it is at version ${article.version}.`);
    },
  },
  listArticleFeedback: {
    scope: 'kb',
    handle({ world, work, req }) {
      const { article_id } = req.params(ArticleParams);
      const query = req.query(FeedbackListQuery);
      requireArticle(work, article_id);
      const rows = world.store.tables.kbArticleFeedback.where(
        (verdict) => verdict.article_id === article_id && canSeeArticleFeedback(work.me, verdict) && (query.helpful === undefined || verdict.helpful === query.helpful),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('kb_article_feedback', { article_id, helpful: query.helpful }),
          descending: true,
          keyLength: 2,
          keyOf: (verdict) => [verdict.created_at, verdict.id],
          serialize: (verdict) => verdict,
        }),
      );
    },
  },
  submitArticleFeedback: {
    scope: 'kb',
    handle({ work, req }) {
      const { article_id } = req.params(ArticleParams);
      const input = req.json('submitArticleFeedback');
      const article = requireArticle(work, article_id);
      if (article.status !== 'published') throw new MockProblem(409, 'conflict', `Only published articles take feedback; this one is ${article.status}.`);
      const { row, created } = upsertArticleFeedback(work, article, input);
      return created ? { status: 201, body: row, headers: { Location: `/v1/kb/articles/${article_id}/feedback` } } : ok(row);
    },
  },
  searchArticles: {
    scope: 'kb',
    handle({ world, work, req }) {
      const query = req.query(SearchQuery);
      const { q, category_id, status } = query;
      const tsquery = websearchToTsQuery(q);
      const hits = world.store.tables.kbArticles.all().flatMap((article) => {
        if (!canSeeArticle(work.me, article)) return [];
        if (category_id !== undefined && article.category_id !== category_id) return [];
        if (status !== undefined && !status.includes(article.status)) return [];
        const vector = articleVector(article);
        return matches(vector, tsquery) ? [{ article, rank: tsRank(vector, tsquery) }] : [];
      });
      return ok(
        paginate(hits, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('kb_search', { q, category_id, status }),
          keyLength: 2,
          // Best match first, then by id ascending, as the server orders them.
          keyOf: (hit) => [-hit.rank, hit.article.id],
          serialize: (hit) => ({
            article: withoutBody(hit.article),
            rank: hit.rank,
            snippet: tsHeadline(escapeHtml((hit.article.summary === null ? '' : `${hit.article.summary}\n\n`) + hit.article.body), tsquery, SNIPPET),
          }),
        }),
      );
    },
  },
};
