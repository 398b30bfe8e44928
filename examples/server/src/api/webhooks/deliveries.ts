/**
 * The delivery log of a webhook, and redelivery. Mounted under `/webhooks/:webhook_id/deliveries`
 * behind the webhooks' admin gate; row-level security limits the tables to admins as well.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppDeps, AppEnv } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound, Problem } from '../../http/problem.js';
import { id, oneOrMany, page } from '../../http/schemas.js';
import { iso, isoOrNull } from '../../http/serialize.js';

type WebhookDelivery = components['schemas']['WebhookDelivery'];
type Attempt = components['schemas']['WebhookDeliveryAttempt'];

/** Attempts shown per delivery; the contract's `maxItems`. */
const SHOWN_ATTEMPTS = 10;

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: WebhookDelivery['event_type'];
  status: WebhookDelivery['status'];
  attempt_count: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  created_key: string;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  attempted_at: Date;
  duration_ms: number;
  status_code: number | null;
  response_body: string | null;
  error: string | null;
}

const COLUMNS =
  'd.id, d.webhook_id, d.event_id::text as event_id, d.event_type, d.status, d.attempt_count, d.next_attempt_at, ' +
  'd.last_attempt_at, d.delivered_at, d.created_at, d.created_at::text as created_key';

const status = z.enum(['pending', 'delivered', 'failed']);
const ListQuery = z.strictObject({ ...page, status: oneOrMany(status).optional() });
const ListParams = z.strictObject({ webhook_id: id });
const DeliveryParams = z.strictObject({ webhook_id: id, delivery_id: id });

/** The latest attempts of each delivery, oldest first. */
async function attemptsOf(tx: Queryable, deliveryIds: string[]): Promise<Map<string, Attempt[]>> {
  const byDelivery = new Map<string, Attempt[]>(deliveryIds.map((deliveryId) => [deliveryId, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const { rows } = await tx.query<AttemptRow>(
    `select delivery_id, attempt, attempted_at, duration_ms, status_code, response_body, error
       from (select a.*, row_number() over (partition by a.delivery_id order by a.attempt desc) as latest
               from webhook_delivery_attempts a where a.delivery_id = any ($1::uuid[])) a
      where latest <= $2
      order by delivery_id, attempt`,
    [deliveryIds, SHOWN_ATTEMPTS],
  );
  for (const row of rows) {
    byDelivery.get(row.delivery_id)?.push({
      attempt: row.attempt,
      attempted_at: iso(row.attempted_at),
      duration_ms: row.duration_ms,
      status_code: row.status_code,
      response_body: row.response_body,
      error: row.error,
    });
  }
  return byDelivery;
}

const toDelivery = (row: DeliveryRow, attempts: Attempt[]): WebhookDelivery => ({
  id: row.id,
  webhook_id: row.webhook_id,
  event_id: row.event_id,
  event_type: row.event_type,
  status: row.status,
  attempt_count: row.attempt_count,
  next_attempt_at: isoOrNull(row.next_attempt_at),
  last_attempt_at: isoOrNull(row.last_attempt_at),
  delivered_at: isoOrNull(row.delivered_at),
  created_at: iso(row.created_at),
  attempts,
});

async function requireWebhook(tx: Queryable, webhookId: string): Promise<void> {
  const { rows } = await tx.query('select 1 from webhooks where id = $1', [webhookId]);
  if (rows.length === 0) throw notFound('webhook');
}

export function webhookDeliveryRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { webhook_id } = readParams(c, ListParams);
      const query = readQuery(c, ListQuery);
      const tx = c.get('tx');
      await requireWebhook(tx, webhook_id);
      const statuses = query.status ? [...new Set(query.status)].sort() : null;
      const print = fingerprint(`webhooks/${webhook_id}/deliveries`, { status: statuses });
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const { rows } = await tx.query<DeliveryRow>(
        `select ${COLUMNS} from webhook_deliveries d
          where d.webhook_id = $1
            and ($2::text[] is null or d.status = any ($2::text[]))
            and ($3::timestamptz is null or (d.created_at, d.id) < ($3, $4::uuid))
          order by d.created_at desc, d.id desc
          limit $5`,
        [webhook_id, statuses, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      const attempts = await attemptsOf(tx, rows.slice(0, query.limit).map((row) => row.id));
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], (row) => toDelivery(row, attempts.get(row.id) ?? [])));
    })
    .post('/:delivery_id/redeliver', async (c) => {
      const { webhook_id, delivery_id } = readParams(c, DeliveryParams);
      const tx = c.get('tx');
      // A fresh allowance of attempts, due now; the attempts made so far stay in the log.
      const { rows } = await tx.query<DeliveryRow>(
        `update webhook_deliveries d set status = 'pending', round_attempts = 0, next_attempt_at = $3
          where d.id = $1 and d.webhook_id = $2 and d.status <> 'pending'
         returning ${COLUMNS}`,
        [delivery_id, webhook_id, deps.clock.now()],
      );
      const row = rows[0];
      if (!row) {
        const { rows: existing } = await tx.query('select 1 from webhook_deliveries where id = $1 and webhook_id = $2', [delivery_id, webhook_id]);
        if (existing.length === 0) throw notFound('delivery of this webhook');
        throw new Problem(409, 'conflict', 'The delivery is already pending: it will be tried again without being redelivered.');
      }
      const attempts = await attemptsOf(tx, [row.id]);
      return c.json(toDelivery(row, attempts.get(row.id) ?? []), 202);
    });
}
