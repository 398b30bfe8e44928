/**
 * `Idempotency-Key` on POST: the first request with a key runs and its response is stored in the
 * same transaction as its effects; a replay returns that stored response; the same key with a
 * different request is refused.
 *
 * Concurrent replays are safe because the key row is claimed with an INSERT before the handler
 * runs: a second request with the same key blocks on the primary key until the first transaction
 * ends, then finds the completed row (or, if the first failed and rolled back, claims the key
 * itself). Failed requests store nothing, so they can be retried with the same key.
 *
 * Stored bodies are sealed (encrypted): some responses carry a secret shown only once.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';
import { Problem } from './problem.js';
import { sealedBox, type SealedBox } from './sealed-box.js';

/** Response headers worth replaying; the rest (dates, request ids, rate limits) belong to the replay. */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

interface StoredKey {
  request_hash: string;
  status_code: number | null;
  response_headers: Record<string, string> | null;
  response_body: unknown;
}

export function idempotency(deps: Pick<AppDeps, 'auth'>): MiddlewareHandler<AppEnv> {
  const box = sealedBox(deps.auth.jwtSecret, 'idempotent-responses');
  return async function idempotency(c, next) {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (key.length < 1 || key.length > 255) {
      throw new Problem(400, 'validation_failed', 'Idempotency-Key must be 1 to 255 characters.', [
        { location: 'header', path: 'Idempotency-Key', message: 'must be 1 to 255 characters' },
      ]);
    }
    const tx = c.get('tx');
    const requestHash = await hashRequest(c);
    // Claims the key, or waits for whoever holds it. An expired key is reclaimed.
    const claimed = await tx.query(
      `insert into idempotency_keys (key, method, path, request_hash)
       values ($1, $2, $3, $4)
       on conflict (user_id, key) do update
         set method = excluded.method, path = excluded.path, request_hash = excluded.request_hash,
             status_code = null, response_headers = null, response_body = null,
             created_at = now(), completed_at = null, expires_at = now() + interval '24 hours'
         where idempotency_keys.expires_at < now()
       returning 1`,
      [key, c.req.method, c.req.path, requestHash],
    );
    if (claimed.rows.length === 0) return replay(c, box, key, requestHash);

    await next();
    if (c.error || c.res.status >= 400) return;
    const text = await c.res.clone().text();
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    await tx.query(
      `update idempotency_keys
          set status_code = $2, response_headers = $3, response_body = $4, completed_at = now()
        where user_id = app.user_id() and key = $1`,
      [key, c.res.status, JSON.stringify(headers), text === '' ? null : JSON.stringify(box.seal(text))],
    );
  };
}

async function replay(c: Parameters<MiddlewareHandler<AppEnv>>[0], box: SealedBox, key: string, requestHash: string) {
  const { rows } = await c
    .get('tx')
    .query<StoredKey>(
      `select request_hash, status_code, response_headers, response_body
         from idempotency_keys where user_id = app.user_id() and key = $1`,
      [key],
    );
  const stored = rows[0];
  if (stored?.request_hash !== requestHash || stored.status_code === null) {
    throw new Problem(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
  }
  const headers = { ...stored.response_headers, 'Idempotent-Replayed': 'true' };
  const status = stored.status_code as 200;
  if (stored.response_body === null) return c.body(null, status, headers);
  const body = typeof stored.response_body === 'string' ? box.open(stored.response_body) : undefined;
  if (body === undefined) {
    throw new Problem(409, 'conflict', 'The response stored for this Idempotency-Key can no longer be read; retry with a new key.');
  }
  return c.body(body, status, headers);
}

/**
 * What makes two requests "the same": method, path and body. Multipart uploads are not read here
 * (they are streamed to storage before this runs, never buffered), so they are identified by the
 * digest of the received file and its description instead.
 */
async function hashRequest(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<string> {
  const upload = c.get('upload');
  const multipart = (c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/');
  let body: string | Buffer;
  if (upload) body = `upload:${upload.sha256}:${upload.fileName}:${upload.mimeType}:${upload.description ?? ''}`;
  // Multipart sent anywhere else is refused by its route; it must not be buffered here first.
  else if (multipart) body = `multipart:${c.req.header('content-length') ?? '?'}`;
  // The bytes, not text: decoding here would cache a lossy copy (invalid UTF-8 made U+FFFD) that
  // the handler would then read instead of what was sent.
  else body = Buffer.from(await c.req.arrayBuffer());
  return createHash('sha256').update(`${c.req.method} ${c.req.path}\n`).update(body).digest('hex');
}
