/**
 * Every operation of the contract: its method, path template, `operationId`, and the SDK method
 * that calls it (`tickets.create`). The one place names are mapped, for `mock.calls()`,
 * `mock.fail()` and the router. A compact copy rather than an import of `openapi.json` (half a
 * megabyte) so the kit stays small; `test/msw/operations.test.ts` checks it against the contract
 * and against what each SDK method sends.
 */
import type { OperationId } from '../core/operations.js';

/**
 * An HTTP method of the contract.
 *
 * @example
 * ```ts
 * const writes: HttpMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
 * ```
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation: how it is called over HTTP, and by the SDK. */
export interface OperationSpec {
  method: HttpMethod;
  /** The contract's path template, such as `/v1/tickets/{ticket_id}`. */
  path: string;
  operationId: OperationId;
  /** The SDK method path, such as `tickets.create`. */
  sdkName: string;
}

const TABLE = [
  ['POST', '/v1/auth/login', 'login', 'auth.login'],
  ['POST', '/v1/auth/refresh', 'refreshTokens', 'auth.refresh'],
  ['POST', '/v1/auth/logout', 'logout', 'auth.logout'],
  ['POST', '/v1/auth/password-reset', 'requestPasswordReset', 'auth.requestPasswordReset'],
  ['POST', '/v1/auth/password-reset/confirm', 'confirmPasswordReset', 'auth.confirmPasswordReset'],
  ['POST', '/v1/auth/password', 'changePassword', 'auth.changePassword'],
  ['GET', '/v1/auth/me', 'getCurrentUser', 'auth.me'],
  ['PATCH', '/v1/auth/me', 'updateCurrentUser', 'auth.updateMe'],
  ['GET', '/v1/users', 'listUsers', 'users.list'],
  ['POST', '/v1/users', 'createUser', 'users.create'],
  ['GET', '/v1/users/{user_id}', 'getUser', 'users.get'],
  ['PATCH', '/v1/users/{user_id}', 'updateUser', 'users.update'],
  ['GET', '/v1/invitations', 'listInvitations', 'invitations.list'],
  ['POST', '/v1/invitations', 'createInvitation', 'invitations.create'],
  ['POST', '/v1/invitations/accept', 'acceptInvitation', 'invitations.accept'],
  ['POST', '/v1/invitations/{invitation_id}/cancel', 'cancelInvitation', 'invitations.cancel'],
  ['GET', '/v1/api-keys', 'listApiKeys', 'apiKeys.list'],
  ['POST', '/v1/api-keys', 'createApiKey', 'apiKeys.create'],
  ['GET', '/v1/api-keys/{api_key_id}', 'getApiKey', 'apiKeys.get'],
  ['DELETE', '/v1/api-keys/{api_key_id}', 'revokeApiKey', 'apiKeys.revoke'],
  ['GET', '/v1/departments', 'listDepartments', 'departments.list'],
  ['POST', '/v1/departments', 'createDepartment', 'departments.create'],
  ['GET', '/v1/departments/{department_id}', 'getDepartment', 'departments.get'],
  ['PATCH', '/v1/departments/{department_id}', 'updateDepartment', 'departments.update'],
  ['DELETE', '/v1/departments/{department_id}', 'deleteDepartment', 'departments.delete'],
  ['GET', '/v1/teams', 'listTeams', 'teams.list'],
  ['POST', '/v1/teams', 'createTeam', 'teams.create'],
  ['GET', '/v1/teams/{team_id}', 'getTeam', 'teams.get'],
  ['PATCH', '/v1/teams/{team_id}', 'updateTeam', 'teams.update'],
  ['DELETE', '/v1/teams/{team_id}', 'deleteTeam', 'teams.delete'],
  ['GET', '/v1/teams/{team_id}/members', 'listTeamMembers', 'teams.members.list'],
  ['GET', '/v1/teams/{team_id}/members/{user_id}', 'getTeamMember', 'teams.members.get'],
  ['PUT', '/v1/teams/{team_id}/members/{user_id}', 'addTeamMember', 'teams.members.add'],
  ['DELETE', '/v1/teams/{team_id}/members/{user_id}', 'removeTeamMember', 'teams.members.remove'],
  ['GET', '/v1/categories', 'listCategories', 'categories.list'],
  ['POST', '/v1/categories', 'createCategory', 'categories.create'],
  ['GET', '/v1/categories/{category_id}', 'getCategory', 'categories.get'],
  ['PATCH', '/v1/categories/{category_id}', 'updateCategory', 'categories.update'],
  ['DELETE', '/v1/categories/{category_id}', 'deleteCategory', 'categories.delete'],
  ['GET', '/v1/tags', 'listTags', 'tags.list'],
  ['POST', '/v1/tags', 'createTag', 'tags.create'],
  ['GET', '/v1/tags/{tag_id}', 'getTag', 'tags.get'],
  ['PATCH', '/v1/tags/{tag_id}', 'updateTag', 'tags.update'],
  ['DELETE', '/v1/tags/{tag_id}', 'deleteTag', 'tags.delete'],
  ['GET', '/v1/settings', 'getSettings', 'settings.get'],
  ['PATCH', '/v1/settings', 'updateSettings', 'settings.update'],
  ['GET', '/v1/tickets', 'listTickets', 'tickets.list'],
  ['POST', '/v1/tickets', 'createTicket', 'tickets.create'],
  ['GET', '/v1/tickets/{ticket_id}', 'getTicket', 'tickets.get'],
  ['PATCH', '/v1/tickets/{ticket_id}', 'updateTicket', 'tickets.update'],
  ['DELETE', '/v1/tickets/{ticket_id}', 'deleteTicket', 'tickets.delete'],
  ['POST', '/v1/tickets/{ticket_id}/assign', 'assignTicket', 'tickets.assign'],
  ['POST', '/v1/tickets/{ticket_id}/start', 'startTicket', 'tickets.start'],
  ['POST', '/v1/tickets/{ticket_id}/pend', 'pendTicket', 'tickets.pend'],
  ['POST', '/v1/tickets/{ticket_id}/resolve', 'resolveTicket', 'tickets.resolve'],
  ['POST', '/v1/tickets/{ticket_id}/close', 'closeTicket', 'tickets.close'],
  ['POST', '/v1/tickets/{ticket_id}/reopen', 'reopenTicket', 'tickets.reopen'],
  ['PUT', '/v1/tickets/{ticket_id}/tags/{tag_id}', 'addTicketTag', 'tickets.addTag'],
  ['DELETE', '/v1/tickets/{ticket_id}/tags/{tag_id}', 'removeTicketTag', 'tickets.removeTag'],
  ['GET', '/v1/tickets/{ticket_id}/history', 'listTicketHistory', 'history.list'],
  ['GET', '/v1/tickets/{ticket_id}/comments', 'listComments', 'comments.list'],
  ['POST', '/v1/tickets/{ticket_id}/comments', 'createComment', 'comments.create'],
  ['GET', '/v1/tickets/{ticket_id}/comments/{comment_id}', 'getComment', 'comments.get'],
  ['PATCH', '/v1/tickets/{ticket_id}/comments/{comment_id}', 'updateComment', 'comments.update'],
  ['DELETE', '/v1/tickets/{ticket_id}/comments/{comment_id}', 'deleteComment', 'comments.delete'],
  ['GET', '/v1/tickets/{ticket_id}/attachments', 'listTicketAttachments', 'attachments.listForTicket'],
  ['POST', '/v1/tickets/{ticket_id}/attachments', 'uploadAttachment', 'attachments.upload'],
  ['GET', '/v1/tickets/{ticket_id}/comments/{comment_id}/attachments', 'listCommentAttachments', 'attachments.listForComment'],
  ['POST', '/v1/tickets/{ticket_id}/comments/{comment_id}/attachments', 'uploadCommentAttachment', 'attachments.uploadToComment'],
  ['GET', '/v1/attachments/{attachment_id}', 'getAttachment', 'attachments.get'],
  ['DELETE', '/v1/attachments/{attachment_id}', 'deleteAttachment', 'attachments.delete'],
  ['GET', '/v1/attachments/{attachment_id}/content', 'downloadAttachment', 'attachments.downloadStream'],
  ['GET', '/v1/tickets/{ticket_id}/feedback', 'getTicketFeedback', 'feedback.get'],
  ['PUT', '/v1/tickets/{ticket_id}/feedback', 'rateTicket', 'feedback.rate'],
  ['GET', '/v1/feedback', 'listFeedback', 'feedback.list'],
  ['GET', '/v1/sla-policies', 'listSlaPolicies', 'sla.policies.list'],
  ['POST', '/v1/sla-policies', 'createSlaPolicy', 'sla.policies.create'],
  ['GET', '/v1/sla-policies/{sla_policy_id}', 'getSlaPolicy', 'sla.policies.get'],
  ['PATCH', '/v1/sla-policies/{sla_policy_id}', 'updateSlaPolicy', 'sla.policies.update'],
  ['DELETE', '/v1/sla-policies/{sla_policy_id}', 'deleteSlaPolicy', 'sla.policies.delete'],
  ['GET', '/v1/tickets/{ticket_id}/sla', 'getTicketSla', 'sla.forTicket'],
  ['GET', '/v1/sla/tickets', 'listTicketSlaStates', 'sla.list'],
  ['GET', '/v1/escalations', 'listEscalations', 'escalations.list'],
  ['GET', '/v1/escalations/{escalation_id}', 'getEscalation', 'escalations.get'],
  ['POST', '/v1/escalations/{escalation_id}/acknowledge', 'acknowledgeEscalation', 'escalations.acknowledge'],
  ['POST', '/v1/escalations/{escalation_id}/resolve', 'resolveEscalation', 'escalations.resolve'],
  ['POST', '/v1/escalations/{escalation_id}/cancel', 'cancelEscalation', 'escalations.cancel'],
  ['GET', '/v1/tickets/{ticket_id}/escalations', 'listTicketEscalations', 'escalations.listForTicket'],
  ['POST', '/v1/tickets/{ticket_id}/escalations', 'createEscalation', 'escalations.create'],
  ['GET', '/v1/notifications', 'listNotifications', 'notifications.list'],
  ['POST', '/v1/notifications/read-all', 'markAllNotificationsRead', 'notifications.markAllRead'],
  ['GET', '/v1/notifications/preferences', 'getNotificationPreferences', 'notifications.getPreferences'],
  ['PUT', '/v1/notifications/preferences', 'updateNotificationPreferences', 'notifications.updatePreferences'],
  ['POST', '/v1/notifications/{notification_id}/read', 'markNotificationRead', 'notifications.markRead'],
  ['GET', '/v1/kb/categories', 'listKbCategories', 'kb.categories.list'],
  ['POST', '/v1/kb/categories', 'createKbCategory', 'kb.categories.create'],
  ['GET', '/v1/kb/categories/{kb_category_id}', 'getKbCategory', 'kb.categories.get'],
  ['PATCH', '/v1/kb/categories/{kb_category_id}', 'updateKbCategory', 'kb.categories.update'],
  ['DELETE', '/v1/kb/categories/{kb_category_id}', 'deleteKbCategory', 'kb.categories.delete'],
  ['GET', '/v1/kb/articles', 'listArticles', 'kb.articles.list'],
  ['POST', '/v1/kb/articles', 'createArticle', 'kb.articles.create'],
  ['GET', '/v1/kb/articles/{article_id}', 'getArticle', 'kb.articles.get'],
  ['PATCH', '/v1/kb/articles/{article_id}', 'updateArticle', 'kb.articles.update'],
  ['DELETE', '/v1/kb/articles/{article_id}', 'deleteArticle', 'kb.articles.delete'],
  ['POST', '/v1/kb/articles/{article_id}/publish', 'publishArticle', 'kb.articles.publish'],
  ['POST', '/v1/kb/articles/{article_id}/archive', 'archiveArticle', 'kb.articles.archive'],
  ['GET', '/v1/kb/articles/{article_id}/versions', 'listArticleVersions', 'kb.versions.list'],
  ['GET', '/v1/kb/articles/{article_id}/versions/{version}', 'getArticleVersion', 'kb.versions.get'],
  ['GET', '/v1/kb/articles/{article_id}/feedback', 'listArticleFeedback', 'kb.feedback.list'],
  ['POST', '/v1/kb/articles/{article_id}/feedback', 'submitArticleFeedback', 'kb.feedback.submit'],
  ['GET', '/v1/kb/search', 'searchArticles', 'kb.search'],
  ['GET', '/v1/chat/sessions', 'listChatSessions', 'chat.sessions.list'],
  ['POST', '/v1/chat/sessions', 'createChatSession', 'chat.sessions.create'],
  ['GET', '/v1/chat/sessions/{session_id}', 'getChatSession', 'chat.sessions.get'],
  ['POST', '/v1/chat/sessions/{session_id}/accept', 'acceptChatSession', 'chat.sessions.accept'],
  ['POST', '/v1/chat/sessions/{session_id}/end', 'endChatSession', 'chat.sessions.end'],
  ['GET', '/v1/chat/sessions/{session_id}/messages', 'listChatMessages', 'chat.messages.list'],
  ['POST', '/v1/chat/sessions/{session_id}/messages', 'postChatMessage', 'chat.messages.post'],
  ['GET', '/v1/search', 'globalSearch', 'search.query'],
  ['GET', '/v1/stats/tickets', 'getTicketStats', 'stats.tickets'],
  ['GET', '/v1/stats/sla', 'getSlaStats', 'stats.sla'],
  ['GET', '/v1/audit-logs', 'listAuditLogs', 'auditLogs.list'],
  ['GET', '/v1/webhooks', 'listWebhooks', 'webhooks.list'],
  ['POST', '/v1/webhooks', 'createWebhook', 'webhooks.create'],
  ['GET', '/v1/webhooks/{webhook_id}', 'getWebhook', 'webhooks.get'],
  ['PATCH', '/v1/webhooks/{webhook_id}', 'updateWebhook', 'webhooks.update'],
  ['DELETE', '/v1/webhooks/{webhook_id}', 'deleteWebhook', 'webhooks.delete'],
  ['GET', '/v1/webhooks/{webhook_id}/deliveries', 'listWebhookDeliveries', 'webhooks.deliveries'],
  ['POST', '/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver', 'redeliverWebhookDelivery', 'webhooks.redeliver'],
  ['GET', '/v1/events', 'streamEvents', 'events.subscribe'],
  ['GET', '/healthz', 'getHealth', 'health.get'],
  ['GET', '/readyz', 'getReadiness', 'health.ready'],
] as const satisfies readonly (readonly [HttpMethod, string, OperationId, string])[];

