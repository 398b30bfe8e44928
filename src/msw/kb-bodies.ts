/**
 * Request bodies of the knowledge-base and rating operations, validated as the server's own schemas
 * validate them (examples/server/src/api/knowledge-base/*.ts, feedback/routes.ts): the same fields,
 * limits and messages ("must be lower-case words joined by hyphens", "must not repeat a tag",
 * "must not be blank"), the same trimming (titles, names, tags; never an article's body). Each is
 * held to the contract's type by `conforms`, so a change of the contract that they miss fails to compile.
 */
import { z } from 'zod';
import type { OperationId } from '../core/operations.js';
import type { components } from '../generated/api.js';

type Schemas = components['schemas'];

/** `exactOptionalPropertyTypes` spells an optional zod field `?: T | undefined`; the contract spells it `?: T`. */
type WithoutUndefined<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]: Exclude<T[K], undefined> } : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The schema unchanged; it does not compile unless its input type equals the contract's (the server's check). */
const conforms =
  <Contract>() =>
  <S extends z.ZodType>(schema: S & (Same<WithoutUndefined<z.input<S>>, Contract> extends true ? unknown : { __mismatch: Contract })): S =>
    schema;

const id = z.guid({ error: 'must be a UUID' });

/** A URL-friendly name: lower-case words joined by hyphens, as the database's checks require. */
const slugSchema = (max: number) => z.string().max(max).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');

const atLeastOne = 'must change at least one field';

// Categories (knowledge-base/categories.ts).
const categoryName = z.string().trim().min(1).max(100);
const categorySlug = slugSchema(100);
const categoryDescription = z.string().max(10_000).nullable();
const sortOrder = z.int().min(-1_000_000).max(1_000_000);

const KbCategoryCreate = conforms<Schemas['KbCategoryCreate']>()(
  z.strictObject({
    name: categoryName,
    slug: categorySlug,
    parent_id: id.nullable().optional(),
    description: categoryDescription.optional(),
    sort_order: sortOrder.optional(),
  }),
);

const KbCategoryUpdate = conforms<Schemas['KbCategoryUpdate']>()(
  z
    .strictObject({
      name: categoryName.optional(),
      slug: categorySlug.optional(),
      parent_id: id.nullable().optional(),
      description: categoryDescription.optional(),
      sort_order: sortOrder.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, atLeastOne),
);

// Articles (knowledge-base/articles.ts).
const title = z.string().trim().min(1).max(255);
const articleSlug = slugSchema(200);
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

const KbArticleCreate = conforms<Schemas['KbArticleCreate']>()(
  z.strictObject({
    title,
    slug: articleSlug,
    summary: summary.optional(),
    body,
    category_id: id.nullable().optional(),
    tags: tags.optional(),
    status: z.enum(['draft', 'published']).optional(),
    source_ticket_id: id.nullable().optional(),
  }),
);

const KbArticleUpdate = conforms<Schemas['KbArticleUpdate']>()(
  z
    .strictObject({
      title: title.optional(),
      slug: articleSlug.optional(),
      summary: summary.optional(),
      body: body.optional(),
      category_id: id.nullable().optional(),
      tags: tags.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, atLeastOne),
);

// Verdicts on articles (knowledge-base/article-feedback.ts) and ticket ratings (feedback/routes.ts).
const KbArticleFeedbackCreate = conforms<Schemas['KbArticleFeedbackCreate']>()(
  z.strictObject({ helpful: z.boolean(), comment: z.string().max(10_000).nullable().optional() }),
);

const FeedbackInput = conforms<Schemas['FeedbackInput']>()(
  z.strictObject({ rating: z.number().int().min(1).max(5), comment: z.string().max(10_000).nullable().optional() }),
);

/** The body schema of each knowledge-base and rating operation, for validate.ts. */
export const KB_BODIES: Partial<Record<OperationId, z.ZodObject>> = {
  createKbCategory: KbCategoryCreate,
  updateKbCategory: KbCategoryUpdate,
  createArticle: KbArticleCreate,
  updateArticle: KbArticleUpdate,
  submitArticleFeedback: KbArticleFeedbackCreate,
  rateTicket: FeedbackInput,
};
