/**
 * The knowledge base as the server's database keeps it (examples/server/migrations 0005, 0010,
 * 0011, 0012): who sees and changes categories, articles, versions and verdicts (row-level
 * security), and what the triggers do — an article's version moves on every change of its title,
 * summary or body and each version is kept; `updated_at` moves on edits only (not on reads or
 * votes); publishing and archiving stamp their times; verdicts keep the vote counters; every
 * change of status or version is a `kb_article.*` event, internal unless the article is published.
 */
import type { components } from '../../generated/api.js';
import { forbidden, MAY_NOT_MAKE_CHANGE, MockProblem, unknownReference } from '../problems.js';
import type { KbArticleFeedbackRow, KbArticleRow, KbCategoryRow } from '../store.js';
import { isStaff, type Actor, type Work, type World } from '../world.js';
import { visibleTicket } from './policies.js';
import { emit } from './trail.js';

type Schemas = components['schemas'];

/** kb_categories_write: managers and admins. */
export const mayWriteKbCategories = (actor: Actor) => actor.role === 'manager' || actor.role === 'admin';

/** kb_articles_select: published articles to everyone, all of them to staff. */
export const canSeeArticle = (actor: Actor, article: KbArticleRow) => article.status === 'published' || isStaff(actor);

/** The article with `id` if the caller may see it. */
export function visibleArticle(world: World, actor: Actor, id: string): KbArticleRow | undefined {
  const article = world.store.tables.kbArticles.get(id);
  return article && canSeeArticle(actor, article) ? article : undefined;
}

/** kb_articles_update_*: agents the articles they wrote, managers and admins any (with the row visible). */
export const mayEditArticle = (actor: Actor, article: KbArticleRow) =>
  canSeeArticle(actor, article) && ((actor.role === 'agent' && article.author_id === actor.id) || actor.role === 'manager' || actor.role === 'admin');

/** kb_articles_delete: managers and admins. */
export const mayDeleteArticle = (actor: Actor, article: KbArticleRow) => canSeeArticle(actor, article) && (actor.role === 'manager' || actor.role === 'admin');

/** kb_article_feedback_select: a reader's own verdicts; staff all. */
export const canSeeArticleFeedback = (actor: Actor, verdict: KbArticleFeedbackRow) => verdict.user_id === actor.id || isStaff(actor);

/**
 * The slug index is unique across every article or category, seen or not. PostgreSQL leaves the
 * key out of the error on a table with row-level security, so the server cannot name the field.
 */
function assertSlugFree(rows: readonly { id: string; slug: string }[], slug: string, except?: string): void {
  if (rows.some((row) => row.id !== except && row.slug === slug)) throw new MockProblem(409, 'conflict', 'A record with these values already exists.');
}

/** kb_categories_no_cycle: a category cannot be its own ancestor. */
function assertNoCycle(world: World, categoryId: string, parentId: string | null): void {
  const { kbCategories } = world.store.tables;
  const seen = new Set<string>();
  for (let at = parentId; at !== null && !seen.has(at); at = kbCategories.get(at)?.parent_id ?? null) {
    if (at === categoryId) throw new MockProblem(422, 'unprocessable', 'a knowledge-base category cannot be its own ancestor');
    seen.add(at);
  }
}

/** The fields of a new category, as `createKbCategory` takes them (already validated). */
export type NewKbCategory = Schemas['KbCategoryCreate'];

/** INSERT INTO kb_categories as the caller (managers and admins), with its checks. */
export function insertKbCategory(work: Work, input: NewKbCategory): KbCategoryRow {
  const { store, ids } = work.world;
  if (!mayWriteKbCategories(work.me)) throw forbidden(MAY_NOT_MAKE_CHANGE);
  assertSlugFree(store.tables.kbCategories.all(), input.slug);
  const parentId = input.parent_id ? input.parent_id.toLowerCase() : null;
  if (parentId !== null && !store.tables.kbCategories.get(parentId)) throw unknownReference('parent_id');
  const now = work.now();
  return store.tables.kbCategories.put({
    id: ids.uuid(),
    parent_id: parentId,
    name: input.name,
    slug: input.slug,
    description: input.description ?? null,
    sort_order: input.sort_order ?? 0,
    created_at: now,
    updated_at: now,
  });
}

