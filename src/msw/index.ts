/**
 * `ticketflow/msw`: msw handlers for the Ticketflow API over an in-memory helpdesk that behaves
 * like the reference server where a test would notice — validation and problem+json errors,
 * who sees what, the status workflow, numbering, cursor pagination, ETags, idempotency — with
 * seeding, a controllable clock, fault injection and a request log.
 *
 * @packageDocumentation
 */
import type { HttpHandler } from 'msw';
import type { components } from '../generated/api.js';
import { CallLog, type MockCall } from './calls.js';
import { createClock, DEFAULT_START, type MockClock, type TimeInput } from './clock.js';
import { Faults, type Fault, type FaultOptions } from './faults.js';
import { attachmentHandlers } from './handlers/attachments.js';
import { authHandlers } from './handlers/auth.js';
import { commentHandlers } from './handlers/comments.js';
import { feedbackHandlers } from './handlers/feedback.js';
import { healthHandlers } from './handlers/health.js';
import { kbHandlers } from './handlers/kb.js';
import { searchHandlers } from './handlers/search.js';
import { toUser } from './handlers/shared.js';
import { ticketHandlers } from './handlers/tickets.js';
import { userHandlers } from './handlers/users.js';
import { directoryHandlers } from './handlers/directory.js';
import { sentMail, type MockMail } from './mailbox.js';
import { runBackgroundJobs, type BackgroundJob, type BackgroundJobs } from './background.js';
import { chatHandlers } from './handlers/chat.js';
import { escalationHandlers } from './handlers/escalations.js';
import { endStreams, eventHandlers } from './handlers/events.js';
import { notificationHandlers } from './handlers/notifications.js';
import { slaHandlers } from './handlers/sla.js';
import { statsHandlers } from './handlers/stats.js';
import { webhookHandlers } from './handlers/webhooks.js';
import type { SeedChatSession, SeedEscalation, SeedNotification, SeedSlaPolicy, SeedWebhook, SeedWebhookDelivery } from './seed-services.js';
import type { SeedArticle, SeedArticleFeedback, SeedAttachment, SeedFeedback, SeedKbCategory } from './seed-content.js';
import { createIds } from './ids.js';
import type { HandlerTable } from './operation.js';
import { OPERATIONS, type OperationIdOf, type OperationName } from './operations.js';
import { overrideHandler, type OverridableOperation, type OverrideResolver } from './override.js';
import { buildHandlers } from './router.js';
import { applyScenario, type ScenarioName } from './scenarios.js';
import { Seeder, type SeedApiKey, type SeedComment, type SeedTicket, type SeedUser, type UserRef } from './seed.js';
import { Store, type Tables } from './store.js';
import { DEFAULT_SETTINGS, type MockSettings, type World } from './world.js';

export type { MockCall } from './calls.js';
export type { MockClock, TimeInput } from './clock.js';
export type { Fault, FaultOptions } from './faults.js';
export type { HttpMethod, OperationIdOf, OperationName, SdkOperationName } from './operations.js';
export type { OverridableOperation, OverrideInfo, OverrideReply, OverrideResolver, PathParamsOf, ProblemFields, ReplyInit, StatusOf } from './override.js';
export type { ScenarioName } from './scenarios.js';
export type { SeedApiKey, SeedComment, SeedTicket, SeedUser, UserRef } from './seed.js';
export type { MockSettings } from './world.js';
export type { MailRow, MockMail } from './mailbox.js';
export type { BackgroundJob, BackgroundJobs } from './background.js';
export type { SeedChatSession, SeedEscalation, SeedNotification, SeedSlaPolicy, SeedWebhook, SeedWebhookDelivery } from './seed-services.js';
export type {
  ChatMessageRow,
  ChatSessionRow,
  ConsumerRow,
  EscalationRow,
  NotificationRow,
  SlaPlanRow,
  SlaPolicyRow,
  SlaTimerRow,
  WebhookDeliveryRow,
  WebhookRow,
} from './store.js';
export type { AuditLogRow, InvitationRow, PasswordResetRow } from './store.js';
export type { AttachmentRow, KbArticleFeedbackRow, KbArticleRow, KbArticleVersionRow, KbCategoryRow, TicketFeedbackRow } from './store.js';
export type { SeedArticle, SeedArticleFeedback, SeedAttachment, SeedFeedback, SeedKbCategory } from './seed-content.js';
// Every row type of `Tables` (mock.db) is public: typedoc fails on a public type it cannot reach,
// and `npm run docs:check` on one without an @example.
export type {
  AccessTokenRow,
  ApiKeyRow,
  CategoryRow,
  CommentRow,
  DepartmentRow,
  EventRow,
  HistoryRow,
  IdempotencyRow,
  RefreshTokenRow,
  SettingsRow,
  Table,
  Tables,
  TagRow,
  TeamMemberRow,
  TeamRow,
  TicketRow,
  UserRow,
} from './store.js';
export { DEFAULT_PASSWORD } from './seed.js';

