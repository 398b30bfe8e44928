/**
 * TypeScript SDK for the ticketflow helpdesk API.
 *
 * The package ships as both ESM and CommonJS, has no Node-specific runtime
 * dependencies and runs anywhere the Fetch API is available (Node 20.19+,
 * browsers, Deno, Bun, edge runtimes).
 *
 * @module ticketflow
 * @packageDocumentation
 */

// Replaced at build time by tsup and at test time by vitest (both read package.json),
// so the published constant cannot drift from the published version.
declare const __TICKETFLOW_VERSION__: string;

/**
 * Version of this package, as published to npm (for example `"1.4.0"`).
 *
 * Useful in bug reports and for telling the API which SDK release is calling.
 *
 * @example
 * ```ts
 * import { VERSION } from 'ticketflow';
 *
 * console.log(`ticketflow SDK ${VERSION}, Node ${process.version}`);
 * ```
 */
// Run from source without the build (the examples under tsx), it is not defined: say so.
export const VERSION: string = typeof __TICKETFLOW_VERSION__ === 'string' ? __TICKETFLOW_VERSION__ : '0.0.0-source';

export { Ticketflow } from './client.js';
export type { ClientAuth, ClientOptions, ProgressCallback, RequestOptions, TransferProgress } from './core/transport.js';
export type { ErrorContext, Hooks, RequestContext, ResponseContext } from './core/hooks.js';
export type { Logger, LogLevel } from './core/logger.js';
export type { WriteOptions } from './core/resource.js';
export { APIPromise, type WithResponse } from './core/api-promise.js';
export { PagePromise, type Page, type PageFetcher } from './core/pagination.js';
export type { BodyOf, ItemOf, JsonOf, ListQueryOf, OperationId, QueryOf, ResultOf } from './core/operations.js';
// One comment per name: typedoc gives a re-exported symbol the comment of its export statement
// (the generated declarations have none), and every name needs its own example.
/**
 * The contract's schemas, parameters, responses and headers, as generated from `openapi/`: the
 * type of any object the API sends or takes, by its schema name.
 *
 * @example
 * ```ts
 * import type { components } from 'ticketflow';
 *
 * type Ticket = components['schemas']['Ticket'];
 * const isUrgent = (ticket: Ticket): boolean => ticket.priority === 'urgent';
 * ```
 */
export type { components } from './generated/api.js';
/**
 * Every operation of the contract by its `operationId`: parameters, request body and responses, as
 * generated from `openapi/`. {@link QueryOf}, {@link BodyOf} and {@link ResultOf} read it for you.
 *
 * @example
 * ```ts
 * import type { operations } from 'ticketflow';
 *
 * type TicketFilters = NonNullable<operations['listTickets']['parameters']['query']>; // what QueryOf<'listTickets'> is
 * ```
 */
export type { operations } from './generated/api.js';
/**
 * Every path of the contract, with its operations by HTTP method, as generated from `openapi/`.
 *
 * @example
 * ```ts
 * import type { paths } from 'ticketflow';
 *
 * type ApiPath = keyof paths; // '/v1/tickets' | '/v1/tickets/{ticket_id}' | …
 * type GetTicket = paths['/v1/tickets/{ticket_id}']['get']; // operations['getTicket']
 * ```
 */
export type { paths } from './generated/api.js';
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
  ResponseValidationError,
  TicketflowError,
  TimeoutError,
  UnprocessableEntityError,
  type APIErrorInit,
  type Problem,
  type ResponseValidationErrorInit,
  type ResponseValidationIssue,
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
