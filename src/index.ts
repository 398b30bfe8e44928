/**
 * TypeScript SDK for the ticketflow helpdesk API.
 *
 * The package ships as both ESM and CommonJS, has no Node-specific runtime
 * dependencies and runs anywhere the Fetch API is available (Node 20.19+,
 * browsers, Deno, Bun, edge runtimes).
 *
 * @packageDocumentation
 */

// Replaced at build time by tsup and at test time by vitest (both read package.json),
// so the published constant cannot drift from the published version.
declare const __TICKETFLOW_VERSION__: string;

/**
 * Version of this package, as published to npm (for example `"1.4.0"`).
 *
 * Useful in bug reports and for telling the API which SDK release is calling.
 */
// Run from source without the build (the examples under tsx), it is not defined: say so.
export const VERSION: string = typeof __TICKETFLOW_VERSION__ === 'string' ? __TICKETFLOW_VERSION__ : '0.0.0-source';

export { Ticketflow } from './client.js';
export type { ClientAuth, ClientOptions, ProgressCallback, RequestOptions, TransferProgress } from './core/transport.js';
export type { WriteOptions } from './core/resource.js';
export { APIPromise, type WithResponse } from './core/api-promise.js';
export { PagePromise, type Page, type PageFetcher } from './core/pagination.js';
export type { BodyOf, ItemOf, JsonOf, ListQueryOf, OperationId, QueryOf, ResultOf } from './core/operations.js';
/** The types generated from the OpenAPI contract, for anything the resource modules do not name. */
export type { components, operations, paths } from './generated/api.js';
export {
  AbortError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  RateLimitError,
  TicketflowError,
  TimeoutError,
  UnprocessableEntityError,
  type APIErrorInit,
  type Problem,
} from './core/errors.js';
export type { ApiKeys } from './resources/api-keys.js';
export type { Attachments, DownloadOptions, UploadOptions, UploadParams, UploadSource } from './resources/attachments.js';
export type { AuditLogs } from './resources/audit-logs.js';
export type { Auth } from './resources/auth.js';
export type { Categories } from './resources/categories.js';
export type { Chat, ChatMessages, ChatSessions } from './resources/chat.js';
export type { Comments } from './resources/comments.js';
export type { Departments } from './resources/departments.js';
export type { Escalations } from './resources/escalations.js';
export type { Events, LiveEvent, SubscribeParams } from './resources/events.js';
export type { Feedback } from './resources/feedback.js';
export type { Health } from './resources/health.js';
export type { History } from './resources/history.js';
export type { Invitations } from './resources/invitations.js';
export type { Kb, KbArticleFeedback, KbArticles, KbArticleVersions, KbCategories } from './resources/kb.js';
export type { Notifications } from './resources/notifications.js';
export type { Search } from './resources/search.js';
export type { Settings } from './resources/settings.js';
export type { Sla, SlaPolicies } from './resources/sla.js';
export type { Stats } from './resources/stats.js';
export type { Tags } from './resources/tags.js';
export type { TeamMembers, Teams } from './resources/teams.js';
export type { Tickets } from './resources/tickets.js';
export type { Users } from './resources/users.js';
export type { Webhooks } from './resources/webhooks.js';
export {
  signWebhookPayload,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookHeaders,
} from './webhooks/verify.js';
