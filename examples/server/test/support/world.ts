/**
 * A small helpdesk built for access tests: two departments with a team each, one user per role plus
 * a second agent and customer whose rows are "someone else's", and at least one row of every table
 * on each side of every policy. Built as the owner with the acting user bound, so triggers attribute
 * history and events as the API would.
 */
import { randomBytes } from 'node:crypto';
import type { UserRole } from '../../src/db/actor.js';
import type { Queryable } from '../../src/db/database.js';

export const ROLES = ['customer', 'agent', 'manager', 'admin'] as const satisfies readonly UserRole[];

export type UserKey = 'admin' | 'manager' | 'agent' | 'agent2' | 'customer' | 'customer2' | 'spare';

/** How to find one row again: a WHERE clause and its parameters. */
export interface RowRef {
  where: string;
  params: unknown[];
}

export interface World {
  users: Record<UserKey, string>;
  ids: Record<string, string>;
  /** Named rows per table, the targets of the access matrix. */
  rows: Record<string, Record<string, RowRef>>;
}

const byId = (id: string): RowRef => ({ where: 'id = $1', params: [id] });
export const hex = (bytes = 32) => randomBytes(bytes).toString('hex');
export const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function buildWorld(tx: Queryable): Promise<World> {
  const one = async (sql: string, params: unknown[] = []): Promise<string> => {
    const { rows } = await tx.query<{ id: string }>(sql, params);
    const id = rows[0]?.id;
    if (!id) throw new Error(`no row from: ${sql}`);
    return id;
  };
  const users = {} as Record<UserKey, string>;
  const roleOf: Record<UserKey, UserRole> = {
    admin: 'admin', manager: 'manager', agent: 'agent', agent2: 'agent', customer: 'customer', customer2: 'customer', spare: 'customer',
  };
  const actAs = (key: UserKey) =>
    tx.query("select set_config('app.user_id', $1, true), set_config('app.role', $2, true)", [users[key], roleOf[key]]);

  const support = await one("insert into departments (name) values ('Support') returning id");
  const infra = await one("insert into departments (name) values ('Infrastructure') returning id");
  const departmentOf: Partial<Record<UserKey, string>> = { manager: support, agent: support, agent2: infra };
  for (const key of Object.keys(roleOf) as UserKey[]) {
    users[key] = await one(
      'insert into users (email, first_name, role, department_id, is_approved) values ($1, $2, $3, $4, true) returning id',
      [`${key}@world.test`, key, roleOf[key], departmentOf[key] ?? null],
    );
  }
  const alpha = await one("insert into teams (name, department_id, lead_id) values ('Alpha', $1, $2) returning id", [support, users.manager]);
  const beta = await one("insert into teams (name, department_id) values ('Beta', $1) returning id", [infra]);
  await tx.query("insert into team_members (team_id, user_id) values ($1, $2), ($3, $4)", [alpha, users.agent, beta, users.agent2]);
  const network = await one("insert into categories (slug, name) values ('network', 'Network') returning id");
  const vip = await one("insert into tags (name) values ('vip') returning id");
  const outage = await one("insert into tags (name) values ('outage') returning id");
  const p1 = await one(
    "insert into sla_policies (name, priority, response_time_minutes, resolution_time_minutes) values ('P1', 'urgent', 5, 240) returning id");

  const ticket = async (requester: UserKey, fields: { department?: string; team?: string; assignee?: UserKey; path?: string[] }) => {
    await actAs(requester);
    const id = await one(
      'insert into tickets (title, description, requester_id, created_by, department_id, team_id) values ($1, $2, $3, $3, $4, $5) returning id',
      [unique('Ticket'), 'Something is broken', users[requester], fields.department ?? null, fields.team ?? null],
    );
    if (fields.assignee) {
      await actAs(fields.assignee);
      await tx.query("update tickets set assignee_id = $2, status = 'open' where id = $1", [id, users[fields.assignee]]);
    }
    for (const status of fields.path ?? []) await tx.query('update tickets set status = $2 where id = $1', [id, status]);
    return id;
  };
  const mine = await ticket('customer', { department: support, team: alpha, assignee: 'agent', path: ['in_progress'] });
  const queue = await ticket('customer2', {});
  const foreign = await ticket('customer2', { department: infra, team: beta, assignee: 'agent2', path: ['in_progress'] });
  const resolvedMine = await ticket('customer', { department: support, team: alpha, assignee: 'agent', path: ['in_progress', 'resolved'] });
  const resolvedForeign = await ticket('customer2', { department: infra, team: beta, assignee: 'agent2', path: ['in_progress', 'resolved'] });
  const resolvedUnrated = await ticket('customer', { department: support, assignee: 'agent', path: ['in_progress', 'resolved'] });

  await tx.query('insert into ticket_tags (ticket_id, tag_id) values ($1, $2), ($3, $4)', [mine, vip, foreign, outage]);
  await actAs('customer');
  const publicMine = await one("insert into comments (ticket_id, body) values ($1, 'Any news?') returning id", [mine]);
  const mineFile = await one(
    `insert into attachments (ticket_id, file_name, mime_type, size_bytes, sha256, storage_key) values ($1, 'a.log', 'text/plain', 3, $2, $3) returning id`,
    [mine, hex(), unique('key')]);
  await tx.query('insert into ticket_feedback (ticket_id, customer_id, rating) values ($1, $2, 4)', [resolvedMine, users.customer]);
  await actAs('agent');
  const internalMine = await one("insert into comments (ticket_id, body, is_internal) values ($1, 'Internal note', true) returning id", [mine]);
  const internalFile = await one(
    `insert into attachments (comment_id, file_name, mime_type, size_bytes, sha256, storage_key) values ($1, 'b.txt', 'text/plain', 3, $2, $3) returning id`,
    [internalMine, hex(), unique('key')]);
  await actAs('customer2');
  const publicForeign = await one("insert into comments (ticket_id, body) values ($1, 'Hello?') returning id", [foreign]);
  await tx.query('insert into ticket_feedback (ticket_id, customer_id, rating) values ($1, $2, 2)', [resolvedForeign, users.customer2]);
  await actAs('agent2');
  const foreignFile = await one(
    `insert into attachments (ticket_id, file_name, mime_type, size_bytes, sha256, storage_key) values ($1, 'c.png', 'image/png', 3, $2, $3) returning id`,
    [foreign, hex(), unique('key')]);

  await actAs('manager');
  const mineEsc = await one(
    "insert into escalations (ticket_id, to_user_id, reason, escalation_type) values ($1, $2, 'Customer waiting', 'manual') returning id",
    [mine, users.agent]);
  await actAs('agent2');
  const foreignEsc = await one(
    "insert into escalations (ticket_id, to_user_id, reason, escalation_type) values ($1, $2, 'Stuck', 'manual') returning id",
    [foreign, users.agent2]);

  await actAs('admin');
  const notify = (user: UserKey, ticketId: string) => one(
    "insert into notifications (user_id, ticket_id, type, title, body) values ($1, $2, 'comment_added', 'New comment', 'Body') returning id",
    [users[user], ticketId]);
  const customerNote = await notify('customer', mine);
  const agentNote = await notify('agent', mine);

  const root = await one("insert into kb_categories (name, slug) values ('Root', 'root') returning id");
  const leaf = await one("insert into kb_categories (name, slug, parent_id) values ('Leaf', 'leaf', $1) returning id", [root]);
  await actAs('agent');
  const published = await one(
    "insert into kb_articles (title, slug, body, status) values ('Published', 'published', 'Body', 'published') returning id");
  const published2 = await one(
    "insert into kb_articles (title, slug, body, status) values ('Published 2', 'published-2', 'Body', 'published') returning id");
  await actAs('agent2');
  const draft = await one("insert into kb_articles (title, slug, body) values ('Draft', 'draft', 'Body') returning id");
  await actAs('customer');
  const customerFb = await one('insert into kb_article_feedback (article_id, helpful) values ($1, true) returning id', [published]);
  await actAs('customer2');
  const customer2Fb = await one('insert into kb_article_feedback (article_id, helpful) values ($1, false) returning id', [published]);

  const chat = async (customer: UserKey, agent: UserKey | null) => {
    await actAs(customer);
    const id = await one('insert into chat_sessions (subject) values ($1) returning id', [unique('chat')]);
    const message = await one("insert into chat_messages (session_id, body) values ($1, 'Hi') returning id", [id]);
    if (agent) {
      await actAs(agent);
      await tx.query("update chat_sessions set agent_id = $2, status = 'active', started_at = now() where id = $1", [id, users[agent]]);
    }
    return { id, message };
  };
  const custChat = await chat('customer', 'agent');
  const waitChat = await chat('customer2', null);
  const foreignChat = await chat('customer2', 'agent2');

  await actAs('admin');
  const future = "now() + interval '1 day'";
  const customerToken = await one(
    `insert into refresh_tokens (user_id, token_hash, family_id, expires_at) values ($1, $2, gen_random_uuid(), ${future}) returning id`,
    [users.customer, hex()]);
  const session = (user: UserKey) => one(
    `insert into user_sessions (user_id, session_token_hash, expires_at) values ($1, $2, ${future}) returning id`, [users[user], hex()]);
  const customerSession = await session('customer');
  const agentSession = await session('agent');
  const customerReset = await one(
    `insert into password_resets (user_id, token_hash, expires_at) values ($1, $2, ${future}) returning id`, [users.customer, hex()]);
  const invite = (by: UserKey, department: string, role: UserRole) => one(
    `insert into user_invitations (email, token_hash, role, department_id, invited_by, expires_at)
     values ($1, $2, $3, $4, $5, ${future}) returning id`, [`${unique('invitee')}@world.test`, hex(), role, department, users[by]]);
  const supportInvite = await invite('manager', support, 'agent');
  const infraInvite = await invite('admin', infra, 'admin');
  const apiKey = (user: UserKey, by: UserKey) => one(
    'insert into api_keys (name, prefix, key_hash, user_id, created_by) values ($1, $2, $3, $4, $5) returning id',
    [unique('key'), `tf_${hex(4)}`, hex(), users[user], users[by]]);
  const agentKey = await apiKey('agent', 'agent');
  const customerKey = await apiKey('customer', 'admin');
  const hook = await one(
    "insert into webhooks (url, secret, created_by) values ('https://hooks.example.com/ticketflow', $1, $2) returning id",
    [hex(), users.admin]);
  const hookDelivery = await one(
    "insert into webhook_deliveries (webhook_id, event_id, event_type, body, status, round_attempts, attempt_count) values ($1, 1, 'ticket.created', '{}', 'failed', 1, 1) returning id",
    [hook]);
  await tx.query("insert into webhook_delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, status_code) values ($1, 1, now(), 5, 503)", [hookDelivery]);
  // The SLA engine's own tables: a consumer position, a queued ticket and a timer.
  await tx.query("insert into event_consumers (name) values ('world-consumer')");
  await tx.query('insert into sla_refresh_queue (ticket_id) values ($1) on conflict do nothing', [mine]);
  await tx.query("insert into sla_timers (ticket_id, kind, due_at) values ($1, 'critical_unassigned', now() + interval '1 day') on conflict do nothing", [mine]);
  const customerLogin = await one("select app.audit('login', 'success', $1) as id", [users.customer]);
  const agentLogin = await one("select app.audit('login', 'success', $1) as id", [users.agent]);
  const auto = (ticketId: string) => one(
    "insert into ticket_auto_responses (ticket_id, response_text, confidence_score, provider) values ($1, 'Try restarting', 0.5, 'local') returning id",
    [ticketId]);
  const mineAuto = await auto(mine);
  const foreignAuto = await auto(foreign);
  const score = (ticketId: string) => one(
    "insert into ticket_complexity_scores (ticket_id, complexity_score, provider) values ($1, 40, 'local') returning id", [ticketId]);
  const mineScore = await score(mine);
  const foreignScore = await score(foreign);
  const metric = await one("insert into assist_metrics (metric_date, metric_name, metric_value) values (current_date, 'deflections', 3) returning id");
  const idem = async (user: UserKey) => {
    await actAs(user);
    await tx.query("insert into idempotency_keys (key, method, path, request_hash) values ('k1', 'POST', '/v1/tickets', $1)", [hex()]);
    return { where: 'user_id = $1 and key = $2', params: [users[user], 'k1'] };
  };

  const history = async (ticketId: string, action: string, internal: boolean) => byId(await one(
    'select id from ticket_history where ticket_id = $1 and action = $2 and is_internal = $3 order by seq limit 1', [ticketId, action, internal]));
  const event = async (where: string, params: unknown[]) => byId(await one(`select id::text as id from events where ${where} order by id limit 1`, params));
  const version = async (articleId: string) => byId(await one('select id from kb_article_versions where article_id = $1 and version = 1', [articleId]));

  const rows: World['rows'] = {
    departments: { support: byId(support), infra: byId(infra) },
    users: Object.fromEntries((Object.keys(users) as UserKey[]).map((key) => [key, byId(users[key])])),
    teams: { alpha: byId(alpha), beta: byId(beta) },
    team_members: {
      alphaAgent: { where: 'team_id = $1 and user_id = $2', params: [alpha, users.agent] },
      betaAgent2: { where: 'team_id = $1 and user_id = $2', params: [beta, users.agent2] },
    },
    company_settings: { settings: { where: 'id', params: [] } },
    categories: { network: byId(network) },
    tags: { vip: byId(vip) },
    ticket_tags: {
      mineVip: { where: 'ticket_id = $1 and tag_id = $2', params: [mine, vip] },
      foreignOutage: { where: 'ticket_id = $1 and tag_id = $2', params: [foreign, outage] },
    },
    sla_policies: { p1: byId(p1) },
    tickets: { mine: byId(mine), queue: byId(queue), foreign: byId(foreign) },
    comments: { publicMine: byId(publicMine), internalMine: byId(internalMine), publicForeign: byId(publicForeign) },
    attachments: { mineFile: byId(mineFile), internalFile: byId(internalFile), foreignFile: byId(foreignFile) },
    ticket_history: {
      mineCreated: await history(mine, 'created', false),
      mineInternal: await history(mine, 'comment_added', true),
      foreignCreated: await history(foreign, 'created', false),
    },
    ticket_feedback: {
      mineFeedback: { where: 'ticket_id = $1', params: [resolvedMine] },
      foreignFeedback: { where: 'ticket_id = $1', params: [resolvedForeign] },
    },
    escalations: { mineEsc: byId(mineEsc), foreignEsc: byId(foreignEsc) },
    notifications: { customerNote: byId(customerNote), agentNote: byId(agentNote) },
    kb_categories: { leaf: byId(leaf) },
    kb_articles: { published: byId(published), draft: byId(draft) },
    kb_article_versions: { publishedV1: await version(published), draftV1: await version(draft) },
    kb_article_feedback: { customerFb: byId(customerFb), customer2Fb: byId(customer2Fb) },
    chat_sessions: { custChat: byId(custChat.id), waitChat: byId(waitChat.id), foreignChat: byId(foreignChat.id) },
    chat_messages: { custMsg: byId(custChat.message), waitMsg: byId(waitChat.message), foreignMsg: byId(foreignChat.message) },
    refresh_tokens: { customerToken: byId(customerToken) },
    user_sessions: { customerSession: byId(customerSession), agentSession: byId(agentSession) },
    password_resets: { customerReset: byId(customerReset) },
    user_invitations: { supportInvite: byId(supportInvite), infraInvite: byId(infraInvite) },
    api_keys: { agentKey: byId(agentKey), customerKey: byId(customerKey) },
    audit_logs: { customerLogin: byId(customerLogin), agentLogin: byId(agentLogin) },
    event_consumers: { worldConsumer: { where: 'name = $1', params: ['world-consumer'] } },
    sla_refresh_queue: { mineQueued: { where: 'ticket_id = $1', params: [mine] } },
    sla_timers: { mineTimer: { where: "ticket_id = $1 and kind = 'critical_unassigned'", params: [mine] } },
    webhooks: { hook: byId(hook) },
    webhook_deliveries: { hookDelivery: byId(hookDelivery) },
    webhook_delivery_attempts: { hookAttempt: { where: 'delivery_id = $1 and attempt = 1', params: [hookDelivery] } },
    ticket_auto_responses: { mineAuto: byId(mineAuto), foreignAuto: byId(foreignAuto) },
    ticket_complexity_scores: { mineScore: byId(mineScore), foreignScore: byId(foreignScore) },
    assist_metrics: { metric: byId(metric) },
    events: {
      mineCreated: await event("type = 'ticket.created' and ticket_id = $1", [mine]),
      mineInternal: await event("type = 'comment.created' and ticket_id = $1 and is_internal", [mine]),
      foreignCreated: await event("type = 'ticket.created' and ticket_id = $1", [foreign]),
      customerNotification: await event("type = 'notification.created' and user_id = $1", [users.customer]),
      custChat: await event("type = 'chat.session_created' and chat_session_id = $1", [custChat.id]),
      draftArticle: await event("type = 'kb_article.created' and payload ->> 'article_id' = $1", [draft]),
    },
    idempotency_keys: { customerKey: await idem('customer'), agentKey: await idem('agent') },
    ticket_counters: { current: { where: 'true', params: [] } },
  };
  await tx.query("select set_config('app.user_id', '', true), set_config('app.role', '', true)");
  return {
    users,
    ids: { support, infra, alpha, beta, network, vip, outage, mine, queue, foreign, resolvedUnrated, internalMine, published2, draft, custChat: custChat.id, foreignChat: foreignChat.id, hook, hookDelivery },
    rows,
  };
}
