/**
 * The mock's in-memory tables. Rows are the contract's own types (`components['schemas']`), plus
 * what the server keeps and never shows (password, lockout counters, token state). Rows are frozen
 * and replaced rather than changed, which is what makes `transaction()` cheap: it keeps the maps as
 * they were and puts them back if the request fails, so a failed request leaves nothing half-done,
 * as the server's one-transaction-per-request does.
 */
import type { components } from '../generated/api.js';
import type { MailRow } from './mailbox.js';


/**
 * A user, with what the server keeps out of the `User` it shows.
 *
 * @example
 * ```ts
 * expect(mock.db.users.get(mock.user('customer').id)?.failed_login_attempts).toBe(2); // after two wrong passwords
 * ```
 */
export type UserRow = components['schemas']['User'] & {
  /** Kept in clear: this is a test double. `null` for accounts without a password (SSO). */
  password: string | null;
  failed_login_attempts: number;
  /** The name `mock.as()` and `mock.user()` know this user by, when it was seeded with one. */
  key: string | null;
};

/**
 * A ticket, as the API shows it.
 *
 * @example
 * ```ts
 * const open: TicketRow[] = mock.db.tickets.where((ticket) => ticket.status === 'open');
 * ```
 */
export type TicketRow = components['schemas']['Ticket'];

/**
 * A comment; `body` is kept after a soft delete (the API shows a tombstone).
 *
 * @example
 * ```ts
 * const notes = mock.db.comments.where((comment) => comment.ticket_id === ticket.id && comment.is_internal);
 * ```
 */
export type CommentRow = Omit<components['schemas']['Comment'], 'body'> & { body: string };

/**
 * An entry of a ticket's history, as the server's triggers write it.
 *
 * @example
 * ```ts
 * const actions = mock.db.history.where((entry) => entry.ticket_id === ticket.id).map((entry) => entry.action);
 * ```
 */
export type HistoryRow = components['schemas']['TicketHistoryEntry'];
/**
 * A department.
 *
 * @example
 * ```ts
 * const support = mock.db.departments.all().find((department) => department.name === 'Support');
 * ```
 */
export type DepartmentRow = components['schemas']['Department'];
/**
 * A team.
 *
 * @example
 * ```ts
 * const led = mock.db.teams.where((team) => team.lead_id === mock.user('manager').id);
 * ```
 */
export type TeamRow = components['schemas']['Team'];
/**
 * A member of a team (`id` is the team's and the user's id, joined).
 *
 * @example
 * ```ts
 * const members = mock.db.teamMembers.where((member) => member.team_id === team.id).map((member) => member.user_id);
 * ```
 */
export type TeamMemberRow = Omit<components['schemas']['TeamMember'], 'user'> & { id: string };
/**
 * A ticket category.
 *
 * @example
 * ```ts
 * const slugs = mock.db.categories.all().map((category) => category.slug);
 * ```
 */
export type CategoryRow = components['schemas']['Category'];
/**
 * A ticket tag.
 *
 * @example
 * ```ts
 * const vip = mock.db.tags.all().find((tag) => tag.name === 'vip');
 * ```
 */
export type TagRow = components['schemas']['Tag'];
/**
 * The company settings, as `tf.settings.get()` answers them.
 *
 * @example
 * ```ts
 * const settings: SettingsRow = await tf.settings.get();
 * ```
 */
export type SettingsRow = components['schemas']['CompanySettings'];

/**
 * An API key with the key itself (the server keeps a digest).
 *
 * @example
 * ```ts
 * const live = mock.db.apiKeys.where((apiKey) => apiKey.revoked_at === null);
 * ```
 */
export type ApiKeyRow = components['schemas']['ApiKey'] & { key: string };

/**
 * A refresh token; rotated ones stay, revoked, with what replaced them.
 *
 * @example
 * ```ts
 * const sessions = mock.db.refreshTokens.where((token) => token.user_id === user.id && token.revoked_at === null);
 * ```
 */
export interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  family_id: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: 'logout' | 'rotated' | 'reuse_detected' | 'password_changed' | null;
  replaced_by: string | null;
}

/**
 * An access token the mock issued (only the mock can verify them).
 *
 * @example
 * ```ts
 * const issued = mock.db.accessTokens.where((token) => token.user_id === user.id).length;
 * ```
 */
export interface AccessTokenRow {
  /** The token itself. */
  id: string;
  user_id: string;
  session_id: string;
  expires_at: string;
}

/**
 * A stored response for an Idempotency-Key, per user and key.
 *
 * @example
 * ```ts
 * expect(mock.db.idempotency.all().map((stored) => stored.status)).toEqual([201]);
 * ```
 */
export interface IdempotencyRow {
  /** `<user id> <key>`. */
  id: string;
  request_hash: string;
  status: number;
  headers: Record<string, string>;
  body: string | null;
  expires_at: string;
}

/**
 * One row of the events outbox, as the server's triggers write it (live events and webhooks read it).
 *
 * @example
 * ```ts
 * const types = mock.db.events.where((event) => event.ticket_id === ticket.id).map((event) => event.type);
 * ```
 */
export interface EventRow {
  id: string;
  seq: number;
  type: string;
  ticket_id: string | null;
  actor_id: string | null;
  is_internal: boolean;
  payload: Record<string, unknown>;
  created_at: string;
  /** The chat session an event is about (`chat.*`); absent is null. */
  chat_session_id?: string | null;
  /** The one user an event is addressed to (`notification.created`); absent is null. */
  user_id?: string | null;
}

/**
 * An SLA policy, as the API shows it.
 *
 * @example
 * ```ts
 * expect(mock.db.slaPolicies.all().map((policy) => policy.name)).toEqual(['P1 critical', 'P2 high', 'P3 medium', 'P4 low']); // the demo's
 * ```
 */
export type SlaPolicyRow = components['schemas']['SlaPolicy'];

/**
 * What the SLA engine will do and when (sla_timers); fired timers stay as the record of what was done.
 *
 * @example
 * ```ts
 * const due = mock.db.slaTimers.where((timer) => timer.ticket_id === ticket.id && timer.fired_at === null);
 * ```
 */
export interface SlaTimerRow {
  /** `<ticket id> <kind> <step>`. */
  id: string;
  ticket_id: string;
  kind: 'first_response_warning' | 'first_response_breach' | 'resolution_warning' | 'resolution_breach' | 'escalation_level' | 'critical_unassigned';
  /** The level an `escalation_level` timer raises to; 0 otherwise. */
  step: number;
  due_at: string;
  fired_at: string | null;
  /** What firing did (`warned`, `breached`, `skipped: …`), as the server records it. */
  outcome: string | null;
}

/**
 * A ticket the SLA engine planned, with the inputs it planned from: the mock's stand-in for the
 * server's `sla_refresh_queue` (a ticket whose inputs differ, or that has no row, is planned again).
 *
 * @example
 * ```ts
 * expect(mock.db.slaPlans.get(ticket.id)).toBeDefined(); // planned since its last change
 * ```
 */
export interface SlaPlanRow {
  /** The ticket's id. */
  id: string;
  inputs: string;
}

/**
 * An escalation, as the API shows it.
 *
 * @example
 * ```ts
 * expect(mock.db.escalations.where((e) => e.escalation_type === 'sla_breach')).toHaveLength(1);
 * ```
 */
export type EscalationRow = components['schemas']['Escalation'];

/**
 * A notification, with the user whose inbox it is in.
 *
 * @example
 * ```ts
 * const inbox = mock.db.notifications.where((note) => note.user_id === mock.user('agent').id && note.channel === 'in_app');
 * ```
 */
export type NotificationRow = components['schemas']['Notification'] & { user_id: string };