/** UPDATE kb_categories as a manager or admin (the caller checks the policy), with the cycle trigger and the keys. */
export function updateKbCategoryRow(work: Work, category: KbCategoryRow, change: Schemas['KbCategoryUpdate']): KbCategoryRow {
  const { kbCategories } = work.world.store.tables;
  const parentId = change.parent_id === undefined ? category.parent_id : change.parent_id === null ? null : change.parent_id.toLowerCase();
  if (change.parent_id !== undefined) assertNoCycle(work.world, category.id, parentId);
  if (change.slug !== undefined) assertSlugFree(kbCategories.all(), change.slug, category.id);
  if (parentId !== null && parentId !== category.parent_id && !kbCategories.get(parentId)) throw unknownReference('parent_id');
  return kbCategories.put({
    ...category,
    name: change.name ?? category.name,
    slug: change.slug ?? category.slug,
    parent_id: parentId,
    description: change.description === undefined ? category.description : change.description,
    sort_order: change.sort_order ?? category.sort_order,
    updated_at: work.now(),
  });
}

/** DELETE FROM kb_categories: refused while subcategories point at it; its articles lose their category. */
export function deleteKbCategoryRow(work: Work, category: KbCategoryRow): void {
  const { kbCategories, kbArticles } = work.world.store.tables;
  if (kbCategories.all().some((row) => row.parent_id === category.id)) {
    throw new MockProblem(409, 'conflict', 'The category still has subcategories: move or delete them first.');
  }
  kbCategories.delete(category.id);
  // ON DELETE SET NULL: the articles' trigger sees an edit.
  for (const article of kbArticles.where((row) => row.category_id === category.id)) writeArticle(work, article, { category_id: null });
}

/** Columns whose change alone is not an edit: `updated_at` stays (kb_articles_before_write). */
const NOT_EDITS = new Set(['view_count', 'helpful_votes', 'unhelpful_votes', 'updated_at', 'version']);

function keepVersion(work: Work, article: KbArticleRow): void {
  const { store, ids } = work.world;
  store.tables.kbArticleVersions.put({
    id: ids.uuid(),
    article_id: article.id,
    version: article.version,
    title: article.title,
    summary: article.summary,
    body: article.body,
    changed_by: work.actor?.id ?? null,
    created_at: work.now(),
  });
}

const articleEvent = (work: Work, article: KbArticleRow, type: 'created' | 'updated') =>
  emit(work, `kb_article.${type}`, null, article.status !== 'published', { article_id: article.id, status: article.status, version: article.version });

/** Fields of a new article, as `createArticle` takes them (already validated). */
export type NewArticle = Schemas['KbArticleCreate'];

/**
 * INSERT INTO kb_articles as the caller (staff, who become its author), its triggers (version 1
 * kept, published_at, the event) and its keys; a source ticket must be one the caller can see.
 */
export function insertArticle(work: Work, input: NewArticle): KbArticleRow {
  const actor = work.me;
  const { store, ids } = work.world;
  if (!isStaff(actor)) throw forbidden('Only staff may write articles.');
  assertSlugFree(store.tables.kbArticles.all(), input.slug);
  const categoryId = input.category_id ? input.category_id.toLowerCase() : null;
  const sourceTicketId = input.source_ticket_id ? input.source_ticket_id.toLowerCase() : null;
  if (categoryId !== null && !store.tables.kbCategories.get(categoryId)) throw unknownReference('category_id');
  if (sourceTicketId !== null && !store.tables.tickets.get(sourceTicketId)) throw unknownReference('source_ticket_id');
  const now = work.now();
  const status = input.status ?? 'draft';
  const article = store.tables.kbArticles.put({
    id: ids.uuid(),
    slug: input.slug,
    title: input.title,
    summary: input.summary ?? null,
    body: input.body,
    category_id: categoryId,
    tags: input.tags ?? [],
    status,
    source: sourceTicketId === null ? 'manual' : 'generated_from_ticket',
    source_ticket_id: sourceTicketId,
    author_id: actor.id,
    version: 1,
    view_count: 0,
    helpful_votes: 0,
    unhelpful_votes: 0,
    created_at: now,
    updated_at: now,
    published_at: status === 'published' ? now : null,
    archived_at: null,
  });
  keepVersion(work, article);
  articleEvent(work, article, 'created');
  if (sourceTicketId !== null && !visibleTicket(work.world, actor, sourceTicketId)) {
    throw new MockProblem(422, 'unprocessable', 'source_ticket_id does not refer to a ticket you can see.', [
      { location: 'body', path: 'source_ticket_id', message: 'no such ticket' },
    ]);
  }
  return article;
}

