/**
 * Factories for the service side of a helpdesk: SLA policies, escalations, notifications, webhooks
 * with their deliveries, and chat sessions. Rows go through the same rules as requests (an
 * escalation raises its ticket's level, a chat session sends its events), acting with every right,
 * so a scenario is never refused by the rules it is meant to test; a row the rules cannot take is a
 * `TypeError` naming why.
 */
import type { components } from '../generated/api.js';
import { MockProblem } from './problems.js';
import { insertChatMessage, insertChatSession, updateChatSession } from './rules/chat.js';
import { insertEscalation } from './rules/escalations.js';
import { checkPolicy } from './rules/sla.js';
import { queuePriorities } from './rules/sla-engine.js';
import { emit, jsonb } from './rules/trail.js';
import type { UserRef } from './seed.js';
import { omit, type SlaPolicyRow, type UserRow, type WebhookDeliveryRow } from './store.js';
import { actorOf, Work, type World } from './world.js';


/**
 * Fields of `mock.seed.slaPolicy()`; every one has a default. Unlike the API (which starts a policy
 * today), a seeded policy takes effect on 2000-01-01, so it applies to tickets seeded in the past.
 *
 * @example
 * ```ts
 * mock.seed.slaPolicy({ name: 'P1', priority: 'urgent', response_time_minutes: 5, resolution_time_minutes: 240, business_hours_only: false });
 * ```
 */
export type SeedSlaPolicy = Partial<Omit<components['schemas']['SlaPolicy'], 'id' | 'created_at' | 'updated_at'>>;

/**
 * Fields of `mock.seed.escalation()`.
 *
 * @example
 * ```ts
 * mock.seed.escalation(ticket.id, { by: 'agent2', to: 'manager', reason: 'Needs a decision on failover' });
 * ```
 */
export interface SeedEscalation {
  /** Who raises it (a member of staff); by default the ticket's assignee, else the first admin. */
  by?: UserRef;
  /** Whom it goes to; nobody by default. */
  to?: UserRef | null;
  reason?: string;
  /** 1–5; by default one above the ticket's current level. */
  level?: number;
  type?: components['schemas']['EscalationType'];
}

/**
 * Fields of `mock.seed.notification()`.
 *
 * @example
 * ```ts
 * mock.seed.notification({ user: 'agent', ticket_id: ticket.id, type: 'ticket_assigned', title: 'Ticket assigned to you' });
 * ```
 */
export interface SeedNotification {
  /** Whose inbox it is in. */
  user: UserRef;
  ticket_id?: string | null;
  type?: components['schemas']['NotificationType'];
  channel?: components['schemas']['NotificationChannel'];
  priority?: components['schemas']['NotificationPriority'];
  title?: string;
  body?: string;
  /** Default `delivered` (sent and delivered now); `read` marks it read now too. */
  status?: components['schemas']['NotificationStatus'];
  metadata?: Record<string, unknown>;
}

/**
 * Fields of `mock.seed.webhook()`.
 *
 * @example
 * ```ts
 * const { webhook, secret } = mock.seed.webhook({ url: 'https://hooks.example.com/crm', event_types: ['ticket.*'] });
 * ```
 */
export interface SeedWebhook {
  url?: string;
  description?: string | null;
  event_types?: components['schemas']['WebhookEventType'][];
  is_active?: boolean;
  /** The admin who made it; by default the first admin, if any. */
  createdBy?: UserRef;
}

/**
 * Fields of `mock.seed.webhookDelivery()`: a delivery with the attempts made so far (the mock sends
 * no HTTP, so this is how a test gets a delivered or failed one).
 *
 * @example
 * ```ts
 * mock.seed.webhookDelivery(webhook.id, { status: 'failed', attempts: [{ status_code: 503 }] });
 * ```
 */
export interface SeedWebhookDelivery {
  event_type?: components['schemas']['EventType'];
  /** The outbox event it carries; by default `'1'`. */
  event_id?: string;
  /** Default `pending` without attempts, `failed` when every attempt failed, `delivered` after a 2xx. */
  status?: components['schemas']['WebhookDeliveryStatus'];
  attempts?: { status_code: number | null; duration_ms?: number; response_body?: string | null; error?: string | null }[];
}