/**
 * A webhook, with its signing secret (shown once, at creation).
 *
 * @example
 * ```ts
 * const secret = mock.db.webhooks.get(webhookId)?.secret; // to check a signature your code made
 * ```
 */
export type WebhookRow = components['schemas']['Webhook'] & { secret: string };

/**
 * A webhook delivery: the envelope the server would POST (`body`), and every attempt (the API shows
 * the last ten).
 *
 * @example
 * ```ts
 * const [delivery] = mock.db.webhookDeliveries.where((d) => d.webhook_id === webhookId);
 * expect(JSON.parse(delivery!.body)).toMatchObject({ type: 'ticket.created' });
 * ```
 */
export type WebhookDeliveryRow = components['schemas']['WebhookDelivery'] & { body: string; round_attempts: number };

/**
 * A chat session, as the API shows it.
 *
 * @example
 * ```ts
 * expect(mock.db.chatSessions.where((session) => session.status === 'waiting')).toHaveLength(1);
 * ```
 */
export type ChatSessionRow = components['schemas']['ChatSession'];

/**
 * A chat message, as the API shows it.
 *
 * @example
 * ```ts
 * const transcript = mock.db.chatMessages.where((message) => message.session_id === session.id).map((message) => message.body);
 * ```
 */
export type ChatMessageRow = components['schemas']['ChatMessage'];

/**
 * Where an outbox consumer (notification routing, webhook dispatch) stands: the last event it handled.
 *
 * @example
 * ```ts
 * expect(mock.db.eventConsumers.get('notifications')?.seq).toBe(mock.db.events.size);
 * ```
 */
export interface ConsumerRow {
  /** The consumer's name. */
  id: string;
  seq: number;
}

/**
 * An invitation with its one-time token (the server keeps a digest); `status` as stored: a pending
 * one past its expiry reads as expired.
 *
 * @example
 * ```ts
 * const [invitation] = mock.db.invitations.where((row) => row.email === 'grace@example.com');
 * ```
 */
export type InvitationRow = components['schemas']['Invitation'] & { token: string };

/**
 * A password reset: its one-time token (the server keeps a digest), when it expires and when it was used.
 *
 * @example
 * ```ts
 * expect(mock.db.passwordResets.where((row) => row.used_at === null)).toHaveLength(1);
 * ```
 */
export interface PasswordResetRow {
  id: string;
  user_id: string;
  token: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/**
 * An entry of the security audit log.
 *
 * @example
 * ```ts
 * expect(mock.db.auditLogs.where((row) => row.event_type === 'login_failed')).toHaveLength(1);
 * ```
 */
export type AuditLogRow = components['schemas']['AuditLog'];

/**
 * A file on a ticket or a comment, as the API shows it (`ticket_id` is the comment's ticket for a
 * comment's file), with its bytes, kept in memory.
 *
 * @example
 * ```ts
 * const text = new TextDecoder().decode(mock.db.attachments.get(file.id)!.content);
 * ```
 */
export type AttachmentRow = components['schemas']['Attachment'] & { content: Uint8Array };

/**
 * A knowledge-base category.
 *
 * @example
 * ```ts
 * const top = mock.db.kbCategories.where((category) => category.parent_id === null);
 * ```
 */
export type KbCategoryRow = components['schemas']['KbCategory'];

/**
 * A knowledge-base article, with its body.
 *
 * @example
 * ```ts
 * const published = mock.db.kbArticles.where((article) => article.status === 'published');
 * ```
 */
export type KbArticleRow = components['schemas']['KbArticle'];

/**
 * A kept version of an article (`id` is the version's own id).
 *
 * @example
 * ```ts
 * const versions = mock.db.kbArticleVersions.where((version) => version.article_id === article.id).length;
 * ```
 */
export type KbArticleVersionRow = components['schemas']['KbArticleVersion'];

/**
 * A reader's verdict on an article (one per reader and article).
 *
 * @example
 * ```ts
 * const helpful = mock.db.kbArticleFeedback.where((verdict) => verdict.helpful).length;
 * ```
 */
export type KbArticleFeedbackRow = components['schemas']['KbArticleFeedback'];

/**
 * A ticket's rating by its requester (one per ticket).
 *
 * @example
 * ```ts
 * expect(mock.db.ticketFeedback.all().map((feedback) => feedback.rating)).toEqual([5]);
 * ```
 */
export type TicketFeedbackRow = components['schemas']['Feedback'];

/** `value` without the fields `keys` (the server's hidden columns, a factory's own options). */
export function omit<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  const copy: Partial<T> = { ...value };
  for (const key of keys) delete copy[key];
  return copy as Omit<T, K>;
}

