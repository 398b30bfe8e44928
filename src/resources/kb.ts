/** `tf.kb`: the knowledge base: categories, articles, versions, feedback, search. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource, type WriteOptions } from '../core/resource.js';
import type { RequestOptions, Transport } from '../core/transport.js';

/**
 * `tf.kb.categories`: the knowledge base's category tree (read by everyone, changed by managers and admins).
 *
 * @example
 * ```ts
 * const top = await tf.kb.categories.list({ parent_id: 'root' });
 * ```
 */
export class KbCategories extends Resource {
  /**
   * The categories, in menu order (position among siblings, then name); `parent_id: 'root'` gives the top level.
   *
   * @example
   * ```ts
   * for await (const category of tf.kb.categories.list({ parent_id: parentId })) console.log(category.name);
   * ```
   */
  list(query?: ListQueryOf<'listKbCategories'>, options?: RequestOptions): PagePromise<ItemOf<'listKbCategories'>> {
    return this.paginate({ operation: 'listKbCategories', method: 'GET', path: '/v1/kb/categories', query, options });
  }

  /**
   * Creates a category (managers and admins).
   *
   * @example
   * ```ts
   * const category = await tf.kb.categories.create({ name: 'Accounts and passwords', slug: 'accounts' });
   * ```
   */
  create(body: BodyOf<'createKbCategory'>, options?: RequestOptions): APIPromise<ResultOf<'createKbCategory'>> {
    return this.call({ operation: 'createKbCategory', method: 'POST', path: '/v1/kb/categories', body, options });
  }

  /**
   * One category.
   *
   * @example
   * ```ts
   * const category = await tf.kb.categories.get(categoryId);
   * ```
   */
  get(kbCategoryId: string, options?: RequestOptions): APIPromise<ResultOf<'getKbCategory'>> {
    return this.call({ operation: 'getKbCategory', method: 'GET', path: path`/v1/kb/categories/${kbCategoryId}`, options });
  }

  /**
   * Changes the given fields (`null` clears one); moving a category under its own subtree is refused.
   *
   * @example
   * ```ts
   * await tf.kb.categories.update(categoryId, { parent_id: null, sort_order: 1 });
   * ```
   */
  update(kbCategoryId: string, body: BodyOf<'updateKbCategory'>, options?: RequestOptions): APIPromise<ResultOf<'updateKbCategory'>> {
    return this.call({ operation: 'updateKbCategory', method: 'PATCH', path: path`/v1/kb/categories/${kbCategoryId}`, body, options });
  }

  /**
   * Deletes a category that has no subcategories (managers and admins).
   *
   * @example
   * ```ts
   * await tf.kb.categories.delete(categoryId);
   * ```
   */
  delete(kbCategoryId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteKbCategory', method: 'DELETE', path: path`/v1/kb/categories/${kbCategoryId}`, options });
  }
}

/**
 * `tf.kb.articles`: articles and their status workflow (draft, published, archived).
 *
 * @example
 * ```ts
 * const article = await tf.kb.articles.create({ title: 'Reset your password', slug: 'reset-your-password', body: '1. …' });
 * await tf.kb.articles.publish(article.id);
 * ```
 */
export class KbArticles extends Resource {
  /**
   * The articles the caller may read (customers: published ones), most recently updated first unless `sort` says otherwise.
   *
   * @example
   * ```ts
   * for await (const article of tf.kb.articles.list({ status: ['published'], tag: ['password'] })) console.log(article.title);
   * ```
   */
  list(query?: ListQueryOf<'listArticles'>, options?: RequestOptions): PagePromise<ItemOf<'listArticles'>> {
    return this.paginate({ operation: 'listArticles', method: 'GET', path: '/v1/kb/articles', query, options });
  }

  /**
   * Writes an article (staff), a draft unless `status: 'published'`.
   *
   * @example
   * ```ts
   * const article = await tf.kb.articles.create({ title: 'Reset your password', slug: 'reset-your-password', body: '1. Open …' });
   * ```
   */
  create(body: BodyOf<'createArticle'>, options?: RequestOptions): APIPromise<ResultOf<'createArticle'>> {
    return this.call({ operation: 'createArticle', method: 'POST', path: '/v1/kb/articles', body, options });
  }

  /**
   * One article with its body; `withResponse()` gives its ETag for a later `update`.
   *
   * @example
   * ```ts
   * const { data: article, response } = await tf.kb.articles.get(id).withResponse();
   * ```
   */
  get(articleId: string, options?: RequestOptions): APIPromise<ResultOf<'getArticle'>> {
    return this.call({ operation: 'getArticle', method: 'GET', path: path`/v1/kb/articles/${articleId}`, options });
  }

  /**
   * Changes the given fields; a change of title, summary or body makes a new version.
   *
   * @example
   * ```ts
   * await tf.kb.articles.update(id, { body: 'Updated steps' }, { ifMatch: etag });
   * ```
   */
  update(articleId: string, body: BodyOf<'updateArticle'>, options?: WriteOptions): APIPromise<ResultOf<'updateArticle'>> {
    return this.call({ operation: 'updateArticle', method: 'PATCH', path: path`/v1/kb/articles/${articleId}`, body, ifMatch: options?.ifMatch, options });
  }

