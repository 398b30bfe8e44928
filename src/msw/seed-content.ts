/**
 * Factories for a helpdesk's content: files on tickets and comments, ratings, and the knowledge
 * base (categories, articles, readers' verdicts). Rows go through the same rules as requests — a
 * file writes its history and event, an article its versions, a verdict its article's counters —
 * acting with every right, so a scenario is never refused by the policies it is meant to test;
 * what the triggers refuse (a rating by someone other than the requester, of an open ticket; a
 * file whose bytes contradict its type) is a `TypeError` naming why.
 */
import type { components } from '../generated/api.js';
import { MockProblem } from './problems.js';
import { insertAttachment, toAttachment } from './rules/attachments.js';
import { rate } from './rules/feedback.js';
import { insertArticle, insertKbCategory, upsertArticleFeedback, writeArticle } from './rules/kb.js';
import { resolveMimeType } from './rules/mime-type.js';
import { cleanFileName } from './rules/uploads.js';
import { sha256Hex } from './sha256.js';
import type { UserRef } from './seed.js';
import { omit, type UserRow } from './store.js';
import { actorOf, Work, type World } from './world.js';


/**
 * Fields of `mock.seed.attachment()`; every one has a default.
 *
 * @example
 * ```ts
 * mock.seed.attachment(ticket.id, { file_name: 'vpn-client.log', content: 'AUTH_FAILED (cert expired)\n', mime_type: 'text/plain' });
 * ```
 */
export interface SeedAttachment {
  /** The file's bytes, or text (as UTF-8). Default: one line of text. */
  content?: string | Uint8Array;
  /** Default `file.txt`. */
  file_name?: string;
  /** The declared type, checked against the bytes as an upload's is; by default `text/plain` for text, else sniffed from the bytes. */
  mime_type?: string;
  description?: string | null;
  /** On this comment of the ticket, instead of on the ticket itself. */
  comment_id?: string;
  /** The uploader; by default the comment's author, else the ticket's requester. */
  by?: UserRef;
}

/**
 * Fields of `mock.seed.feedback()`.
 *
 * @example
 * ```ts
 * mock.seed.feedback(ticket.id, { rating: 5, comment: 'Quick and clear, thanks!' });
 * ```
 */
export interface SeedFeedback {
  /** 1–5; default 5. */
  rating?: number;
  comment?: string | null;
  /** Who rates; by default (and, by the rules, necessarily) the ticket's requester. */
  by?: UserRef;
}

/**
 * Fields of `mock.seed.kbCategory()`; every one has a default.
 *
 * @example
 * ```ts
 * const networking = mock.seed.kbCategory({ name: 'Networking', slug: 'networking', parent_id: troubleshooting.id });
 * ```
 */
export type SeedKbCategory = Partial<components['schemas']['KbCategoryCreate']>;

/**
 * Fields of `mock.seed.article()`; every one has a default.
 *
 * @example
 * ```ts
 * mock.seed.article({ title: 'Reset your password', body: 'Open Settings, then Security.', status: 'published', author: 'agent' });
 * ```
 */
export interface SeedArticle extends Partial<Omit<components['schemas']['KbArticleCreate'], 'status'>> {
  /** Where it is in its workflow; default `draft`. An archived article was published first. */
  status?: components['schemas']['KbArticleStatus'];
  /** The author (a member of staff); by default the first one seeded. */
  author?: UserRef;
}

/**
 * Fields of `mock.seed.articleFeedback()`.
 *
 * @example
 * ```ts
 * mock.seed.articleFeedback(article.id, { by: 'customer', helpful: true });
 * ```
 */
export interface SeedArticleFeedback {
  /** The reader. */
  by: UserRef;
  /** Default `true`. */
  helpful?: boolean;
  comment?: string | null;
}

const slugify = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'item';

export class ContentSeeder {
  constructor(
    private readonly world: World,
    private readonly userRow: (ref: UserRef) => UserRow,
  ) {}

  /** Work as `user` with every right, as the other factories act. */
  private as(user: UserRow): Work {
    return new Work(this.world, { ...actorOf(this.world, user), role: 'admin' });
  }

  /** Runs a write, turning a refusal of the rules into a `TypeError` naming it. */
  private write<T>(what: string, fn: () => T): T {
    try {
      return this.world.store.transaction(fn);
    } catch (error) {
      if (error instanceof MockProblem) throw new TypeError(`ticketflow/msw: cannot seed ${what}: ${error.detail}`, { cause: error });
      throw error;
    }
  }

  private ticket(ticketId: string) {
    const ticket = this.world.store.tables.tickets.get(ticketId.toLowerCase());
    if (!ticket) throw new TypeError(`ticketflow/msw: no seeded ticket has the id ${ticketId}`);
    return ticket;
  }