/**
 * A table of rows by id.
 *
 * @example
 * ```ts
 * const open = mock.db.tickets.where((ticket) => ticket.status === 'open');
 * ```
 */
export class Table<Row extends { readonly id: string }> {
  #rows = new Map<string, Row>();

  /**
   * The row with `id`, or undefined.
   *
   * @example
   * ```ts
   * expect(mock.db.tickets.get(ticket.id)?.status).toBe('resolved');
   * ```
   */
  get(id: string): Row | undefined {
    return this.#rows.get(id);
  }

  /**
   * Every row, in insertion order.
   *
   * @example
   * ```ts
   * const titles = mock.db.tickets.all().map((ticket) => ticket.title);
   * ```
   */
  all(): Row[] {
    return [...this.#rows.values()];
  }

  /**
   * The rows `predicate` accepts.
   *
   * @example
   * ```ts
   * const urgent = mock.db.tickets.where((ticket) => ticket.priority === 'urgent');
   * ```
   */
  where(predicate: (row: Row) => boolean): Row[] {
    return this.all().filter(predicate);
  }

  /**
   * Stores `row` (frozen), replacing any row with its id. Straight into the table: no rule, trigger
   * or history applies, so prefer `mock.seed` and the API.
   *
   * @example
   * ```ts
   * mock.db.users.put({ ...mock.db.users.get(user.id)!, is_active: false });
   * ```
   */
  put(row: Row): Row {
    const frozen = Object.freeze({ ...row });
    this.#rows.set(row.id, frozen);
    return frozen;
  }

  /**
   * Removes the row with `id`, straight from the table (no rule applies); whether there was one.
   *
   * @example
   * ```ts
   * mock.db.refreshTokens.delete(token.id);
   * ```
   */
  delete(id: string): boolean {
    return this.#rows.delete(id);
  }

  /**
   * How many rows the table has.
   *
   * @example
   * ```ts
   * expect(mock.db.tickets.size).toBe(7);
   * ```
   */
  get size(): number {
    return this.#rows.size;
  }

  /** @internal */
  snapshot(): Map<string, Row> {
    return new Map(this.#rows);
  }

  /** @internal */
  restore(rows: Map<string, Row>): void {
    this.#rows = rows;
  }
}

/**
 * Every table of the mock.
 *
 * @example
 * ```ts
 * expect(mock.db.comments.size).toBe(3);
 * ```
 */
export interface Tables {
  users: Table<UserRow>;
  departments: Table<DepartmentRow>;
  teams: Table<TeamRow>;
  teamMembers: Table<TeamMemberRow>;
  categories: Table<CategoryRow>;
  tags: Table<TagRow>;
  tickets: Table<TicketRow>;
  comments: Table<CommentRow>;
  history: Table<HistoryRow>;
  apiKeys: Table<ApiKeyRow>;
  refreshTokens: Table<RefreshTokenRow>;
  accessTokens: Table<AccessTokenRow>;
  idempotency: Table<IdempotencyRow>;
  events: Table<EventRow>;
  invitations: Table<InvitationRow>;
  passwordResets: Table<PasswordResetRow>;
  auditLogs: Table<AuditLogRow>;
  mail: Table<MailRow>;
  slaPolicies: Table<SlaPolicyRow>;
  slaTimers: Table<SlaTimerRow>;
  slaPlans: Table<SlaPlanRow>;
  escalations: Table<EscalationRow>;
  notifications: Table<NotificationRow>;
  webhooks: Table<WebhookRow>;
  webhookDeliveries: Table<WebhookDeliveryRow>;
  chatSessions: Table<ChatSessionRow>;
  chatMessages: Table<ChatMessageRow>;
  eventConsumers: Table<ConsumerRow>;
  attachments: Table<AttachmentRow>;
  kbCategories: Table<KbCategoryRow>;
  kbArticles: Table<KbArticleRow>;
  kbArticleVersions: Table<KbArticleVersionRow>;
  kbArticleFeedback: Table<KbArticleFeedbackRow>;
  ticketFeedback: Table<TicketFeedbackRow>;
}

const TABLE_NAMES = [
  'users', 'departments', 'teams', 'teamMembers', 'categories', 'tags', 'tickets', 'comments', 'history',
  'apiKeys', 'refreshTokens', 'accessTokens', 'idempotency', 'events',
  'invitations', 'passwordResets', 'auditLogs', 'mail',
  'slaPolicies', 'slaTimers', 'slaPlans', 'escalations', 'notifications', 'webhooks', 'webhookDeliveries', 'chatSessions', 'chatMessages', 'eventConsumers',
  'attachments', 'kbCategories', 'kbArticles', 'kbArticleVersions', 'kbArticleFeedback', 'ticketFeedback',
] as const satisfies readonly (keyof Tables)[];

/** The settings as the server starts with them. */
export const DEFAULT_SETTINGS: Omit<SettingsRow, 'updated_at'> = {
  company_name: 'Ticketflow',
  ticket_prefix: 'TKT',
  time_zone: 'UTC',
  logo_url: null,
  critical_unassigned_minutes: 30,
};

export class Store {
  readonly tables: Tables;
  settings: SettingsRow;
  /** Last ticket number per `<prefix>-<year>`, as the server's ticket_counters. */
  counters = new Map<string, number>();
  /** Sequences of history and events (`seq`). */
  sequences = { history: 0, events: 0 };

  constructor(now: Date) {
    this.tables = Object.fromEntries(TABLE_NAMES.map((name) => [name, new Table()])) as unknown as Tables;
    this.settings = { ...DEFAULT_SETTINGS, updated_at: now.toISOString() };
  }

  /** Runs `fn`; if it throws, every table is as it was before, and the error goes on. */
  transaction<T>(fn: () => T): T {
    const saved = TABLE_NAMES.map((name) => [name, this.tables[name].snapshot()] as const);
    const settings = this.settings;
    const counters = new Map(this.counters);
    const sequences = { ...this.sequences };
    this.#depth += 1;
    let committed = false;
    try {
      const result = fn();
      committed = true;
      return result;
    } catch (error) {
      for (const [name, rows] of saved) (this.tables[name] as Table<{ id: string }>).restore(rows);
      this.settings = settings;
      this.counters = counters;
      this.sequences = sequences;
      throw error;
    } finally {
      this.#depth -= 1;
      // Like the server's pg_notify, delivered at commit only: a listener never sees an event that rolled back.
      if (committed && this.#depth === 0 && this.sequences.events > sequences.events) this.#notify();
    }
  }

  #depth = 0;
  #listeners = new Set<() => void>();

  /**
   * Calls `listener` each time a write that added events has committed (live event streams wait
   * on it); returns the function that stops it.
   */
  onEvents(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Empties every table and resets settings, counters and sequences. */
  clear(now: Date): void {
    for (const name of TABLE_NAMES) (this.tables[name] as Table<{ id: string }>).restore(new Map());
    this.settings = { ...DEFAULT_SETTINGS, updated_at: now.toISOString() };
    this.counters = new Map();
    this.sequences = { history: 0, events: 0 };
  }
}
