/**
 * `tf.webhooks` (examples/server/src/api/webhooks), for admins: subscriptions with a signing
 * secret shown once, their delivery log, and redelivery. Deliveries are recorded by the dispatch in
 * `rules/webhooks.ts` when the background jobs run; the mock sends no HTTP.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { accepted, created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, MockProblem, notFound } from '../problems.js';
import type { WebhookDeliveryRow, WebhookRow } from '../store.js';
import type { Work } from '../world.js';
import { flag, idKey, page, repeated } from './shared.js';

type Schemas = components['schemas'];

/** Attempts shown per delivery; the contract's `maxItems`. */
const SHOWN_ATTEMPTS = 10;

const ListQuery = z.strictObject({ ...page, is_active: flag.optional() });
const Params = z.strictObject({ webhook_id: idKey });
const DeliveryListQuery = z.strictObject({ ...page, status: repeated(z.enum(['pending', 'delivered', 'failed'])).optional() });
const DeliveryParams = z.strictObject({ webhook_id: idKey, delivery_id: idKey });

/** Every column but `secret`, which no request may read back. */
const toWebhook = (row: WebhookRow): Schemas['Webhook'] => ({
  id: row.id,
  url: row.url,
  description: row.description,
  event_types: row.event_types,
  is_active: row.is_active,
  created_by: row.created_by,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const toDelivery = (row: WebhookDeliveryRow): Schemas['WebhookDelivery'] => ({
  id: row.id,
  webhook_id: row.webhook_id,
  event_id: row.event_id,
  event_type: row.event_type,
  status: row.status,
  attempt_count: row.attempt_count,
  next_attempt_at: row.next_attempt_at,
  last_attempt_at: row.last_attempt_at,
  delivered_at: row.delivered_at,
  created_at: row.created_at,
  attempts: row.attempts.slice(-SHOWN_ATTEMPTS),
});

/** The admin gate: for anyone else the webhooks are not theirs at all (403, not an empty list). */
function adminOnly(work: Work): void {
  if (work.me.role !== 'admin') throw forbidden('Only admins may use webhooks.');
}

function requireWebhook(work: Work, webhookId: string): WebhookRow {
  const webhook = work.world.store.tables.webhooks.get(webhookId);
  if (!webhook) throw notFound('webhook');
  return webhook;
}

export const webhookHandlers: HandlerTable = {
  listWebhooks: {
    scope: 'admin',
    handle({ world, work, req }) {
      adminOnly(work);
      const query = req.query(ListQuery);
      const rows = world.store.tables.webhooks.where((hook) => query.is_active === undefined || hook.is_active === query.is_active);
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('webhooks', { is_active: query.is_active }),
          descending: true,
          keyLength: 2,
          keyOf: (hook) => [hook.created_at, hook.id],
          serialize: toWebhook,
        }),
      );
    },
  },
  createWebhook: {
    scope: 'admin',
    handle({ world, work, req }) {
      adminOnly(work);
      const body = req.json('createWebhook');
      const now = work.now();
      const row = world.store.tables.webhooks.put({
        id: world.ids.uuid(),
        url: body.url,
        description: body.description ?? null,
        event_types: body.event_types ?? [],
        is_active: body.is_active ?? true,
        created_by: work.me.id,
        created_at: now,
        updated_at: now,
        secret: world.ids.secret(43),
      });
      return created({ ...toWebhook(row), secret: row.secret }, { Location: `/v1/webhooks/${row.id}` });
    },
  },
  getWebhook: {
    scope: 'admin',
    handle({ work, req }) {
      adminOnly(work);
      const { webhook_id } = req.params(Params);
      return ok(toWebhook(requireWebhook(work, webhook_id)));
    },
  },
  updateWebhook: {
    scope: 'admin',
    handle({ world, work, req }) {
      adminOnly(work);
      const { webhook_id } = req.params(Params);
      const body = req.json('updateWebhook');
      const old = requireWebhook(work, webhook_id);
      // "Not given" keeps the value; an explicit null (description) clears it.
      const row = world.store.tables.webhooks.put({
        ...old,
        url: body.url ?? old.url,
        description: 'description' in body ? (body.description ?? null) : old.description,
        event_types: body.event_types ?? old.event_types,
        is_active: body.is_active ?? old.is_active,
        updated_at: work.now(),
      });
      return ok(toWebhook(row));
    },
  },
  deleteWebhook: {
    scope: 'admin',
    handle({ world, work, req }) {
      adminOnly(work);
      const { webhook_id } = req.params(Params);
      requireWebhook(work, webhook_id);
      const { webhooks, webhookDeliveries } = world.store.tables;
      webhooks.delete(webhook_id);
      for (const delivery of webhookDeliveries.where((d) => d.webhook_id === webhook_id)) webhookDeliveries.delete(delivery.id);
      return noContent();
    },
  },
  listWebhookDeliveries: {
    scope: 'admin',
    handle({ world, work, req }) {
      adminOnly(work);
      const { webhook_id } = req.params(Params);
      const query = req.query(DeliveryListQuery);
      requireWebhook(work, webhook_id);
      const statuses = query.status ? [...new Set(query.status)].sort() : null;
      const rows = world.store.tables.webhookDeliveries.where((d) => d.webhook_id === webhook_id && (statuses === null || statuses.includes(d.status)));
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint(`webhooks/${webhook_id}/deliveries`, { status: statuses }),
          descending: true,
          keyLength: 2,
          keyOf: (d) => [d.created_at, d.id],
          serialize: toDelivery,
        }),
      );
    },
  },
  redeliverWebhookDelivery: {
    scope: 'admin',
    handle({ world, work, req }) {
      adminOnly(work);
      const { webhook_id, delivery_id } = req.params(DeliveryParams);
      const { webhookDeliveries } = world.store.tables;
      const delivery = webhookDeliveries.get(delivery_id);
      if (delivery?.webhook_id !== webhook_id) throw notFound('delivery of this webhook');
      if (delivery.status === 'pending') throw new MockProblem(409, 'conflict', 'The delivery is already pending: it will be tried again without being redelivered.');
      // A fresh allowance of attempts, due now; the attempts made so far stay in the log.
      const queued = webhookDeliveries.put({ ...delivery, status: 'pending', round_attempts: 0, next_attempt_at: world.clock.now().toISOString() });
      return accepted(toDelivery(queued));
    },
  },
};