/**
 * Fields of `mock.seed.chatSession()`: opened by the customer, accepted by `agent` if given, its
 * messages posted in order, then ended if `ended`.
 *
 * @example
 * ```ts
 * mock.seed.chatSession({ customer: 'customer', subject: 'VPN trouble', agent: 'agent', messages: [{ author: 'customer', body: 'Hi!' }], ended: true });
 * ```
 */
export interface SeedChatSession {
  customer: UserRef;
  subject?: string | null;
  agent?: UserRef;
  /** A ticket the chat became (set when the agent accepts). */
  ticket_id?: string;
  messages?: { author: UserRef; body: string }[];
  ended?: boolean;
}

/** The service-side factories; `Seeder` hands them its world and user lookup. */
export class ServiceSeeder {
  constructor(
    private readonly world: World,
    private readonly userRow: (ref: UserRef) => UserRow,
  ) {}

  /** Work as `user` with every right, as the other factories act. */
  private as(user: UserRow): Work {
    return new Work(this.world, { ...actorOf(this.world, user), role: 'admin' });
  }

  /** Runs a write, turning a refusal of the rules into a `TypeError` naming it. */
  private write<T>(what: string, fn: () => T): T {
    try {
      return this.world.store.transaction(fn);
    } catch (error) {
      if (error instanceof MockProblem) throw new TypeError(`ticketflow/msw: cannot seed ${what}: ${error.detail}`, { cause: error });
      throw error;
    }
  }

  slaPolicy(fields: SeedSlaPolicy = {}): components['schemas']['SlaPolicy'] {
    return this.write('the SLA policy', () => {
      const { store, ids } = this.world;
      const now = this.world.clock.now().toISOString();
      const policy: SlaPolicyRow = {
        id: ids.uuid(),
        name: fields.name ?? `Policy ${store.tables.slaPolicies.size + 1}`,
        description: fields.description ?? null,
        priority: fields.priority ?? 'medium',
        category_id: fields.category_id ?? null,
        response_time_minutes: fields.response_time_minutes ?? 60,
        resolution_time_minutes: fields.resolution_time_minutes ?? 480,
        escalation_threshold_minutes: fields.escalation_threshold_minutes ?? null,
        business_hours_only: fields.business_hours_only ?? true,
        business_start_hour: fields.business_start_hour ?? 9,
        business_end_hour: fields.business_end_hour ?? 17,
        include_weekends: fields.include_weekends ?? false,
        time_zone: fields.time_zone ?? 'UTC',
        holidays: [...(fields.holidays ?? [])].sort(),
        is_active: fields.is_active ?? true,
        effective_from: fields.effective_from ?? '2000-01-01',
        effective_until: fields.effective_until ?? null,
        created_at: now,
        updated_at: now,
      };
      checkPolicy(this.world, policy);
      store.tables.slaPolicies.put(policy);
      queuePriorities(this.world, [policy.priority]);
      return policy;
    });
  }

  escalation(ticketId: string, fields: SeedEscalation = {}): components['schemas']['Escalation'] {
    return this.write('the escalation', () => {
      const { tables } = this.world.store;
      const ticket = tables.tickets.get(ticketId.toLowerCase());
      if (!ticket) throw new TypeError(`ticketflow/msw: no seeded ticket has the id ${ticketId}`);
      const byRef = fields.by ?? ticket.assignee_id ?? tables.users.all().find((user) => user.role === 'admin')?.id;
      if (byRef === undefined) throw new TypeError('ticketflow/msw: seed.escalation() needs `by`: the ticket has no assignee and there is no admin');
      const by = this.userRow(byRef);
      const to = fields.to === undefined || fields.to === null ? null : this.userRow(fields.to);
      return insertEscalation(this.as(by), {
        ticket_id: ticket.id,
        from_user_id: by.id,
        to_user_id: to?.id ?? null,
        reason: fields.reason ?? 'Needs attention',
        escalation_level: fields.level ?? Math.min(ticket.escalation_level + 1, 5),
        escalation_type: fields.type ?? 'manual',
      });
    });
  }