type Schemas = components['schemas'];

/**
 * Options of {@link createTicketflowMock}.
 *
 * @example
 * ```ts
 * const mock = createTicketflowMock({ scenario: 'demo', seed: 42, now: '2026-03-01T08:00:00Z' });
 * ```
 */
export interface TicketflowMockOptions {
  /** Where the mocked API is; default `https://api.ticketflow.test`. Give the SDK the same `baseUrl`. */
  baseUrl?: string;
  /** The seed of ids and secrets: the same seed and the same calls give the same ids. Default `'ticketflow'`. */
  seed?: string | number;
  /** The data to start with: `'empty'` (default) or `'demo'`, the reference server's demo data set. */
  scenario?: ScenarioName;
  /** Where the clock starts; default `2026-01-15T09:00:00Z`. */
  now?: TimeInput;
  /** The server settings to mirror (token lifetimes, lockout); the server's defaults otherwise. */
  settings?: Partial<MockSettings>;
  /**
   * When the server's background work runs (the SLA engine, notification routing, webhook
   * dispatch): `'auto'` (default) before each request the mock answers, as if the server's workers
   * had caught up in between; `'manual'` only when you call `mock.runBackgroundJobs()`.
   */
  backgroundJobs?: BackgroundJobs;
}

/**
 * Credentials to act as a user: pass `accessToken` to the SDK, or `headers` to `fetch`.
 *
 * @example
 * ```ts
 * const { accessToken, headers } = mock.as('agent');
 * await fetch(`${mock.baseUrl}/v1/tickets`, { headers });
 * ```
 */
export interface ActingAs {
  user: Schemas['User'];
  accessToken: string;
  refreshToken: string;
  headers: { Authorization: string };
}

/**
 * The typed factories of `mock.seed`.
 *
 * @example
 * ```ts
 * const ticket = mock.seed.ticket({ title: 'VPN down', requester: 'customer', assignee: 'agent', status: 'in_progress' });
 * mock.seed.comment(ticket.id, { author: 'agent', body: 'Looking', is_internal: true });
 * ```
 */
