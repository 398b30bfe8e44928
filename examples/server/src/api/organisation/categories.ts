/**
 * Ticket categories. Everyone reads them; managers and admins change them (row-level security decides —
 * a non-admin's INSERT is refused by the database and surfaces as 403).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound } from '../../http/problem.js';
import { refusal } from '../../http/refusal.js';
import { flag, id, page, slugSchema } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';

type Category = components['schemas']['Category'];

interface CategoryRow {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, slug, name, description, is_active, created_at, updated_at';

const toCategory = (row: CategoryRow): Category => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  description: row.description,
  is_active: row.is_active,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

const slug = slugSchema(50);
const name = z.string().trim().min(1).max(100);
const description = z.string().max(10_000).nullable();

const CategoryCreate = conforms<components['schemas']['CategoryCreate']>()(
  z.strictObject({ slug, name, description: description.optional(), is_active: z.boolean().optional() }),
);

const CategoryUpdate = conforms<components['schemas']['CategoryUpdate']>()(
  z
    .strictObject({ slug: slug.optional(), name: name.optional(), description: description.optional(), is_active: z.boolean().optional() })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ListQuery = z.strictObject({ ...page, is_active: flag.optional(), q: z.string().min(1).max(100).optional() });

const Params = z.strictObject({ category_id: id });

export function categoryRoutes() {
  return new Hono<AppEnv>()
    .use(requireScope('directory'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { is_active: query.is_active, q: query.q };
      const print = fingerprint('categories', filters);
      // Sorted by name; the id breaks ties so the order is total and the cursor exact.
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await c.get('tx').query<CategoryRow>(
        `select ${COLUMNS} from categories
          where ($1::boolean is null or is_active = $1)
            and ($2::text is null or name ilike '%' || $2 || '%' or slug ilike '%' || $2 || '%')
            and ($3::text is null or (name, id) > ($3, $4::uuid))
          order by name, id
          limit $5`,
        [query.is_active ?? null, query.q ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.name, row.id], toCategory));
    })
    .post('/', async (c) => {
      const body = await readJson(c, CategoryCreate);
      const { rows } = await c.get('tx').query<CategoryRow>(
        `insert into categories (slug, name, description, is_active)
         values ($1, $2, $3, coalesce($4, true))
         returning ${COLUMNS}`,
        [body.slug, body.name, body.description ?? null, body.is_active ?? null],
      );
      const category = toCategory(rows[0]!);
      return c.json(category, 201, { Location: `/v1/categories/${category.id}` });
    })
    .get('/:category_id', async (c) => {
      const { category_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<CategoryRow>(`select ${COLUMNS} from categories where id = $1`, [category_id]);
      if (!rows[0]) throw notFound('category');
      return c.json(toCategory(rows[0]));
    })
    .patch('/:category_id', async (c) => {
      const { category_id } = readParams(c, Params);
      const body = await readJson(c, CategoryUpdate);
      // "Not given" keeps the value; an explicit null (description) clears it.
      const { rows } = await c.get('tx').query<CategoryRow>(
        `update categories set
           slug = coalesce($2, slug),
           name = coalesce($3, name),
           description = case when $4 then $5 else description end,
           is_active = coalesce($6, is_active)
         where id = $1
         returning ${COLUMNS}`,
        [category_id, body.slug ?? null, body.name ?? null, 'description' in body, body.description ?? null, body.is_active ?? null],
      );
      if (!rows[0]) throw await refusal(c.get('tx'), 'categories', category_id, 'category', 'Only managers and admins may change categories.');
      return c.json(toCategory(rows[0]));
    })
    .delete('/:category_id', async (c) => {
      const { category_id } = readParams(c, Params);
      const { rowCount } = await c.get('tx').query('delete from categories where id = $1', [category_id]);
      if (rowCount === 0) throw await refusal(c.get('tx'), 'categories', category_id, 'category', 'Only managers and admins may change categories.');
      return c.body(null, 204);
    });
}
