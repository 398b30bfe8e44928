/**
 * `tf.categories` (examples/server/src/api/organisation/categories.ts): everyone signed in reads
 * them; managers and admins create, change and delete them. Slugs are unique. Deleting one leaves
 * its tickets without a category (each change in their history) and takes its SLA policies with it.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, MAY_NOT_MAKE_CHANGE, notFound } from '../problems.js';
import { detachCategory, duplicate, isManagerOrAdmin } from '../rules/organisation.js';
import type { CategoryRow } from '../store.js';
import type { World } from '../world.js';
import { flag, idKey, page } from './shared.js';

const ListQuery = z.strictObject({ ...page, is_active: flag.optional(), q: z.string().min(1).max(100).optional() });

const Params = z.strictObject({ category_id: idKey });

const MANAGERS_ONLY = 'Only managers and admins may change categories.';

/** `ILIKE '%' || q || '%'`: `%` and `_` in the search text are wildcards, `\` escapes, case is ignored. */
function ilikeContains(q: string): RegExp {
  let pattern = '';
  for (let i = 0; i < q.length; i += 1) {
    const char = q[i]!;
    if (char === '\\' && i + 1 < q.length) pattern += escapeRegExp(q[(i += 1)]!);
    else if (char === '%') pattern += '[\\s\\S]*';
    else if (char === '_') pattern += '[\\s\\S]';
    else pattern += escapeRegExp(char);
  }
  return new RegExp(pattern, 'iu');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function assertSlugFree(world: World, slug: string, except?: string): void {
  if (world.store.tables.categories.all().some((row) => row.id !== except && row.slug === slug)) throw duplicate();
}

export const categoryHandlers: HandlerTable = {
  listCategories: {
    scope: 'directory',
    handle({ world, req }) {
      const query = req.query(ListQuery);
      const match = query.q === undefined ? undefined : ilikeContains(query.q);
      const rows = world.store.tables.categories.where(
        (row) => (query.is_active === undefined || row.is_active === query.is_active) && (match === undefined || match.test(row.name) || match.test(row.slug)),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('categories', { is_active: query.is_active, q: query.q }),
          keyLength: 2,
          keyOf: (row) => [row.name, row.id],
          serialize: (row): components['schemas']['Category'] => row,
        }),
      );
    },
  },
  createCategory: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('createCategory');
      // No reason of its own: the database's refusal, worded as the server words it.
      if (!isManagerOrAdmin(work.me)) throw forbidden(MAY_NOT_MAKE_CHANGE);
      assertSlugFree(world, body.slug);
      const now = work.now();
      const category = world.store.tables.categories.put({
        id: world.ids.uuid(),
        slug: body.slug,
        name: body.name,
        description: body.description ?? null,
        is_active: body.is_active ?? true,
        created_at: now,
        updated_at: now,
      });
      return created(category, { Location: `/v1/categories/${category.id}` });
    },
  },
  getCategory: {
    scope: 'directory',
    handle({ world, req }) {
      const { category_id } = req.params(Params);
      const category = world.store.tables.categories.get(category_id);
      if (!category) throw notFound('category');
      return ok(category);
    },
  },
  updateCategory: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { category_id } = req.params(Params);
      const body = req.json('updateCategory');
      const { categories } = world.store.tables;
      const category = categories.get(category_id);
      if (!category) throw notFound('category');
      if (!isManagerOrAdmin(work.me)) throw forbidden(MANAGERS_ONLY);
      const next: CategoryRow = {
        ...category,
        ...(body.slug === undefined ? {} : { slug: body.slug }),
        ...(body.name === undefined ? {} : { name: body.name }),
        ...('description' in body ? { description: body.description ?? null } : {}),
        ...(body.is_active === undefined ? {} : { is_active: body.is_active }),
        updated_at: work.now(),
      };
      if (next.slug !== category.slug) assertSlugFree(world, next.slug, category.id);
      return ok(categories.put(next));
    },
  },
  deleteCategory: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { category_id } = req.params(Params);
      const { categories } = world.store.tables;
      if (!categories.get(category_id)) throw notFound('category');
      if (!isManagerOrAdmin(work.me)) throw forbidden(MANAGERS_ONLY);
      detachCategory(work, category_id);
      categories.delete(category_id);
      return noContent();
    },
  },
};