export interface MockSeed {
  /** A user (a customer unless `role` says otherwise); password `ticketflow-demo` unless given. */
  user(fields?: SeedUser): Schemas['User'];
  department(fields?: Partial<Omit<Schemas['Department'], 'id' | 'created_at' | 'updated_at'>>): Schemas['Department'];
  team(fields?: Partial<Omit<Schemas['Team'], 'id' | 'created_at' | 'updated_at'>> & { members?: UserRef[] }): Schemas['Team'];
  category(fields?: Partial<Omit<Schemas['Category'], 'id' | 'created_at' | 'updated_at'>>): Schemas['Category'];
  tag(fields?: Partial<Omit<Schemas['Tag'], 'id' | 'created_at' | 'created_by'>>): Schemas['Tag'];
  /** A ticket, walked through the workflow to `status` with the history of it; a new customer is its requester unless given. */
  ticket(fields?: SeedTicket): Schemas['Ticket'];
  /** A comment on a ticket, by its requester unless `author` is given. */
  comment(ticketId: string, fields?: SeedComment): Schemas['Comment'];
  /** Moves a ticket one step of the workflow, as `by`. */
  transition(ticketId: string, status: Schemas['TicketStatus'], options?: { by?: UserRef; reason?: string; resolution_notes?: string }): Schemas['Ticket'];
  /** An API key for a user; `key` is what to send. */
  apiKey(fields: SeedApiKey): { key: string; apiKey: Schemas['ApiKey'] };
  /** An SLA policy (effective from 2000-01-01 unless given, so seeded tickets fall under it). */
  slaPolicy(fields?: SeedSlaPolicy): Schemas['SlaPolicy'];
  /** An escalation of a ticket, raised by its assignee unless `by` is given; it raises the ticket's level. */
  escalation(ticketId: string, fields?: SeedEscalation): Schemas['Escalation'];
  /** A notification in a user's inbox (delivered in-app unless given). */
  notification(fields: SeedNotification): Schemas['Notification'];
  /** A webhook; `secret` is its signing secret. */
  webhook(fields?: SeedWebhook): { webhook: Schemas['Webhook']; secret: string };
  /** A delivery of a webhook with the attempts made so far (the mock itself sends no HTTP). */
  webhookDelivery(webhookId: string, fields?: SeedWebhookDelivery): Schemas['WebhookDelivery'];
  /** A chat session, accepted, written in and ended as `fields` say. */
  chatSession(fields: SeedChatSession): Schemas['ChatSession'];
  /** A file on a ticket or one of its comments (by the requester, or the comment's author, unless `by` is given), kept in memory. */
  attachment(ticketId: string, fields?: SeedAttachment): Schemas['Attachment'];
  /** The rating of a resolved or closed ticket, by its requester. */
  feedback(ticketId: string, fields?: SeedFeedback): Schemas['Feedback'];
  /** A knowledge-base category. */
  kbCategory(fields?: SeedKbCategory): Schemas['KbCategory'];
  /** A knowledge-base article (a draft unless `status` says otherwise), by the first member of staff unless `author` is given. */
  article(fields?: SeedArticle): Schemas['KbArticle'];
  /** A reader's verdict on a published article. */
  articleFeedback(articleId: string, fields: SeedArticleFeedback): Schemas['KbArticleFeedback'];
}

/**
 * A mocked Ticketflow API; see {@link createTicketflowMock}.
 *
 * @example
 * ```ts
 * const mock = createTicketflowMock({ scenario: 'demo' });
 * server.resetHandlers(...mock.handlers);
 * mock.fail('tickets.create', { status: 503, times: 1 });
 * ```
 */