  /**
   * Deletes an article (managers and admins).
   *
   * @example
   * ```ts
   * await tf.kb.articles.delete(id);
   * ```
   */
  delete(articleId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteArticle', method: 'DELETE', path: path`/v1/kb/articles/${articleId}`, options });
  }

  /**
   * Publishes a draft, or republishes an archived article.
   *
   * @example
   * ```ts
   * const article = await tf.kb.articles.publish(id);
   * ```
   */
  publish(articleId: string, options?: RequestOptions): APIPromise<ResultOf<'publishArticle'>> {
    return this.call({ operation: 'publishArticle', method: 'POST', path: path`/v1/kb/articles/${articleId}/publish`, options });
  }

  /**
   * Archives an article: customers no longer see it.
   *
   * @example
   * ```ts
   * await tf.kb.articles.archive(id);
   * ```
   */
  archive(articleId: string, options?: RequestOptions): APIPromise<ResultOf<'archiveArticle'>> {
    return this.call({ operation: 'archiveArticle', method: 'POST', path: path`/v1/kb/articles/${articleId}/archive`, options });
  }
}

/**
 * `tf.kb.versions`: an article's kept versions (staff only).
 *
 * @example
 * ```ts
 * const first = await tf.kb.versions.get(articleId, 1);
 * ```
 */
export class KbArticleVersions extends Resource {
  /**
   * An article's versions, newest first.
   *
   * @example
   * ```ts
   * for await (const version of tf.kb.versions.list(articleId)) console.log(version.version, version.title);
   * ```
   */
  list(articleId: string, query?: ListQueryOf<'listArticleVersions'>, options?: RequestOptions): PagePromise<ItemOf<'listArticleVersions'>> {
    return this.paginate({ operation: 'listArticleVersions', method: 'GET', path: path`/v1/kb/articles/${articleId}/versions`, query, options });
  }

  /**
   * One version of an article, by its number (counted from 1).
   *
   * @example
   * ```ts
   * const version = await tf.kb.versions.get(articleId, 2);
   * ```
   */
  get(articleId: string, version: number, options?: RequestOptions): APIPromise<ResultOf<'getArticleVersion'>> {
    return this.call({ operation: 'getArticleVersion', method: 'GET', path: path`/v1/kb/articles/${articleId}/versions/${version}`, options });
  }
}

/**
 * `tf.kb.feedback`: readers' verdicts on articles, one per reader and article.
 *
 * @example
 * ```ts
 * await tf.kb.feedback.submit(articleId, { helpful: true });
 * ```
 */
export class KbArticleFeedback extends Resource {
  /**
   * An article's feedback, newest first: all of it for staff, one's own for everyone else.
   *
   * @example
   * ```ts
   * for await (const verdict of tf.kb.feedback.list(articleId, { helpful: false })) console.log(verdict.comment);
   * ```
   */
  list(articleId: string, query?: ListQueryOf<'listArticleFeedback'>, options?: RequestOptions): PagePromise<ItemOf<'listArticleFeedback'>> {
    return this.paginate({ operation: 'listArticleFeedback', method: 'GET', path: path`/v1/kb/articles/${articleId}/feedback`, query, options });
  }

  /**
   * Says whether a published article helped; sending it again replaces the caller's earlier verdict.
   *
   * @example
   * ```ts
   * await tf.kb.feedback.submit(articleId, { helpful: true, comment: 'Step 3 saved my day.' });
   * ```
   */
  submit(articleId: string, body: BodyOf<'submitArticleFeedback'>, options?: RequestOptions): APIPromise<ResultOf<'submitArticleFeedback'>> {
    return this.call({ operation: 'submitArticleFeedback', method: 'POST', path: path`/v1/kb/articles/${articleId}/feedback`, body, options });
  }
}

/**
 * The knowledge base: categories, articles, their versions and feedback, and full-text search.
 *
 * @example
 * ```ts
 * const { data: hits } = await tf.kb.search({ q: 'reset password' });
 * const article = await tf.kb.articles.get(hits[0]!.article.id);
 * ```
 */
export class Kb extends Resource {
  /** The category tree. */
  readonly categories: KbCategories;
  /** Articles and their status workflow. */
  readonly articles: KbArticles;
  /** An article's kept versions. */
  readonly versions: KbArticleVersions;
  /** Readers' feedback on articles. */
  readonly feedback: KbArticleFeedback;

  constructor(transport: Transport) {
    super(transport);
    this.categories = new KbCategories(transport);
    this.articles = new KbArticles(transport);
    this.versions = new KbArticleVersions(transport);
    this.feedback = new KbArticleFeedback(transport);
  }

  /**
   * Full-text search over the articles the caller may read, best match first, each hit with its `rank` and a marked-up `snippet`.
   *
   * @example
   * ```ts
   * for await (const hit of tf.kb.search({ q: 'reset password', status: ['published'] })) console.log(hit.article.title, hit.snippet);
   * ```
   */
  search(query: ListQueryOf<'searchArticles'>, options?: RequestOptions): PagePromise<ItemOf<'searchArticles'>> {
    return this.paginate({ operation: 'searchArticles', method: 'GET', path: '/v1/kb/search', query, options });
  }
}
