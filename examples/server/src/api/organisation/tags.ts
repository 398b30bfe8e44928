/**
 * Ticket tags. Everyone signed in reads them; staff create them (recorded as their creator);
 * managers and admins edit and delete them. Row-level security decides all of it.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound } from '../../http/problem.js';
import { forbiddenUnless, refusal } from '../../http/refusal.js';
import { id, page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';

type Tag = components['schemas']['Tag'];

interface TagRow {
  id: string;
  name: string;
  color: string;
  description: string | null;
  created_by: string | null;
  created_at: Date;
}

const COLUMNS = 'id, name, color, description, created_by, created_at';

const toTag = (row: TagRow): Tag => ({
  id: row.id,
  name: row.name,
  // Rows written before colours were normalised (or by SQL) may be upper case; the contract is not.
  color: row.color.toLowerCase(),
  description: row.description,
  created_by: row.created_by,
  created_at: iso(row.created_at),
});

const name = z.string().trim().min(1).max(50);
/** Either case is accepted; one spelling is stored, so equal colours compare equal. */
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as #d97706')
  .transform((value) => value.toLowerCase());
const description = z.string().max(10_000).nullable();

const TagCreate = conforms<components['schemas']['TagCreate']>()(
  z.strictObject({ name, color: color.optional(), description: description.optional() }),
);

const TagUpdate = conforms<components['schemas']['TagUpdate']>()(
  z
    .strictObject({ name: name.optional(), color: color.optional(), description: description.optional() })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ListQuery = z.strictObject({ ...page, q: z.string().min(1).max(50).optional() });

const Params = z.strictObject({ tag_id: id });

const MANAGERS_ONLY = 'Only managers and admins may change tags.';

export function tagRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const print = fingerprint('tags', { q: query.q });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await c.get('tx').query<TagRow>(
        `select ${COLUMNS} from tags
          where ($1::text is null or strpos(lower(name), lower($1)) > 0)
            and ($2::text is null or (name, id) > ($2, $3::uuid))
          order by name, id
          limit $4`,
        [query.q ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.name, row.id], toTag));
    })
    .post('/', async (c) => {
      const body = await readJson(c, TagCreate);
      // created_by defaults to the caller in the database, and the policy insists on it.
      const { rows } = await forbiddenUnless(
        c.get('tx').query<TagRow>(
          `insert into tags (name, color, description)
           values ($1, coalesce($2, '#6b7280'), $3)
           returning ${COLUMNS}`,
          [body.name, body.color ?? null, body.description ?? null],
        ),
        'Only staff may create tags.',
      );
      const tag = toTag(rows[0]!);
      return c.json(tag, 201, { Location: `/v1/tags/${tag.id}` });
    })
    .get('/:tag_id', async (c) => {
      const { tag_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<TagRow>(`select ${COLUMNS} from tags where id = $1`, [tag_id]);
      if (!rows[0]) throw notFound('tag');
      return c.json(toTag(rows[0]));
    })
    .patch('/:tag_id', async (c) => {
      const { tag_id } = readParams(c, Params);
      const body = await readJson(c, TagUpdate);
      const tx = c.get('tx');
      const { rows } = await tx.query<TagRow>(
        `update tags set
           name = coalesce($2, name),
           color = coalesce($3, color),
           description = case when $4 then $5 else description end
         where id = $1
         returning ${COLUMNS}`,
        [tag_id, body.name ?? null, body.color ?? null, 'description' in body, body.description ?? null],
      );
      if (!rows[0]) throw await refusal(tx, 'tags', tag_id, 'tag', MANAGERS_ONLY);
      return c.json(toTag(rows[0]));
    })
    .delete('/:tag_id', async (c) => {
      const { tag_id } = readParams(c, Params);
      const tx = c.get('tx');
      // ticket_tags rows cascade; their trigger records the removal in each ticket's history.
      const { rowCount } = await tx.query('delete from tags where id = $1', [tag_id]);
      if (rowCount === 0) throw await refusal(tx, 'tags', tag_id, 'tag', MANAGERS_ONLY);
      return c.body(null, 204);
    });
}