export interface TicketflowMock {
  /** The base URL the handlers answer under. */
  readonly baseUrl: string;
  /** The msw handlers: `setupServer(...mock.handlers)` or `setupWorker(...mock.handlers)`. */
  readonly handlers: HttpHandler[];
  /** The controllable clock. */
  readonly clock: MockClock;
  /** Typed factories for seeding rows. */
  readonly seed: MockSeed;
  /** The in-memory tables, to assert on what the mocked API stored. */
  readonly db: Tables;
  /**
   * Credentials to act as a seeded user (by id, email, seed key or the `User`).
   *
   * @example
   * ```ts
   * const tf = new Ticketflow({ baseUrl: mock.baseUrl, accessToken: mock.as('customer').accessToken });
   * ```
   */
  as(user: UserRef): ActingAs;
  /**
   * The seeded user `ref` names, as the API shows users.
   *
   * @example
   * ```ts
   * expect(ticket.assignee_id).toBe(mock.user('agent').id);
   * ```
   */
  user(ref: UserRef): Schemas['User'];
  /**
   * Makes requests to an operation fail (by SDK method path, operationId, or `'*'`).
   *
   * @example
   * ```ts
   * mock.fail('tickets.create', { status: 503, times: 2, retryAfter: 1 });
   * ```
   */
  fail(operation: OperationName | '*', options: FaultOptions): Fault;
  /**
   * Delays answers of an operation by `ms` milliseconds of real time.
   *
   * @example
   * ```ts
   * mock.delay('tickets.list', 2_000, { times: 1 });
   * ```
   */
  delay(operation: OperationName | '*', ms: number, options?: { times?: number }): Fault;
  /**
   * The requests received, all or of one operation.
   *
   * @example
   * ```ts
   * expect(mock.calls('tickets.create').map((call) => call.status)).toEqual([503, 201]);
   * ```
   */
  calls(operation?: OperationName): readonly MockCall[];
  /**
   * Back to the start: the scenario's data, the clock, the ids, no faults and no calls.
   *
   * @example
   * ```ts
   * afterEach(() => mock.reset());
   * ```
   */
  reset(): void;
  /**
   * An msw handler for one operation whose answers are checked against the contract at compile
   * time: `reply(status, body, init)` takes only a status the operation declares, with that
   * status's body and required headers; `problem(status, { detail })` a problem+json error it
   * declares. Put it in front of the mock with `server.use()`; a resolver that returns nothing
   * hands the request on to the mock. Its answers appear in `mock.calls()` with `overridden: true`.
   *
   * @example
   * ```ts
   * server.use(
   *   mock.override('comments.list', ({ params, problem }) => {
   *     if (params.ticket_id === deletedId) return problem(404, { detail: 'No ticket with this id.' });
   *   }),
   * );
   * ```
   */
  override<N extends OverridableOperation>(operation: N, resolver: OverrideResolver<OperationIdOf<N>>): HttpHandler;
  /** Which operations the kit implements; the others answer 501. */
  readonly implemented: ReadonlySet<string>;
  /**
   * Runs the server's background work now, by the mock clock: the SLA engine stamps policies and
   * due times on tickets and fires due warnings, breaches and escalations; notifications are routed
   * from the events; webhook deliveries are recorded. With `backgroundJobs: 'auto'` (the default)
   * this also happens before each request. `only` runs some of the jobs.
   *
   * @example
   * ```ts
   * mock.clock.advance(6 * 60_000); // past the first-response target of an urgent ticket
   * mock.runBackgroundJobs();
   * expect(mock.db.tickets.get(ticket.id)?.sla.breached_at).not.toBeNull();
   * ```
   */
  runBackgroundJobs(options?: { only?: readonly BackgroundJob[] }): void;
  /**
   * The emails the mocked server sent (password resets, invitations), oldest first, each with the
   * token it carries. A request that failed sent nothing; `reset()` empties it.
   *
   * @example
   * ```ts
   * await tf.auth.requestPasswordReset({ email: 'customer@example.com' });
   * const mail = mock.mailbox.findLast((message) => message.to === 'customer@example.com');
   * await tf.auth.confirmPasswordReset({ token: mail!.token, new_password: 'correct horse battery' });
   * ```
   */
  readonly mailbox: readonly MockMail[];
}

const HANDLERS: HandlerTable = { ...slaHandlers, ...escalationHandlers, ...notificationHandlers, ...statsHandlers, ...webhookHandlers, ...chatHandlers, ...eventHandlers, ...authHandlers, ...userHandlers, ...ticketHandlers, ...commentHandlers, ...healthHandlers, ...directoryHandlers, ...attachmentHandlers, ...kbHandlers, ...searchHandlers, ...feedbackHandlers };

/**
 * Creates a mocked Ticketflow API for msw.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { Ticketflow } from 'ticketflow';
 * import { createTicketflowMock } from 'ticketflow/msw';
 *
 * const mock = createTicketflowMock({ scenario: 'demo' });
 * const server = setupServer(...mock.handlers);
 * server.listen({ onUnhandledRequest: 'error' }); // msw 3: { onUnhandledFrame: 'error' } (it ignores the old name)
 *
 * const tf = new Ticketflow({ baseUrl: mock.baseUrl, accessToken: mock.as('customer').accessToken });
 * const ticket = await tf.tickets.create({ title: 'Printer on fire' });
 * mock.calls('tickets.create'); // one call, its body included
 * ```
 */
