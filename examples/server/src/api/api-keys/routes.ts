/**
 * API keys for tools and integrations. A key acts as its user under row-level security, limited to
 * its scopes; the policies decide who manages which keys (admins all; agents and managers their
 * own; customers none). The key is shown once, at creation; only its SHA-256 is stored.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { generateApiKey, SCOPES } from '../../auth/api-keys.js';
import { audit } from '../../auth/audit.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound, Problem } from '../../http/problem.js';
import { refusal } from '../../http/refusal.js';
import { flag, id, page, timestamp } from '../../http/schemas.js';
import { iso, isoOrNull } from '../../http/serialize.js';

type ApiKey = components['schemas']['ApiKey'];

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKey['scopes'];
  user_id: string;
  created_by: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, name, prefix, scopes, user_id, created_by, expires_at, last_used_at, revoked_at, created_at';

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  user_id: row.user_id,
  created_by: row.created_by,
  expires_at: isoOrNull(row.expires_at),
  last_used_at: isoOrNull(row.last_used_at),
  revoked_at: isoOrNull(row.revoked_at),
  created_at: iso(row.created_at),
});

const ApiKeyCreate = conforms<components['schemas']['ApiKeyCreate']>()(
  z.strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(z.enum(SCOPES))
      .min(1, 'must name at least one scope')
      .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope'),
    expires_at: timestamp.nullable().optional(),
    user_id: id.optional(),
  }),
);

const ListQuery = z.strictObject({ ...page, user_id: id.optional(), is_revoked: flag.optional() });

const Params = z.strictObject({ api_key_id: id });

export function apiKeyRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('admin'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { user_id: query.user_id, is_revoked: query.is_revoked };
      const print = fingerprint('api-keys', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await c.get('tx').query<ApiKeyRow & { created_key: string }>(
        `select ${COLUMNS}, created_at::text as created_key from api_keys
          where ($1::uuid is null or user_id = $1)
            and ($2::boolean is null or (revoked_at is not null) = $2)
            and ($3::text is null or (created_at, id) < ($3::timestamptz, $4::uuid))
          order by created_at desc, id desc
          limit $5`,
        [query.user_id ?? null, query.is_revoked ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toApiKey));
    })
    .post('/', async (c) => {
      // A key that could mint keys would outlive its own revocation and widen its own scopes.
      if (c.get('principal').via === 'api_key') {
        throw new Problem(403, 'forbidden', 'API keys cannot create API keys; log in as a user to create one.');
      }
      const body = await readJson(c, ApiKeyCreate);
      if (body.expires_at && new Date(body.expires_at) <= deps.clock.now()) {
        throw new Problem(400, 'validation_failed', 'expires_at: must be in the future', [
          { location: 'body', path: 'expires_at', message: 'must be in the future' },
        ]);
      }
      const tx = c.get('tx');
      const key = generateApiKey();
      const { rows } = await tx.query<ApiKeyRow>(
        `insert into api_keys (name, prefix, key_hash, scopes, user_id, expires_at)
         values ($1, $2, $3, $4, coalesce($5, app.user_id()), $6)
         returning ${COLUMNS}`,
        [body.name, key.prefix, key.hash, body.scopes, body.user_id ?? null, body.expires_at ?? null],
      );
      const row = rows[0]!;
      await audit(tx, {
        event: 'api_key_created',
        status: 'success',
        userId: row.user_id,
        metadata: { api_key_id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes },
      });
      const created: components['schemas']['ApiKeyCreated'] = { ...toApiKey(row), key: key.key };
      return c.json(created, 201, { Location: `/v1/api-keys/${row.id}` });
    })
    .get('/:api_key_id', async (c) => {
      const { api_key_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<ApiKeyRow>(`select ${COLUMNS} from api_keys where id = $1`, [api_key_id]);
      if (!rows[0]) throw notFound('API key');
      return c.json(toApiKey(rows[0]));
    })
    .delete('/:api_key_id', async (c) => {
      const { api_key_id } = readParams(c, Params);
      const tx = c.get('tx');
      const { rows: seen } = await tx.query<{ revoked: boolean }>('select revoked_at is not null as revoked from api_keys where id = $1', [api_key_id]);
      if (!seen[0]) throw notFound('API key');
      // Revoking twice changes nothing, and is not an error.
      if (seen[0].revoked) return c.body(null, 204);
      const { rows } = await tx.query<{ user_id: string; prefix: string }>(
        'update api_keys set revoked_at = $2 where id = $1 and revoked_at is null returning user_id, prefix',
        [api_key_id, deps.clock.now()],
      );
      if (!rows[0]) throw await refusal(tx, 'api_keys', api_key_id, 'API key', 'Only admins and whoever created a key may revoke it.');
      await audit(tx, { event: 'api_key_revoked', status: 'success', userId: rows[0].user_id, metadata: { api_key_id, prefix: rows[0].prefix } });
      return c.body(null, 204);
    });
}
