/**
 * Knowledge-base categories, a tree through parent_id. Everyone signed in reads them; managers and
 * admins change them (row-level security decides). The database refuses cycles (a trigger: 422)
 * and deleting a category that still has children (a RESTRICT foreign key: 409).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { isDatabaseError } from '../../http/database-errors.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound, Problem } from '../../http/problem.js';
import { refusal } from '../../http/refusal.js';
import { id, page, slugSchema } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';

type KbCategory = components['schemas']['KbCategory'];

interface KbCategoryRow {
  id: string;
  parent_id: string | null;
  name: string;
  slug: string;
  description: string | null;
  sort_order: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, parent_id, name, slug, description, sort_order, created_at, updated_at';

const toKbCategory = (row: KbCategoryRow): KbCategory => ({
  id: row.id,
  parent_id: row.parent_id,
  name: row.name,
  slug: row.slug,
  description: row.description,
  sort_order: row.sort_order,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

const name = z.string().trim().min(1).max(100);
const slug = slugSchema(100);
const description = z.string().max(10_000).nullable();
const sortOrder = z.int().min(-1_000_000).max(1_000_000);

const KbCategoryCreate = conforms<components['schemas']['KbCategoryCreate']>()(
  z.strictObject({
    name,
    slug,
    parent_id: id.nullable().optional(),
    description: description.optional(),
    sort_order: sortOrder.optional(),
  }),
);

const KbCategoryUpdate = conforms<components['schemas']['KbCategoryUpdate']>()(
  z
    .strictObject({
      name: name.optional(),
      slug: slug.optional(),
      parent_id: id.nullable().optional(),
      description: description.optional(),
      sort_order: sortOrder.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ListQuery = z.strictObject({
  ...page,
  parent_id: z.union([id, z.literal('root')], { error: 'must be a UUID or root' }).optional(),
});

const Params = z.strictObject({ kb_category_id: id });

const MANAGERS_ONLY = 'Only managers and admins may change knowledge-base categories.';

export function kbCategoryRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const print = fingerprint('kb_categories', { parent_id: query.parent_id });
      // Sorted as a menu is: by position among siblings, then name; the id makes the order total.
      const after = query.cursor ? decodeCursor(query.cursor, print, 3) : null;
      const { rows } = await c.get('tx').query<KbCategoryRow>(
        `select ${COLUMNS} from kb_categories
          where (not $1 or parent_id is null)
            and ($2::uuid is null or parent_id = $2)
            and ($3::integer is null or (sort_order, name, id) > ($3, $4::text, $5::uuid))
          order by sort_order, name, id
          limit $6`,
        [
          query.parent_id === 'root',
          query.parent_id === 'root' ? null : query.parent_id ?? null,
          after?.[0] ?? null,
          after?.[1] ?? null,
          after?.[2] ?? null,
          query.limit + 1,
        ],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.sort_order, row.name, row.id], toKbCategory));
    })
    .post('/', async (c) => {
      const body = await readJson(c, KbCategoryCreate);
      const { rows } = await c.get('tx').query<KbCategoryRow>(
        `insert into kb_categories (name, slug, parent_id, description, sort_order)
         values ($1, $2, $3, $4, coalesce($5, 0))
         returning ${COLUMNS}`,
        [body.name, body.slug, body.parent_id ?? null, body.description ?? null, body.sort_order ?? null],
      );
      const category = toKbCategory(rows[0]!);
      return c.json(category, 201, { Location: `/v1/kb/categories/${category.id}` });
    })
    .get('/:kb_category_id', async (c) => {
      const { kb_category_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<KbCategoryRow>(`select ${COLUMNS} from kb_categories where id = $1`, [kb_category_id]);
      if (!rows[0]) throw notFound('knowledge-base category');
      return c.json(toKbCategory(rows[0]));
    })
    .patch('/:kb_category_id', async (c) => {
      const { kb_category_id } = readParams(c, Params);
      const body = await readJson(c, KbCategoryUpdate);
      const tx = c.get('tx');
      const { rows } = await tx.query<KbCategoryRow>(
        `update kb_categories set
           name = coalesce($2, name),
           slug = coalesce($3, slug),
           parent_id = case when $4 then $5::uuid else parent_id end,
           description = case when $6 then $7 else description end,
           sort_order = coalesce($8, sort_order)
         where id = $1
         returning ${COLUMNS}`,
        [
          kb_category_id,
          body.name ?? null,
          body.slug ?? null,
          'parent_id' in body,
          body.parent_id ?? null,
          'description' in body,
          body.description ?? null,
          body.sort_order ?? null,
        ],
      );
      if (!rows[0]) throw await refusal(tx, 'kb_categories', kb_category_id, 'knowledge-base category', MANAGERS_ONLY);
      return c.json(toKbCategory(rows[0]));
    })
    .delete('/:kb_category_id', async (c) => {
      const { kb_category_id } = readParams(c, Params);
      const tx = c.get('tx');
      let rowCount: number;
      try {
        ({ rowCount } = await tx.query('delete from kb_categories where id = $1', [kb_category_id]));
      } catch (error) {
        // The RESTRICT on parent_id, raised by the children: say which records. PostgreSQL reports
        // it as restrict_violation (23001) in recent versions, as foreign_key_violation (23503) before.
        if (isDatabaseError(error) && ['23001', '23503'].includes(error.code) && error.constraint === 'kb_categories_parent_id_fkey') {
          throw new Problem(409, 'conflict', 'The category still has subcategories: move or delete them first.');
        }
        throw error;
      }
      if (rowCount === 0) throw await refusal(tx, 'kb_categories', kb_category_id, 'knowledge-base category', MANAGERS_ONLY);
      return c.body(null, 204);
    });
}