/** Changes an article may get: its own columns. */
export type ArticleChange = Partial<Omit<KbArticleRow, 'id' | 'created_at' | 'author_id'>>;

/**
 * UPDATE kb_articles (the caller has checked the policies), with kb_articles_before_write and
 * after_write: the version, `updated_at`, the publish and archive times, the kept version and the event.
 */
export function writeArticle(work: Work, old: KbArticleRow, change: ArticleChange): KbArticleRow {
  const { kbArticles, kbCategories } = work.world.store.tables;
  const proposed: KbArticleRow = { ...old, ...change };
  if (change.slug !== undefined) assertSlugFree(kbArticles.all(), change.slug, old.id);
  if (proposed.category_id !== null && proposed.category_id !== old.category_id && !kbCategories.get(proposed.category_id)) throw unknownReference('category_id');
  const contentChanged = proposed.title !== old.title || proposed.summary !== old.summary || proposed.body !== old.body;
  const edited = (Object.keys(proposed) as (keyof KbArticleRow)[]).some((key) => !NOT_EDITS.has(key) && JSON.stringify(proposed[key]) !== JSON.stringify(old[key]));
  const now = work.now();
  const next: KbArticleRow = {
    ...proposed,
    version: old.version + (contentChanged ? 1 : 0),
    updated_at: edited ? now : old.updated_at,
    published_at: proposed.status === 'published' && old.status !== 'published' ? now : proposed.published_at,
    archived_at: proposed.status === 'archived' && old.status !== 'archived' ? now : proposed.archived_at,
  };
  const stored = kbArticles.put(next);
  if (contentChanged) keepVersion(work, stored);
  if (contentChanged || next.status !== old.status) articleEvent(work, stored, 'updated');
  return stored;
}

/** DELETE FROM kb_articles: its versions and verdicts go with it. */
export function deleteArticleRow(world: World, article: KbArticleRow): void {
  const { kbArticles, kbArticleVersions, kbArticleFeedback } = world.store.tables;
  for (const version of kbArticleVersions.where((row) => row.article_id === article.id)) kbArticleVersions.delete(version.id);
  for (const verdict of kbArticleFeedback.where((row) => row.article_id === article.id)) kbArticleFeedback.delete(verdict.id);
  kbArticles.delete(article.id);
}

/**
 * A reader's verdict, inserted or replaced (one per reader and article; a comment left out is
 * cleared), and the article's vote counters, recounted by trigger. Says whether it was new.
 */
export function upsertArticleFeedback(work: Work, article: KbArticleRow, input: Schemas['KbArticleFeedbackCreate']): { row: KbArticleFeedbackRow; created: boolean } {
  const actor = work.me;
  const { store, ids } = work.world;
  const { kbArticleFeedback } = store.tables;
  const existing = kbArticleFeedback.all().find((row) => row.article_id === article.id && row.user_id === actor.id);
  const now = work.now();
  const row = kbArticleFeedback.put(
    existing
      ? { ...existing, helpful: input.helpful, comment: input.comment ?? null, updated_at: now }
      : { id: ids.uuid(), article_id: article.id, user_id: actor.id, helpful: input.helpful, comment: input.comment ?? null, created_at: now, updated_at: now },
  );
  const verdicts = kbArticleFeedback.where((verdict) => verdict.article_id === article.id);
  const current = store.tables.kbArticles.get(article.id)!;
  writeArticle(work, current, {
    helpful_votes: verdicts.filter((verdict) => verdict.helpful).length,
    unhelpful_votes: verdicts.filter((verdict) => !verdict.helpful).length,
  });
  return { row, created: !existing };
}

/**
 * Deleting a ticket an article was drafted from: the foreign key would clear the article's
 * `source_ticket_id`, which its check (a generated article names its ticket) refuses, so the
 * server refuses the delete.
 */
export function assertNoArticleFrom(world: World, ticketId: string): void {
  if (world.store.tables.kbArticles.all().some((article) => article.source_ticket_id === ticketId)) {
    throw new MockProblem(422, 'unprocessable', 'The change breaks the rule kb_articles_generated_has_ticket.');
  }
}
