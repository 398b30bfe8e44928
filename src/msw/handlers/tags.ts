/**
 * `tf.tags` (examples/server/src/api/organisation/tags.ts): everyone signed in reads them; staff
 * create them (recorded as their creator); managers and admins change and delete them. Names are
 * unique whatever their case; colours are kept in lower case. Deleting a tag takes it off every
 * ticket, each removal written in that ticket's history. Tagging tickets is in `tickets.ts`.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, notFound } from '../problems.js';
import { detachTag, duplicate, isManagerOrAdmin, nameTaken } from '../rules/organisation.js';
import type { TagRow } from '../store.js';
import { isStaff } from '../world.js';
import { idKey, page } from './shared.js';

type Tag = components['schemas']['Tag'];

const ListQuery = z.strictObject({ ...page, q: z.string().min(1).max(50).optional() });

const Params = z.strictObject({ tag_id: idKey });

const MANAGERS_ONLY = 'Only managers and admins may change tags.';

/** Rows written before colours were normalised (a seeded `#DC2626`) still read in lower case. */
const toTag = (row: TagRow): Tag => ({ ...row, color: row.color.toLowerCase() });

export const tagHandlers: HandlerTable = {
  listTags: {
    scope: 'directory',
    handle({ world, req }) {
      const query = req.query(ListQuery);
      const needle = query.q?.toLowerCase();
      const rows = world.store.tables.tags.where((row) => needle === undefined || row.name.toLowerCase().includes(needle));
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('tags', { q: query.q }),
          keyLength: 2,
          keyOf: (row) => [row.name, row.id],
          serialize: toTag,
        }),
      );
    },
  },
  createTag: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('createTag');
      if (!isStaff(work.me)) throw forbidden('Only staff may create tags.');
      const { tags } = world.store.tables;
      if (nameTaken(tags.all(), body.name)) throw duplicate();
      const tag = tags.put({
        id: world.ids.uuid(),
        name: body.name,
        color: body.color?.toLowerCase() ?? '#6b7280',
        description: body.description ?? null,
        created_by: work.me.id,
        created_at: work.now(),
      });
      return created(toTag(tag), { Location: `/v1/tags/${tag.id}` });
    },
  },
  getTag: {
    scope: 'directory',
    handle({ world, req }) {
      const { tag_id } = req.params(Params);
      const tag = world.store.tables.tags.get(tag_id);
      if (!tag) throw notFound('tag');
      return ok(toTag(tag));
    },
  },
  updateTag: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { tag_id } = req.params(Params);
      const body = req.json('updateTag');
      const { tags } = world.store.tables;
      const tag = tags.get(tag_id);
      if (!tag) throw notFound('tag');
      if (!isManagerOrAdmin(work.me)) throw forbidden(MANAGERS_ONLY);
      const next: TagRow = {
        ...tag,
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.color === undefined ? {} : { color: body.color.toLowerCase() }),
        ...('description' in body ? { description: body.description ?? null } : {}),
      };
      if (next.name !== tag.name && nameTaken(tags.all(), next.name, tag.id)) throw duplicate();
      return ok(toTag(tags.put(next)));
    },
  },
  deleteTag: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { tag_id } = req.params(Params);
      const { tags } = world.store.tables;
      if (!tags.get(tag_id)) throw notFound('tag');
      if (!isManagerOrAdmin(work.me)) throw forbidden(MANAGERS_ONLY);
      detachTag(work, tag_id);
      tags.delete(tag_id);
      return noContent();
    },
  },
};
