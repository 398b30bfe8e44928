/**
 * Attachments by id: metadata, download and delete. Which files a caller can reach is row-level
 * security's call (a customer never reaches the files of internal notes); deleting is soft and
 * allowed to the uploader and admins. The bytes stay in storage: identical uploads share them, and
 * soft-deleted rows still refer to them.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { readParams } from '../../http/input.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';
import { id } from '../../http/schemas.js';
import { readAttachment, toAttachment } from './attachment.js';
import { attachmentDisposition } from './content-disposition.js';

const Params = z.strictObject({ attachment_id: id });

export function attachmentRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('tickets'))
    .get('/:attachment_id', async (c) => {
      const { attachment_id } = readParams(c, Params);
      return c.json(toAttachment(await readAttachment(c.get('tx'), attachment_id)));
    })
    .get('/:attachment_id/content', async (c) => {
      const { attachment_id } = readParams(c, Params);
      const row = await readAttachment(c.get('tx'), attachment_id);
      if (row.deleted_at) throw new Problem(404, 'not_found', 'This attachment was deleted.');
      if (row.comment_deleted_at) throw new Problem(404, 'not_found', 'The comment this file was attached to was deleted.');
      const etag = `"${row.sha256}"`;
      // The content under a key never changes (the key is its hash), so a matching tag is proof
      // enough; permissions were checked above, on every request.
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, { ETag: etag });
      const object = await deps.storage.read(row.storage_key);
      if (!object) {
        deps.logger.log('error', 'attachment content missing from storage', {
          request_id: c.get('requestId'),
          attachment_id: row.id,
          storage_key: row.storage_key,
        });
        throw new Problem(404, 'not_found', 'The content of this attachment is not available.');
      }
      return c.body(object.stream, 200, {
        'Content-Type': row.mime_type,
        'Content-Length': String(object.size),
        'Content-Disposition': attachmentDisposition(row.file_name),
        ETag: etag,
        'X-Content-Type-Options': 'nosniff',
        // Should a browser show the file anyway, it runs nothing and loads nothing.
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-cache',
      });
    })
    .delete('/:attachment_id', async (c) => {
      const { attachment_id } = readParams(c, Params);
      const tx = c.get('tx');
      const { rowCount } = await tx.query('update attachments set deleted_at = now() where id = $1 and deleted_at is null', [attachment_id]);
      if (rowCount > 0) return c.body(null, 204);
      const { rows } = await tx.query<{ deleted: boolean }>('select deleted_at is not null as deleted from attachments where id = $1', [
        attachment_id,
      ]);
      if (!rows[0]) throw notFound('attachment');
      // Deleting twice is the same as deleting once.
      if (rows[0].deleted) return c.body(null, 204);
      throw forbidden('Only the uploader of a file or an admin may delete it.');
    });
}

/** If-None-Match: a list of entity tags, or `*`; weak tags compare by their opaque part. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value.replace(/^W\//, '') === etag;
  });
}
