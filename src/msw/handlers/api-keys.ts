/**
 * `tf.apiKeys` (examples/server/src/api/api-keys/routes.ts): keys for tools and integrations,
 * acting as their user within their scopes. Admins manage every key (and create keys acting as
 * anyone); agents and managers the keys acting as them or that they created; customers none. The
 * key is shown once, at creation; an API key cannot create keys. Creation and revocation are audited.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { fieldProblem, forbidden, MAY_NOT_MAKE_CHANGE, MockProblem, notFound } from '../problems.js';
import { audit } from '../rules/audit.js';
import { canSeeApiKey, mayInsertApiKey, mayUpdateApiKey } from '../rules/credentials.js';
import { missingReference } from '../rules/organisation.js';
import { omit, type ApiKeyRow } from '../store.js';
import { flag, id, idKey, page } from './shared.js';

type ApiKey = components['schemas']['ApiKey'];

const ListQuery = z.strictObject({ ...page, user_id: id.optional(), is_revoked: flag.optional() });

const Params = z.strictObject({ api_key_id: idKey });

const toApiKey = (row: ApiKeyRow): ApiKey => omit(row, ['key']);

export const apiKeyHandlers: HandlerTable = {
  listApiKeys: {
    scope: 'admin',
    handle({ world, work, req }) {
      const query = req.query(ListQuery);
      const userId = query.user_id?.toLowerCase();
      const rows = world.store.tables.apiKeys.where(
        (row) =>
          canSeeApiKey(work.me, row) &&
          (userId === undefined || row.user_id === userId) &&
          (query.is_revoked === undefined || (row.revoked_at !== null) === query.is_revoked),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('api-keys', { user_id: query.user_id, is_revoked: query.is_revoked }),
          descending: true,
          keyLength: 2,
          keyOf: (row) => [row.created_at, row.id],
          serialize: toApiKey,
        }),
      );
    },
  },
  createApiKey: {
    scope: 'admin',
    handle({ world, work, req }) {
      // A key that could mint keys would outlive its own revocation and widen its own scopes.
      if (work.me.via === 'api_key') throw new MockProblem(403, 'forbidden', 'API keys cannot create API keys; log in as a user to create one.');
      const body = req.json('createApiKey');
      const now = world.clock.now();
      if (body.expires_at && Date.parse(body.expires_at) <= now.getTime()) throw fieldProblem('body', 'expires_at', 'must be in the future');
      const userId = body.user_id?.toLowerCase() ?? work.me.id;
      if (!mayInsertApiKey(work.me, userId)) throw forbidden(MAY_NOT_MAKE_CHANGE);
      if (!world.store.tables.users.get(userId)) throw missingReference('user_id');
      const prefix = `tf_${world.ids.secret(8)}`;
      const key = `${prefix}_${world.ids.secret(40)}`;
      const row = world.store.tables.apiKeys.put({
        id: world.ids.uuid(),
        name: body.name,
        prefix,
        scopes: body.scopes,
        user_id: userId,
        created_by: work.me.id,
        expires_at: body.expires_at ? new Date(body.expires_at).toISOString() : null,
        last_used_at: null,
        revoked_at: null,
        created_at: work.now(),
        key,
      });
      audit(work, req, {
        event: 'api_key_created',
        status: 'success',
        userId: row.user_id,
        metadata: { api_key_id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes },
      });
      return created({ ...toApiKey(row), key }, { Location: `/v1/api-keys/${row.id}` });
    },
  },
  getApiKey: {
    scope: 'admin',
    handle({ world, work, req }) {
      const { api_key_id } = req.params(Params);
      const row = world.store.tables.apiKeys.get(api_key_id);
      if (!row || !canSeeApiKey(work.me, row)) throw notFound('API key');
      return ok(toApiKey(row));
    },
  },
  revokeApiKey: {
    scope: 'admin',
    handle({ world, work, req }) {
      const { api_key_id } = req.params(Params);
      const { apiKeys } = world.store.tables;
      const row = apiKeys.get(api_key_id);
      if (!row || !canSeeApiKey(work.me, row)) throw notFound('API key');
      // Revoking twice changes nothing, and is not an error.
      if (row.revoked_at !== null) return noContent();
      if (!mayUpdateApiKey(work.me, row)) throw forbidden('Only admins and whoever created a key may revoke it.');
      apiKeys.put({ ...row, revoked_at: world.clock.now().toISOString() });
      audit(work, req, { event: 'api_key_revoked', status: 'success', userId: row.user_id, metadata: { api_key_id: row.id, prefix: row.prefix } });
      return noContent();
    },
  },
};
