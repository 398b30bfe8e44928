/**
 * Receives an attachment upload before the request's transaction opens: a client streaming up to
 * 50 MiB must not hold a database connection (PGlite has only one) for as long as that takes. The
 * file goes to storage first; the route then only inserts its row, in the request's transaction,
 * where row-level security decides whether the caller may attach to that ticket or comment.
 *
 * Whatever the outcome, the stored object is removed afterwards unless a row refers to it: after a
 * refusal (404, 403, 409, …), and also after a successful idempotent replay, which answers with the
 * first upload's row while the bytes just received may be different ones.
 */
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { requireScope } from '../auth/scopes.js';
import type { AppDeps, AppEnv } from '../context.js';
import { readParams } from '../http/input.js';
import { Problem } from '../http/problem.js';
import { id } from '../http/schemas.js';
import { receiveUpload, UploadError } from './receive-upload.js';
import { removeIfUnreferenced } from './stored-objects.js';

const Params = z.strictObject({ ticket_id: id, comment_id: id.optional() });

const isMultipart = (contentType: string | undefined) => contentType?.trim().toLowerCase().startsWith('multipart/') ?? false;

export function receiveAttachment(deps: Pick<AppDeps, 'db' | 'storage' | 'limits' | 'logger'>): MiddlewareHandler<AppEnv> {
  // Checked here as well as by the route: a key without the scope must not get to store 50 MiB.
  const scope = requireScope('tickets');
  return async function receiveAttachment(c, next) {
    // Other bodies reach the route, which refuses them with 415.
    if (c.req.method !== 'POST' || !isMultipart(c.req.header('content-type'))) return next();
    await scope(c, async () => {
      readParams(c, Params);
      let upload;
      try {
        upload = await receiveUpload(c.req.raw, deps.storage, { maxBytes: deps.limits.maxUploadBytes });
      } catch (error) {
        throw error instanceof UploadError ? new Problem(error.status, error.code, error.message) : error;
      }
      c.set('upload', upload);
      try {
        await next();
      } finally {
        await removeIfUnreferenced(deps.db, deps.storage, upload.storageKey).catch((error: unknown) => {
          // The response stands; an orphaned object only costs space.
          deps.logger.log('warn', 'could not remove an unreferenced upload', {
            request_id: c.get('requestId'),
            storage_key: upload.storageKey,
            error: error instanceof Error ? error.message : String(error),
          });
        });
      }
    });
  };
}