export function createTicketflowMock(options: TicketflowMockOptions = {}): TicketflowMock {
  const baseUrl = checkedBaseUrl(options.baseUrl ?? 'https://api.ticketflow.test');
  const start = options.now ?? DEFAULT_START;
  const seedValue = options.seed ?? 'ticketflow';
  const backgroundJobs = options.backgroundJobs ?? 'auto';
  if (backgroundJobs !== 'auto' && backgroundJobs !== 'manual') throw new TypeError(`ticketflow/msw: backgroundJobs must be 'auto' or 'manual', not ${JSON.stringify(backgroundJobs)}`);
  const scenario = options.scenario ?? 'empty';
  if (scenario !== 'empty' && scenario !== 'demo') throw new TypeError(`ticketflow/msw: unknown scenario ${JSON.stringify(scenario)} (use 'empty' or 'demo')`);
  const clock = createClock(start);
  const world: World = {
    store: new Store(clock.now()),
    clock,
    ids: createIds(seedValue),
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
  };
  const calls = new CallLog();
  const faults = new Faults();
  const seeder = new Seeder(world);
  applyScenario(scenario, seeder);

  const seed: MockSeed = {
    user: (fields) => seeder.user(fields),
    department: (fields) => seeder.department(fields),
    team: (fields) => seeder.team(fields),
    category: (fields) => seeder.category(fields),
    tag: (fields) => seeder.tag(fields),
    ticket: (fields) => seeder.ticket(fields),
    comment: (ticketId, fields) => seeder.comment(ticketId, fields),
    transition: (ticketId, status, transitionOptions) => seeder.transition(ticketId, status, transitionOptions),
    apiKey: (fields) => seeder.apiKey(fields),
    slaPolicy: (fields) => seeder.services.slaPolicy(fields),
    escalation: (ticketId, fields) => seeder.services.escalation(ticketId, fields),
    notification: (fields) => seeder.services.notification(fields),
    webhook: (fields) => seeder.services.webhook(fields),
    webhookDelivery: (webhookId, fields) => seeder.services.webhookDelivery(webhookId, fields),
    chatSession: (fields) => seeder.services.chatSession(fields),
    attachment: (ticketId, fields) => seeder.content.attachment(ticketId, fields),
    feedback: (ticketId, fields) => seeder.content.feedback(ticketId, fields),
    kbCategory: (fields) => seeder.content.kbCategory(fields),
    article: (fields) => seeder.content.article(fields),
    articleFeedback: (articleId, fields) => seeder.content.articleFeedback(articleId, fields),
  };

  return {
    baseUrl,
    handlers: buildHandlers({ baseUrl, world, handlers: HANDLERS, calls, faults, ...(backgroundJobs === 'auto' ? { background: () => runBackgroundJobs(world) } : {}) }),
    clock,
    seed,
    db: world.store.tables,
    as(ref) {
      const row = seeder.userRow(ref);
      const tokens = seeder.session(row.id);
      return { user: toUser(row, clock.now()), accessToken: tokens.access_token, refreshToken: tokens.refresh_token, headers: { Authorization: `Bearer ${tokens.access_token}` } };
    },
    user: (ref) => toUser(seeder.userRow(ref), clock.now()),
    fail: (operation, faultOptions) => faults.add(operation, faultOptions),
    delay: (operation, ms, delayOptions = {}) => faults.add(operation, { delay: ms, ...delayOptions }),
    calls: (operation) => calls.list(operation),
    override: (operation, resolver) => overrideHandler({ baseUrl, world, calls }, operation, resolver),
    reset() {
      endStreams(world.store);
      clock.set(start);
      world.store.clear(clock.now());
      world.ids = createIds(seedValue);
      calls.clear();
      faults.clear();
      applyScenario(scenario, seeder);
    },
    runBackgroundJobs: (jobOptions = {}) => runBackgroundJobs(world, jobOptions.only),
    get mailbox() {
      return sentMail(world);
    },
    implemented: new Set(OPERATIONS.filter((spec) => HANDLERS[spec.operationId]).flatMap((spec) => [spec.operationId, spec.sdkName])),
  };
}

function checkedBaseUrl(value: string): string {
  if (typeof value !== 'string' || !/^https?:\/\//.test(value)) throw new TypeError('ticketflow/msw: baseUrl must be an http:// or https:// URL');
  return value.replace(/\/+$/, '');
}
