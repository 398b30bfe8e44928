/** Reading knowledge-base articles out of the database and into the contract's shapes. */
import type { components } from '../../../../../src/generated/api.js';
import type { Queryable } from '../../db/database.js';
import { iso, isoOrNull } from '../../http/serialize.js';

export type KbArticle = components['schemas']['KbArticle'];
export type KbArticleSummary = components['schemas']['KbArticleSummary'];
export type KbArticleStatus = components['schemas']['KbArticleStatus'];

export interface ArticleSummaryRow {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  category_id: string | null;
  tags: string[];
  status: KbArticleStatus;
  source: components['schemas']['KbArticleSource'];
  source_ticket_id: string | null;
  author_id: string | null;
  version: number;
  view_count: number;
  helpful_votes: number;
  unhelpful_votes: number;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
  archived_at: Date | null;
}

export interface ArticleRow extends ArticleSummaryRow {
  body: string;
}

const SUMMARY_FIELDS = [
  'id',
  'slug',
  'title',
  'summary',
  'category_id',
  'tags',
  'status',
  'source',
  'source_ticket_id',
  'author_id',
  'version',
  'view_count',
  'helpful_votes',
  'unhelpful_votes',
  'created_at',
  'updated_at',
  'published_at',
  'archived_at',
];

/** The summary's columns, optionally qualified by a table alias. */
export const summaryColumns = (alias?: string) => SUMMARY_FIELDS.map((field) => (alias ? `${alias}.${field}` : field)).join(', ');

export const ARTICLE_COLUMNS = `${summaryColumns()}, body`;

export const toArticleSummary = (row: ArticleSummaryRow): KbArticleSummary => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  summary: row.summary,
  category_id: row.category_id,
  tags: row.tags,
  status: row.status,
  source: row.source,
  source_ticket_id: row.source_ticket_id,
  author_id: row.author_id,
  version: row.version,
  view_count: row.view_count,
  helpful_votes: row.helpful_votes,
  unhelpful_votes: row.unhelpful_votes,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
  published_at: isoOrNull(row.published_at),
  archived_at: isoOrNull(row.archived_at),
});

export const toArticle = (row: ArticleRow): KbArticle => ({ ...toArticleSummary(row), body: row.body });

/** What the caller can see of an article's state, or undefined when it is invisible to them. */
export async function articleState(tx: Queryable, articleId: string): Promise<{ status: KbArticleStatus; version: number } | undefined> {
  const { rows } = await tx.query<{ status: KbArticleStatus; version: number }>('select status, version from kb_articles where id = $1', [
    articleId,
  ]);
  return rows[0];
}