  notification(fields: SeedNotification): components['schemas']['Notification'] {
    return this.write('the notification', () => {
      const user = this.userRow(fields.user);
      const admin = this.world.store.tables.users.all().find((row) => row.role === 'admin') ?? user;
      const work = this.as(admin);
      const now = work.now();
      const status = fields.status ?? 'delivered';
      const sent = status === 'pending' ? null : now;
      const row = this.world.store.tables.notifications.put({
        id: this.world.ids.uuid(),
        ticket_id: fields.ticket_id?.toLowerCase() ?? null,
        type: fields.type ?? 'ticket_assigned',
        channel: fields.channel ?? 'in_app',
        priority: fields.priority ?? 'normal',
        title: fields.title ?? 'Ticket assigned to you',
        body: fields.body ?? '',
        status,
        metadata: jsonb(fields.metadata ?? {}) as Record<string, unknown>,
        created_at: now,
        sent_at: status === 'failed' ? null : sent,
        delivered_at: status === 'delivered' || status === 'read' ? now : null,
        read_at: status === 'read' ? now : null,
        expires_at: null,
        user_id: user.id,
      });
      emit(work, 'notification.created', null, false, { notification_id: row.id, type: row.type, ticket_id: row.ticket_id }, { userId: user.id });
      return omit(row, ['user_id']);
    });
  }

  webhook(fields: SeedWebhook = {}): { webhook: components['schemas']['Webhook']; secret: string } {
    const { store, ids } = this.world;
    const now = this.world.clock.now().toISOString();
    const admin = fields.createdBy === undefined ? store.tables.users.all().find((user) => user.role === 'admin') : this.userRow(fields.createdBy);
    const row = store.tables.webhooks.put({
      id: ids.uuid(),
      url: fields.url ?? 'https://hooks.example.com/ticketflow',
      description: fields.description ?? null,
      event_types: fields.event_types ?? [],
      is_active: fields.is_active ?? true,
      created_by: admin?.id ?? null,
      created_at: now,
      updated_at: now,
      secret: ids.secret(43),
    });
    return { webhook: omit(row, ['secret']), secret: row.secret };
  }

  webhookDelivery(webhookId: string, fields: SeedWebhookDelivery = {}): components['schemas']['WebhookDelivery'] {
    const { store, ids } = this.world;
    const hook = store.tables.webhooks.get(webhookId.toLowerCase());
    if (!hook) throw new TypeError(`ticketflow/msw: no seeded webhook has the id ${webhookId}`);
    const now = this.world.clock.now().toISOString();
    const attempts = (fields.attempts ?? []).map((attempt, index) => ({
      attempt: index + 1,
      attempted_at: now,
      duration_ms: attempt.duration_ms ?? 5,
      status_code: attempt.status_code,
      response_body: attempt.response_body ?? null,
      error: attempt.error ?? null,
    }));
    const ok = attempts.some((attempt) => attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300);
    const status = fields.status ?? (attempts.length === 0 ? 'pending' : ok ? 'delivered' : 'failed');
    const row: WebhookDeliveryRow = store.tables.webhookDeliveries.put({
      id: ids.uuid(),
      webhook_id: hook.id,
      event_id: fields.event_id ?? '1',
      event_type: fields.event_type ?? 'ticket.created',
      status,
      attempt_count: attempts.length,
      next_attempt_at: status === 'pending' ? now : null,
      last_attempt_at: attempts.length > 0 ? now : null,
      delivered_at: status === 'delivered' ? now : null,
      created_at: now,
      attempts,
      body: '{}',
      round_attempts: attempts.length,
    });
    return omit(row, ['body', 'round_attempts']);
  }

  chatSession(fields: SeedChatSession): components['schemas']['ChatSession'] {
    return this.write('the chat session', () => {
      const customer = this.userRow(fields.customer);
      let session = insertChatSession(this.as(customer), fields.subject ?? null);
      if (fields.agent !== undefined) {
        const agent = this.userRow(fields.agent);
        session = updateChatSession(this.as(agent), session, { status: 'active', agent_id: agent.id, ...(fields.ticket_id === undefined ? {} : { ticket_id: fields.ticket_id.toLowerCase() }) });
      }
      for (const message of fields.messages ?? []) insertChatMessage(this.as(this.userRow(message.author)), session, message.body);
      if (fields.ended) session = updateChatSession(this.as(session.agent_id === null ? customer : this.userRow(session.agent_id)), session, { status: 'ended' });
      return session;
    });
  }
}
