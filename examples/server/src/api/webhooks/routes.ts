/**
 * Webhook subscriptions, for admins. The signing secret is generated here, returned once in the
 * creation response, and never read again: the request role has no SELECT on the `secret` column
 * (migration 0012), so not even a bug in this module could return it later.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { newSecret } from '../../auth/secrets.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound } from '../../http/problem.js';
import { flag, id, page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { adminOnly } from '../insights/admin-only.js';
import { webhookDeliveryRoutes } from './deliveries.js';
import { eventTypes, webhookUrl } from './validation.js';

type Webhook = components['schemas']['Webhook'];

interface WebhookRow {
  id: string;
  url: string;
  description: string | null;
  event_types: Webhook['event_types'];
  is_active: boolean;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  created_key: string;
}

/** Every column but `secret`, which the request role cannot select anyway. */
const COLUMNS = 'id, url, description, event_types, is_active, created_by, created_at, updated_at, created_at::text as created_key';

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  url: row.url,
  description: row.description,
  event_types: row.event_types,
  is_active: row.is_active,
  created_by: row.created_by,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

const description = z.string().max(500).nullable();

const WebhookCreate = conforms<components['schemas']['WebhookCreate']>()(
  z.strictObject({
    url: webhookUrl,
    description: description.optional(),
    event_types: eventTypes.optional(),
    is_active: z.boolean().optional(),
  }),
);

const WebhookUpdate = conforms<components['schemas']['WebhookUpdate']>()(
  z
    .strictObject({
      url: webhookUrl.optional(),
      description: description.optional(),
      event_types: eventTypes.optional(),
      is_active: z.boolean().optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ListQuery = z.strictObject({ ...page, is_active: flag.optional() });

const Params = z.strictObject({ webhook_id: id });

export function webhookRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('admin'))
    .use(adminOnly('webhooks'))
    .route('/:webhook_id/deliveries', webhookDeliveryRoutes(deps))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const print = fingerprint('webhooks', { is_active: query.is_active });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await c.get('tx').query<WebhookRow>(
        `select ${COLUMNS} from webhooks
          where ($1::boolean is null or is_active = $1)
            and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
          order by created_at desc, id desc
          limit $4`,
        [query.is_active ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], toWebhook));
    })
    .post('/', async (c) => {
      const body = await readJson(c, WebhookCreate);
      const secret = newSecret(32);
      const { rows } = await c.get('tx').query<WebhookRow>(
        `insert into webhooks (url, description, event_types, is_active, secret)
         values ($1, $2, coalesce($3::text[], '{}'), coalesce($4, true), $5)
         returning ${COLUMNS}`,
        [body.url, body.description ?? null, body.event_types ?? null, body.is_active ?? null, secret],
      );
      const webhook = toWebhook(rows[0]!);
      return c.json({ ...webhook, secret }, 201, { Location: `/v1/webhooks/${webhook.id}` });
    })
    .get('/:webhook_id', async (c) => {
      const { webhook_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<WebhookRow>(`select ${COLUMNS} from webhooks where id = $1`, [webhook_id]);
      if (!rows[0]) throw notFound('webhook');
      return c.json(toWebhook(rows[0]));
    })
    .patch('/:webhook_id', async (c) => {
      const { webhook_id } = readParams(c, Params);
      const body = await readJson(c, WebhookUpdate);
      // "Not given" keeps the value; an explicit null (description) clears it.
      const { rows } = await c.get('tx').query<WebhookRow>(
        `update webhooks set
           url = coalesce($2, url),
           description = case when $3 then $4 else description end,
           event_types = coalesce($5::text[], event_types),
           is_active = coalesce($6, is_active)
         where id = $1
         returning ${COLUMNS}`,
        [webhook_id, body.url ?? null, 'description' in body, body.description ?? null, body.event_types ?? null, body.is_active ?? null],
      );
      if (!rows[0]) throw notFound('webhook');
      return c.json(toWebhook(rows[0]));
    })
    .delete('/:webhook_id', async (c) => {
      const { webhook_id } = readParams(c, Params);
      const { rowCount } = await c.get('tx').query('delete from webhooks where id = $1', [webhook_id]);
      if (rowCount === 0) throw notFound('webhook');
      return c.body(null, 204);
    });
}