type Row = (typeof TABLE)[number];

/**
 * An SDK method path the compiler knows (`tickets.create`), for typed overrides.
 *
 * @example
 * ```ts
 * const name: SdkOperationName = 'tickets.create'; // 'tickets.craete' does not compile
 * ```
 */
export type SdkOperationName = Row[3] | 'attachments.download';

/**
 * The operationId an SDK method path or an operationId names, at compile time.
 *
 * @example
 * ```ts
 * type Create = OperationIdOf<'tickets.create'>; // 'createTicket'
 * ```
 */
export type OperationIdOf<N extends OperationId | SdkOperationName> = N extends OperationId
  ? N
  : N extends 'attachments.download'
    ? 'downloadAttachment'
    : Extract<Row, readonly [HttpMethod, string, OperationId, N]>[2];

/** Every operation, in the contract's order. */
export const OPERATIONS: readonly OperationSpec[] = TABLE.map(([method, path, operationId, sdkName]) => ({ method, path, operationId, sdkName }));

const BY_NAME = new Map<string, OperationSpec>();
for (const spec of OPERATIONS) {
  BY_NAME.set(spec.operationId, spec);
  BY_NAME.set(spec.sdkName, spec);
}
// `download` reads the same operation as `downloadStream`, through it.
BY_NAME.set('attachments.download', BY_NAME.get('attachments.downloadStream')!);

/**
 * An SDK method path (`tickets.create`) or an operationId (`createTicket`).
 *
 * @example
 * ```ts
 * mock.calls('tickets.create'); mock.calls('createTicket'); // the same calls
 * ```
 */
export type OperationName = OperationId | (string & {});

/**
 * The operation named by an SDK method path or an operationId; throws a `TypeError` naming the
 * unknown name, so a typo in a test fails loudly instead of matching nothing.
 */
export function operationNamed(name: OperationName): OperationSpec {
  const spec = BY_NAME.get(name);
  if (!spec) throw new TypeError(`ticketflow/msw: no operation is called ${JSON.stringify(name)} (use an SDK method path such as 'tickets.create' or an operationId such as 'createTicket')`);
  return spec;
}
