/**
 * Who may do what, to which rows: the declarative table the RLS matrix test is generated from.
 *
 * For each table and each of select, update, delete: the named rows of the test world (see
 * world.ts) to try, and for each role the rows it is allowed to act on; every row not listed is
 * denied to that role. For insert: named candidate rows built for the acting user, and the
 * candidates each role may insert. A role left out of `allow` is denied everything.
 */
import type { UserRole } from '../../src/db/actor.js';
import { hex, unique, type World } from './world.js';

export type Row = Record<string, unknown>;
type Allow = Partial<Record<UserRole, string[]>>;

export interface RowAccess {
  rows: string[];
  allow: Allow;
}

export interface TableAccess {
  table: string;
  select: RowAccess;
  /** `set` is the SET clause tried by every role. */
  update: RowAccess & { set: string };
  delete: RowAccess;
  insert: { candidates: Record<string, (world: World, me: string) => Row>; allow: Allow };
}

const everyone = (rows: string[]): Allow => ({ customer: rows, agent: rows, manager: rows, admin: rows });
const nobody = (rows: string[]): RowAccess => ({ rows, allow: {} });
const inFuture = () => new Date(Date.now() + 86_400_000).toISOString();

export const ACCESS: TableAccess[] = [
  {
    table: 'departments',
    select: { rows: ['support', 'infra'], allow: everyone(['support', 'infra']) },
    update: { set: "description = 'changed'", rows: ['support', 'infra'], allow: { admin: ['support', 'infra'] } },
    delete: { rows: ['support', 'infra'], allow: { admin: ['support', 'infra'] } },
    insert: { candidates: { department: () => ({ name: unique('Dept') }) }, allow: { admin: ['department'] } },
  },
  {
    table: 'users',
    select: {
      rows: ['customer', 'customer2', 'agent', 'agent2', 'manager'],
      allow: {
        customer: ['customer', 'agent', 'agent2', 'manager'],
        agent: ['customer', 'customer2', 'agent', 'agent2', 'manager'],
        manager: ['customer', 'customer2', 'agent', 'agent2', 'manager'],
        admin: ['customer', 'customer2', 'agent', 'agent2', 'manager'],
      },
    },
    update: {
      set: "first_name = 'Changed'",
      rows: ['customer', 'customer2', 'agent', 'agent2', 'manager'],
      allow: { customer: ['customer'], agent: ['agent'], manager: ['manager'], admin: ['customer', 'customer2', 'agent', 'agent2', 'manager'] },
    },
    delete: { rows: ['spare'], allow: { admin: ['spare'] } },
    insert: { candidates: { user: () => ({ email: `${unique('new')}@world.test` }) }, allow: { admin: ['user'] } },
  },
  {
    table: 'teams',
    select: { rows: ['alpha', 'beta'], allow: everyone(['alpha', 'beta']) },
    update: { set: "description = 'changed'", rows: ['alpha', 'beta'], allow: { manager: ['alpha'], admin: ['alpha', 'beta'] } },
    delete: { rows: ['alpha', 'beta'], allow: { admin: ['alpha', 'beta'] } },
    insert: { candidates: { team: () => ({ name: unique('Team') }) }, allow: { admin: ['team'] } },
  },
  {
    table: 'team_members',
    select: { rows: ['alphaAgent', 'betaAgent2'], allow: { agent: ['alphaAgent', 'betaAgent2'], manager: ['alphaAgent', 'betaAgent2'], admin: ['alphaAgent', 'betaAgent2'] } },
    update: { set: "role = 'lead'", rows: ['alphaAgent', 'betaAgent2'], allow: { manager: ['alphaAgent'], admin: ['alphaAgent', 'betaAgent2'] } },
    delete: { rows: ['alphaAgent', 'betaAgent2'], allow: { manager: ['alphaAgent'], admin: ['alphaAgent', 'betaAgent2'] } },
    insert: {
      candidates: {
        intoAlpha: (w) => ({ team_id: w.ids.alpha, user_id: w.users.agent2 }),
        intoBeta: (w) => ({ team_id: w.ids.beta, user_id: w.users.agent }),
      },
      allow: { manager: ['intoAlpha'], admin: ['intoAlpha', 'intoBeta'] },
    },
  },
  {
    table: 'company_settings',
    select: { rows: ['settings'], allow: everyone(['settings']) },
    update: { set: "company_name = 'Changed'", rows: ['settings'], allow: { admin: ['settings'] } },
    delete: nobody(['settings']),
    insert: { candidates: { settings: () => ({ company_name: 'Second' }) }, allow: {} },
  },
  {
    table: 'categories',
    select: { rows: ['network'], allow: everyone(['network']) },
    update: { set: "name = 'Changed'", rows: ['network'], allow: { manager: ['network'], admin: ['network'] } },
    delete: { rows: ['network'], allow: { manager: ['network'], admin: ['network'] } },
    insert: { candidates: { category: () => ({ slug: unique('cat'), name: 'Category' }) }, allow: { manager: ['category'], admin: ['category'] } },
  },
  {
    table: 'tags',
    select: { rows: ['vip'], allow: everyone(['vip']) },
    update: { set: "color = '#000000'", rows: ['vip'], allow: { manager: ['vip'], admin: ['vip'] } },
    delete: { rows: ['vip'], allow: { manager: ['vip'], admin: ['vip'] } },
    insert: { candidates: { tag: (_w, me) => ({ name: unique('tag'), created_by: me }) }, allow: { agent: ['tag'], manager: ['tag'], admin: ['tag'] } },
  },
  {
    table: 'ticket_tags',
    select: { rows: ['mineVip', 'foreignOutage'], allow: { agent: ['mineVip'], manager: ['mineVip'], admin: ['mineVip', 'foreignOutage'] } },
    update: { set: 'added_at = now()', ...nobody(['mineVip', 'foreignOutage']) },
    delete: { rows: ['mineVip', 'foreignOutage'], allow: { agent: ['mineVip'], manager: ['mineVip'], admin: ['mineVip', 'foreignOutage'] } },
    insert: {
      candidates: {
        onMine: (w, me) => ({ ticket_id: w.ids.mine, tag_id: w.ids.outage, added_by: me }),
        onForeign: (w, me) => ({ ticket_id: w.ids.foreign, tag_id: w.ids.vip, added_by: me }),
      },
      allow: { agent: ['onMine'], manager: ['onMine'], admin: ['onMine', 'onForeign'] },
    },
  },
  {
    table: 'sla_policies',
    select: { rows: ['p1'], allow: { agent: ['p1'], manager: ['p1'], admin: ['p1'] } },
    update: { set: 'response_time_minutes = 10', rows: ['p1'], allow: { admin: ['p1'] } },
    delete: { rows: ['p1'], allow: { admin: ['p1'] } },
    insert: {
      candidates: { policy: () => ({ name: 'P4', priority: 'low', response_time_minutes: 60, resolution_time_minutes: 600 }) },
      allow: { admin: ['policy'] },
    },
  },
  {
    table: 'tickets',
    select: {
      rows: ['mine', 'queue', 'foreign'],
      allow: { customer: ['mine'], agent: ['mine', 'queue'], manager: ['mine', 'queue'], admin: ['mine', 'queue', 'foreign'] },
    },
    update: {
      set: "title = title || ' (edited)'",
      rows: ['mine', 'queue', 'foreign'],
      allow: { customer: ['mine'], agent: ['mine'], manager: ['mine'], admin: ['mine', 'queue', 'foreign'] },
    },
    delete: { rows: ['mine', 'queue', 'foreign'], allow: { admin: ['mine', 'queue', 'foreign'] } },
    insert: {
      candidates: {
        forMyself: (_w, me) => ({ title: unique('New'), requester_id: me, created_by: me }),
        onBehalf: (w, me) => ({ title: unique('New'), requester_id: w.users.customer2, created_by: me }),
      },
      allow: { customer: ['forMyself'], agent: ['forMyself', 'onBehalf'], manager: ['forMyself', 'onBehalf'], admin: ['forMyself', 'onBehalf'] },
    },
  },
  {
    table: 'comments',
    select: {
      rows: ['publicMine', 'internalMine', 'publicForeign'],
      allow: {
        customer: ['publicMine'], agent: ['publicMine', 'internalMine'], manager: ['publicMine', 'internalMine'],
        admin: ['publicMine', 'internalMine', 'publicForeign'],
      },
    },
    update: {
      set: "body = body || ' (edited)'",
      rows: ['publicMine', 'internalMine', 'publicForeign'],
      allow: { customer: ['publicMine'], agent: ['internalMine'], admin: ['publicMine', 'internalMine', 'publicForeign'] },
    },
    delete: { rows: ['publicMine', 'internalMine', 'publicForeign'], allow: { admin: ['publicMine', 'internalMine', 'publicForeign'] } },
    insert: {
      candidates: {
        publicOnMine: (w, me) => ({ ticket_id: w.ids.mine, author_id: me, body: 'Hi' }),
        internalOnMine: (w, me) => ({ ticket_id: w.ids.mine, author_id: me, body: 'Note', is_internal: true }),
        publicOnForeign: (w, me) => ({ ticket_id: w.ids.foreign, author_id: me, body: 'Hi' }),
      },
      allow: {
        customer: ['publicOnMine'], agent: ['publicOnMine', 'internalOnMine'], manager: ['publicOnMine', 'internalOnMine'],
        admin: ['publicOnMine', 'internalOnMine', 'publicOnForeign'],
      },
    },
  },
  {
    table: 'attachments',
    select: {
      rows: ['mineFile', 'internalFile', 'foreignFile'],
      allow: { customer: ['mineFile'], agent: ['mineFile', 'internalFile'], manager: ['mineFile', 'internalFile'], admin: ['mineFile', 'internalFile', 'foreignFile'] },
    },
    update: {
      set: "description = 'changed'",
      rows: ['mineFile', 'internalFile', 'foreignFile'],
      allow: { customer: ['mineFile'], agent: ['internalFile'], admin: ['mineFile', 'internalFile', 'foreignFile'] },
    },
    delete: { rows: ['mineFile', 'internalFile', 'foreignFile'], allow: { admin: ['mineFile', 'internalFile', 'foreignFile'] } },
    insert: {
      candidates: {
        onMine: (w, me) => file({ ticket_id: w.ids.mine, uploaded_by: me }),
        onInternalComment: (w, me) => file({ comment_id: w.ids.internalMine, uploaded_by: me }),
        onForeign: (w, me) => file({ ticket_id: w.ids.foreign, uploaded_by: me }),
      },
      allow: {
        customer: ['onMine'], agent: ['onMine', 'onInternalComment'], manager: ['onMine', 'onInternalComment'],
        admin: ['onMine', 'onInternalComment', 'onForeign'],
      },
    },
  },
  {
    table: 'ticket_history',
    select: {
      rows: ['mineCreated', 'mineInternal', 'foreignCreated'],
      allow: { customer: ['mineCreated'], agent: ['mineCreated', 'mineInternal'], manager: ['mineCreated', 'mineInternal'], admin: ['mineCreated', 'mineInternal', 'foreignCreated'] },
    },
    update: { set: "reason = 'rewritten'", ...nobody(['mineCreated', 'mineInternal', 'foreignCreated']) },
    delete: nobody(['mineCreated', 'mineInternal', 'foreignCreated']),
    insert: { candidates: { forged: (w, me) => ({ ticket_id: w.ids.mine, actor_id: me, action: 'closed' }) }, allow: {} },
  },
  {
    table: 'ticket_feedback',
    select: {
      rows: ['mineFeedback', 'foreignFeedback'],
      allow: { customer: ['mineFeedback'], agent: ['mineFeedback'], manager: ['mineFeedback'], admin: ['mineFeedback', 'foreignFeedback'] },
    },
    update: { set: "comment = 'changed'", rows: ['mineFeedback', 'foreignFeedback'], allow: { customer: ['mineFeedback'] } },
    delete: { rows: ['mineFeedback', 'foreignFeedback'], allow: { admin: ['mineFeedback', 'foreignFeedback'] } },
    insert: { candidates: { byRequester: (w) => ({ ticket_id: w.ids.resolvedUnrated, customer_id: w.users.customer, rating: 5 }) }, allow: { customer: ['byRequester'] } },
  },
  {
    table: 'escalations',
    select: { rows: ['mineEsc', 'foreignEsc'], allow: { agent: ['mineEsc'], manager: ['mineEsc'], admin: ['mineEsc', 'foreignEsc'] } },
    update: { set: "resolution_notes = 'noted'", rows: ['mineEsc', 'foreignEsc'], allow: { agent: ['mineEsc'], manager: ['mineEsc'], admin: ['mineEsc', 'foreignEsc'] } },
    delete: { rows: ['mineEsc', 'foreignEsc'], allow: { admin: ['mineEsc', 'foreignEsc'] } },
    insert: {
      candidates: {
        onMine: (w, me) => ({ ticket_id: w.ids.mine, from_user_id: me, reason: 'Help', escalation_type: 'manual' }),
        onForeign: (w, me) => ({ ticket_id: w.ids.foreign, from_user_id: me, reason: 'Help', escalation_type: 'manual' }),
      },
      allow: { agent: ['onMine'], manager: ['onMine'], admin: ['onMine', 'onForeign'] },
    },
  },
  {
    table: 'notifications',
    select: { rows: ['customerNote', 'agentNote'], allow: { customer: ['customerNote'], agent: ['agentNote'], admin: ['customerNote', 'agentNote'] } },
    update: {
      set: "status = 'read', read_at = now()",
      rows: ['customerNote', 'agentNote'],
      allow: { customer: ['customerNote'], agent: ['agentNote'], admin: ['customerNote', 'agentNote'] },
    },
    delete: { rows: ['customerNote', 'agentNote'], allow: { customer: ['customerNote'], agent: ['agentNote'], admin: ['customerNote', 'agentNote'] } },
    insert: {
      candidates: { notification: (w) => ({ user_id: w.users.customer, type: 'ticket_created', title: 'T', body: 'B' }) },
      allow: { admin: ['notification'] },
    },
  },
  {
    table: 'kb_categories',
    select: { rows: ['leaf'], allow: everyone(['leaf']) },
    update: { set: "description = 'changed'", rows: ['leaf'], allow: { manager: ['leaf'], admin: ['leaf'] } },
    delete: { rows: ['leaf'], allow: { manager: ['leaf'], admin: ['leaf'] } },
    insert: { candidates: { category: () => ({ name: 'New', slug: unique('kb') }) }, allow: { manager: ['category'], admin: ['category'] } },
  },
  {
    table: 'kb_articles',
    select: { rows: ['published', 'draft'], allow: { customer: ['published'], agent: ['published', 'draft'], manager: ['published', 'draft'], admin: ['published', 'draft'] } },
    update: { set: "summary = 'changed'", rows: ['published', 'draft'], allow: { agent: ['published'], manager: ['published', 'draft'], admin: ['published', 'draft'] } },
    delete: { rows: ['published', 'draft'], allow: { manager: ['published', 'draft'], admin: ['published', 'draft'] } },
    insert: {
      candidates: { article: (_w, me) => ({ title: 'New', slug: unique('article'), body: 'Body', author_id: me }) },
      allow: { agent: ['article'], manager: ['article'], admin: ['article'] },
    },
  },
  {
    table: 'kb_article_versions',
    select: { rows: ['publishedV1', 'draftV1'], allow: { agent: ['publishedV1', 'draftV1'], manager: ['publishedV1', 'draftV1'], admin: ['publishedV1', 'draftV1'] } },
    update: { set: "body = 'rewritten'", ...nobody(['publishedV1', 'draftV1']) },
    delete: nobody(['publishedV1', 'draftV1']),
    insert: { candidates: { forged: (w, me) => ({ article_id: w.ids.published2, version: 9, title: 'T', body: 'B', changed_by: me }) }, allow: {} },
  },
  {
    table: 'kb_article_feedback',
    select: { rows: ['customerFb', 'customer2Fb'], allow: { customer: ['customerFb'], agent: ['customerFb', 'customer2Fb'], manager: ['customerFb', 'customer2Fb'], admin: ['customerFb', 'customer2Fb'] } },
    update: { set: "comment = 'changed'", rows: ['customerFb', 'customer2Fb'], allow: { customer: ['customerFb'] } },
    delete: { rows: ['customerFb', 'customer2Fb'], allow: { customer: ['customerFb'], admin: ['customerFb', 'customer2Fb'] } },
    insert: {
      candidates: {
        onPublished: (w, me) => ({ article_id: w.ids.published2, user_id: me, helpful: true }),
        onDraft: (w, me) => ({ article_id: w.ids.draft, user_id: me, helpful: true }),
      },
      allow: { customer: ['onPublished'], agent: ['onPublished', 'onDraft'], manager: ['onPublished', 'onDraft'], admin: ['onPublished', 'onDraft'] },
    },
  },
  {
    table: 'chat_sessions',
    select: {
      rows: ['custChat', 'waitChat', 'foreignChat'],
      allow: { customer: ['custChat'], agent: ['custChat', 'waitChat'], manager: ['custChat', 'waitChat', 'foreignChat'], admin: ['custChat', 'waitChat', 'foreignChat'] },
    },
    update: {
      set: "subject = 'changed'",
      rows: ['custChat', 'waitChat', 'foreignChat'],
      allow: { customer: ['custChat'], agent: ['custChat'], manager: ['custChat', 'waitChat', 'foreignChat'], admin: ['custChat', 'waitChat', 'foreignChat'] },
    },
    delete: { rows: ['custChat', 'waitChat', 'foreignChat'], allow: { admin: ['custChat', 'waitChat', 'foreignChat'] } },
    insert: { candidates: { session: (_w, me) => ({ customer_id: me }) }, allow: { customer: ['session'] } },
  },
  {
    table: 'chat_messages',
    select: {
      rows: ['custMsg', 'waitMsg', 'foreignMsg'],
      allow: { customer: ['custMsg'], agent: ['custMsg', 'waitMsg'], manager: ['custMsg', 'waitMsg', 'foreignMsg'], admin: ['custMsg', 'waitMsg', 'foreignMsg'] },
    },
    update: { set: "body = 'rewritten'", ...nobody(['custMsg', 'waitMsg', 'foreignMsg']) },
    delete: { rows: ['custMsg', 'waitMsg', 'foreignMsg'], allow: { admin: ['custMsg', 'waitMsg', 'foreignMsg'] } },
    insert: {
      candidates: {
        inMyChat: (w, me) => ({ session_id: w.ids.custChat, sender_id: me, body: 'Hello' }),
        inForeignChat: (w, me) => ({ session_id: w.ids.foreignChat, sender_id: me, body: 'Hello' }),
      },
      allow: { customer: ['inMyChat'], agent: ['inMyChat'], manager: ['inMyChat', 'inForeignChat'], admin: ['inMyChat', 'inForeignChat'] },
    },
  },
  {
    table: 'refresh_tokens',
    select: nobody(['customerToken']),
    update: { set: 'revoked_at = now()', ...nobody(['customerToken']) },
    delete: nobody(['customerToken']),
    insert: { candidates: { token: (_w, me) => ({ user_id: me, token_hash: hex(), family_id: crypto.randomUUID(), expires_at: inFuture() }) }, allow: {} },
  },
  {
    table: 'user_sessions',
    select: { rows: ['customerSession', 'agentSession'], allow: { customer: ['customerSession'], agent: ['agentSession'], admin: ['customerSession', 'agentSession'] } },
    update: { set: 'revoked_at = now()', rows: ['customerSession', 'agentSession'], allow: { customer: ['customerSession'], agent: ['agentSession'], admin: ['customerSession', 'agentSession'] } },
    delete: nobody(['customerSession', 'agentSession']),
    insert: { candidates: { session: (_w, me) => ({ user_id: me, session_token_hash: hex(), expires_at: inFuture() }) }, allow: {} },
  },
  {
    table: 'password_resets',
    select: nobody(['customerReset']),
    update: { set: 'used_at = now()', ...nobody(['customerReset']) },
    delete: nobody(['customerReset']),
    insert: { candidates: { reset: (_w, me) => ({ user_id: me, token_hash: hex(), expires_at: inFuture() }) }, allow: {} },
  },
  {
    table: 'user_invitations',
    select: { rows: ['supportInvite', 'infraInvite'], allow: { manager: ['supportInvite'], admin: ['supportInvite', 'infraInvite'] } },
    update: { set: "status = 'cancelled'", rows: ['supportInvite', 'infraInvite'], allow: { manager: ['supportInvite'], admin: ['supportInvite', 'infraInvite'] } },
    delete: { rows: ['supportInvite', 'infraInvite'], allow: { admin: ['supportInvite', 'infraInvite'] } },
    insert: {
      candidates: {
        supportAgent: (w, me) => invitation({ role: 'agent', department_id: w.ids.support, invited_by: me }),
        infraAdmin: (w, me) => invitation({ role: 'admin', department_id: w.ids.infra, invited_by: me }),
      },
      allow: { manager: ['supportAgent'], admin: ['supportAgent', 'infraAdmin'] },
    },
  },
  {
    table: 'api_keys',
    select: { rows: ['agentKey', 'customerKey'], allow: { agent: ['agentKey'], admin: ['agentKey', 'customerKey'] } },
    update: { set: 'revoked_at = now()', rows: ['agentKey', 'customerKey'], allow: { agent: ['agentKey'], admin: ['agentKey', 'customerKey'] } },
    delete: { rows: ['agentKey', 'customerKey'], allow: { admin: ['agentKey', 'customerKey'] } },
    insert: {
      candidates: {
        actingAsMe: (_w, me) => apiKey({ user_id: me, created_by: me }),
        actingAsSomeoneElse: (w, me) => apiKey({ user_id: w.users.customer2, created_by: me }),
      },
      allow: { agent: ['actingAsMe'], manager: ['actingAsMe'], admin: ['actingAsMe', 'actingAsSomeoneElse'] },
    },
  },
  {
    table: 'audit_logs',
    select: { rows: ['customerLogin', 'agentLogin'], allow: { customer: ['customerLogin'], agent: ['agentLogin'], admin: ['customerLogin', 'agentLogin'] } },
    update: { set: "message = 'rewritten'", ...nobody(['customerLogin', 'agentLogin']) },
    delete: nobody(['customerLogin', 'agentLogin']),
    insert: { candidates: { forged: (_w, me) => ({ user_id: me, event_type: 'login', event_status: 'success' }) }, allow: {} },
  },
  {
    table: 'webhooks',
    select: { rows: ['hook'], allow: { admin: ['hook'] } },
    update: { set: 'is_active = false', rows: ['hook'], allow: { admin: ['hook'] } },
    delete: { rows: ['hook'], allow: { admin: ['hook'] } },
    insert: { candidates: { hook: () => ({ url: 'https://hooks.example.com/new', secret: hex() }) }, allow: { admin: ['hook'] } },
  },
  {
    table: 'webhook_deliveries',
    select: { rows: ['hookDelivery'], allow: { admin: ['hookDelivery'] } },
    update: { set: 'round_attempts = 0', rows: ['hookDelivery'], allow: { admin: ['hookDelivery'] } },
    delete: nobody(['hookDelivery']),
    insert: {
      candidates: { forged: (w) => ({ webhook_id: w.ids.hook, event_id: 2, event_type: 'ticket.created', body: '{}', next_attempt_at: inFuture() }) },
      allow: {},
    },
  },
  {
    table: 'webhook_delivery_attempts',
    select: { rows: ['hookAttempt'], allow: { admin: ['hookAttempt'] } },
    update: { set: 'status_code = 200', ...nobody(['hookAttempt']) },
    delete: nobody(['hookAttempt']),
    insert: {
      candidates: { forged: (w) => ({ delivery_id: w.ids.hookDelivery, attempt: 2, attempted_at: inFuture(), duration_ms: 1, status_code: 200 }) },
      allow: {},
    },
  },
  // The SLA engine's bookkeeping is the engine's alone: no role reads or writes it over the API.
  {
    table: 'event_consumers',
    select: nobody(['worldConsumer']),
    update: { set: 'event_id = 0', ...nobody(['worldConsumer']) },
    delete: nobody(['worldConsumer']),
    insert: { candidates: { forged: () => ({ name: 'forged-consumer' }) }, allow: {} },
  },
  {
    table: 'sla_refresh_queue',
    select: nobody(['mineQueued']),
    update: { set: 'queued_at = now()', ...nobody(['mineQueued']) },
    delete: nobody(['mineQueued']),
    insert: { candidates: { forged: (w) => ({ ticket_id: w.ids.queue }) }, allow: {} },
  },
  {
    table: 'sla_timers',
    select: nobody(['mineTimer']),
    update: { set: 'fired_at = now()', ...nobody(['mineTimer']) },
    delete: nobody(['mineTimer']),
    insert: { candidates: { forged: (w) => ({ ticket_id: w.ids.queue, kind: 'resolution_breach', due_at: inFuture() }) }, allow: {} },
  },
  {
    table: 'ticket_auto_responses',
    select: { rows: ['mineAuto', 'foreignAuto'], allow: { customer: ['mineAuto'], agent: ['mineAuto'], manager: ['mineAuto'], admin: ['mineAuto', 'foreignAuto'] } },
    update: { set: 'was_helpful = true', rows: ['mineAuto', 'foreignAuto'], allow: { customer: ['mineAuto'], admin: ['mineAuto', 'foreignAuto'] } },
    delete: { rows: ['mineAuto', 'foreignAuto'], allow: { admin: ['mineAuto', 'foreignAuto'] } },
    insert: {
      candidates: { response: (w) => ({ ticket_id: w.ids.mine, response_text: 'Try this', confidence_score: 0.4, provider: 'local' }) },
      allow: { admin: ['response'] },
    },
  },
  {
    table: 'ticket_complexity_scores',
    select: { rows: ['mineScore', 'foreignScore'], allow: { agent: ['mineScore'], manager: ['mineScore'], admin: ['mineScore', 'foreignScore'] } },
    update: { set: 'complexity_score = 90', rows: ['mineScore', 'foreignScore'], allow: { admin: ['mineScore', 'foreignScore'] } },
    delete: { rows: ['mineScore', 'foreignScore'], allow: { admin: ['mineScore', 'foreignScore'] } },
    insert: { candidates: { score: (w) => ({ ticket_id: w.ids.mine, complexity_score: 10, provider: 'local' }) }, allow: { admin: ['score'] } },
  },
  {
    table: 'assist_metrics',
    select: { rows: ['metric'], allow: { manager: ['metric'], admin: ['metric'] } },
    update: { set: 'metric_value = 4', rows: ['metric'], allow: { admin: ['metric'] } },
    delete: { rows: ['metric'], allow: { admin: ['metric'] } },
    insert: { candidates: { metric: () => ({ metric_date: '2020-01-01', metric_name: 'suggestions' }) }, allow: { admin: ['metric'] } },
  },
  {
    table: 'events',
    select: {
      rows: ['mineCreated', 'mineInternal', 'foreignCreated', 'customerNotification', 'custChat', 'draftArticle'],
      allow: {
        customer: ['mineCreated', 'customerNotification', 'custChat'],
        agent: ['mineCreated', 'mineInternal', 'custChat', 'draftArticle'],
        manager: ['mineCreated', 'mineInternal', 'custChat', 'draftArticle'],
        admin: ['mineCreated', 'mineInternal', 'foreignCreated', 'customerNotification', 'custChat', 'draftArticle'],
      },
    },
    update: { set: "payload = '{}'", ...nobody(['mineCreated', 'customerNotification']) },
    delete: nobody(['mineCreated', 'customerNotification']),
    insert: { candidates: { forged: (w) => ({ type: 'ticket.updated', ticket_id: w.ids.mine }) }, allow: {} },
  },
  {
    table: 'idempotency_keys',
    select: { rows: ['customerKey', 'agentKey'], allow: { customer: ['customerKey'], agent: ['agentKey'] } },
    update: { set: 'status_code = 201', rows: ['customerKey', 'agentKey'], allow: { customer: ['customerKey'], agent: ['agentKey'] } },
    delete: nobody(['customerKey', 'agentKey']),
    insert: {
      candidates: {
        mine: (_w, me) => ({ user_id: me, key: 'k2', method: 'POST', path: '/v1/tickets', request_hash: hex() }),
        someoneElses: (w) => ({ user_id: w.users.customer2, key: 'k2', method: 'POST', path: '/v1/tickets', request_hash: hex() }),
      },
      allow: { customer: ['mine'], agent: ['mine'], manager: ['mine'], admin: ['mine'] },
    },
  },
  {
    table: 'ticket_counters',
    select: nobody(['current']),
    update: { set: 'last_value = 0', ...nobody(['current']) },
    delete: nobody(['current']),
    insert: { candidates: { counter: () => ({ prefix: 'ZZ', year: 2000, last_value: 1 }) }, allow: {} },
  },
];

function file(parent: Row): Row {
  return { ...parent, file_name: 'x.txt', mime_type: 'text/plain', size_bytes: 1, sha256: hex(), storage_key: unique('key') };
}

function invitation(fields: Row): Row {
  return { ...fields, email: `${unique('invitee')}@world.test`, token_hash: hex(), expires_at: inFuture() };
}

function apiKey(fields: Row): Row {
  return { ...fields, name: unique('key'), prefix: `tf_${hex(4)}`, key_hash: hex() };
}