  attachment(ticketId: string, fields: SeedAttachment = {}): components['schemas']['Attachment'] {
    const ticket = this.ticket(ticketId);
    const comment = fields.comment_id === undefined ? undefined : this.world.store.tables.comments.get(fields.comment_id.toLowerCase());
    if (fields.comment_id !== undefined && comment?.ticket_id !== ticket.id) throw new TypeError(`ticketflow/msw: ticket ${ticket.id} has no comment ${fields.comment_id}`);
    const content = typeof fields.content === 'string' ? new TextEncoder().encode(fields.content) : new Uint8Array(fields.content ?? new TextEncoder().encode('log line\n'));
    const fileName = cleanFileName(fields.file_name ?? 'file.txt');
    if (fileName === undefined) throw new TypeError('ticketflow/msw: cannot seed the attachment: the file name must be 1 to 255 characters, without directories');
    if (content.byteLength === 0) throw new TypeError('ticketflow/msw: cannot seed the attachment: the file is empty');
    const uploader = this.userRow(fields.by ?? comment?.author_id ?? ticket.requester_id);
    return this.write('the attachment', () => {
      const row = insertAttachment(this.as(uploader), { ticketId: ticket.id, commentId: comment?.id }, {
        fileName,
        mimeType: resolveMimeType(fields.mime_type ?? (fields.content instanceof Uint8Array ? undefined : 'text/plain'), content),
        sizeBytes: content.byteLength,
        sha256: sha256Hex(content),
        content,
        description: fields.description ?? null,
      });
      return toAttachment(row);
    });
  }

  feedback(ticketId: string, fields: SeedFeedback = {}): components['schemas']['Feedback'] {
    const ticket = this.ticket(ticketId);
    const by = this.userRow(fields.by ?? ticket.requester_id);
    return this.write('the rating', () => rate(this.as(by), ticket.id, { rating: fields.rating ?? 5, comment: fields.comment ?? null }).row);
  }

  kbCategory(fields: SeedKbCategory = {}): components['schemas']['KbCategory'] {
    const n = this.world.store.tables.kbCategories.size + 1;
    const name = fields.name ?? `Category ${n}`;
    // Categories have no author: the work acts as the system, with every right.
    const work = new Work(this.world, { id: 'system', role: 'admin', departmentId: null, teamIds: new Set(), via: 'system', scopes: null });
    return this.write('the knowledge-base category', () => insertKbCategory(work, { ...fields, name, slug: fields.slug ?? `${slugify(name)}-${n}` }));
  }

  article(fields: SeedArticle = {}): components['schemas']['KbArticle'] {
    const n = this.world.store.tables.kbArticles.size + 1;
    const author = fields.author === undefined ? this.staff() : this.userRow(fields.author);
    if (author.role === 'customer') throw new TypeError('ticketflow/msw: cannot seed the article: its author must be a member of staff');
    const status = fields.status ?? 'draft';
    const input = omit(fields, ['author', 'status']);
    const title = input.title ?? `Article ${n}`;
    return this.write('the article', () => {
      const work = this.as(author);
      const article = insertArticle(work, {
        ...input,
        title,
        slug: input.slug ?? `${slugify(title)}-${n}`,
        body: input.body ?? 'How to fix it, step by step.',
        status: status === 'draft' ? 'draft' : 'published',
      });
      return status === 'archived' ? writeArticle(work, article, { status: 'archived' }) : article;
    });
  }

  /** A new version of an article's content, written by `by` (its author unless given). */
  articleRevision(articleId: string, change: Partial<Pick<components['schemas']['KbArticle'], 'title' | 'summary' | 'body'>>, by?: UserRef): components['schemas']['KbArticle'] {
    const article = this.world.store.tables.kbArticles.get(articleId.toLowerCase());
    if (!article) throw new TypeError(`ticketflow/msw: no seeded article has the id ${articleId}`);
    const editor = this.userRow(by ?? article.author_id ?? this.staff().id);
    return this.write('the revision', () => writeArticle(this.as(editor), article, change));
  }

  articleFeedback(articleId: string, fields: SeedArticleFeedback): components['schemas']['KbArticleFeedback'] {
    const article = this.world.store.tables.kbArticles.get(articleId.toLowerCase());
    if (!article) throw new TypeError(`ticketflow/msw: no seeded article has the id ${articleId}`);
    if (article.status !== 'published') throw new TypeError(`ticketflow/msw: cannot seed the verdict: only published articles take feedback; this one is ${article.status}`);
    const reader = this.userRow(fields.by);
    return this.write('the verdict', () => upsertArticleFeedback(this.as(reader), article, { helpful: fields.helpful ?? true, comment: fields.comment ?? null }).row);
  }

  /** The first member of staff seeded: who writes the knowledge base unless told otherwise. */
  private staff(): UserRow {
    const staff = this.world.store.tables.users.all().find((user) => user.role !== 'customer');
    if (!staff) throw new TypeError('ticketflow/msw: seed a member of staff first (the knowledge base is written by staff)');
    return staff;
  }
}
