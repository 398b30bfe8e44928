/** The client: one transport, one property per resource module. */
import { Transport, type ClientOptions } from './core/transport.js';
import { ApiKeys } from './resources/api-keys.js';
import { Attachments } from './resources/attachments.js';
import { AuditLogs } from './resources/audit-logs.js';
import { Auth } from './resources/auth.js';
import { Categories } from './resources/categories.js';
import { Chat } from './resources/chat.js';
import { Comments } from './resources/comments.js';
import { Departments } from './resources/departments.js';
import { Escalations } from './resources/escalations.js';
import { Events } from './resources/events.js';
import { Feedback } from './resources/feedback.js';
import { Health } from './resources/health.js';
import { History } from './resources/history.js';
import { Invitations } from './resources/invitations.js';
import { Kb } from './resources/kb.js';
import { Notifications } from './resources/notifications.js';
import { Search } from './resources/search.js';
import { Settings } from './resources/settings.js';
import { Sla } from './resources/sla.js';
import { Stats } from './resources/stats.js';
import { Tags } from './resources/tags.js';
import { Teams } from './resources/teams.js';
import { Tickets } from './resources/tickets.js';
import { Users } from './resources/users.js';
import { Webhooks } from './resources/webhooks.js';

/**
 * A client of the Ticketflow API.
 *
 * @example
 * ```ts
 * import { Ticketflow } from 'ticketflow';
 *
 * const tf = new Ticketflow({ baseUrl: 'https://helpdesk.example.com', apiKey: process.env.TICKETFLOW_API_KEY! });
 * const ticket = await tf.tickets.create({ title: 'Printer on fire', priority: 'urgent' });
 * await tf.comments.create(ticket.id, { body: 'Extinguisher on its way.' });
 * ```
 */
export class Ticketflow {
  /** Tickets and their workflow. */
  readonly tickets: Tickets;
  /** Files on tickets and comments. */
  readonly attachments: Attachments;
  /** A ticket's replies and internal notes. */
  readonly comments: Comments;
  /** A ticket's history. */
  readonly history: History;
  /** SLA policies, a ticket's live SLA state, and the list of live states. */
  readonly sla: Sla;
  /** Escalations: open, acknowledge, resolve, cancel. */
  readonly escalations: Escalations;
  /** The live stream of changes (Server-Sent Events). */
  readonly events: Events;
  /** The caller's notifications and channel preferences. */
  readonly notifications: Notifications;
  /** Ratings of resolved tickets. */
  readonly feedback: Feedback;
  /** The knowledge base: categories, articles, versions, feedback, search. */
  readonly kb: Kb;
  /** User accounts. */
  readonly users: Users;
  /** Invitations to join. */
  readonly invitations: Invitations;
  /** API keys. */
  readonly apiKeys: ApiKeys;
  /** Login, tokens, passwords and the current user. */
  readonly auth: Auth;
  /** Departments. */
  readonly departments: Departments;
  /** Teams and their members. */
  readonly teams: Teams;
  /** Ticket categories. */
  readonly categories: Categories;
  /** Ticket tags. */
  readonly tags: Tags;
  /** The company settings. */
  readonly settings: Settings;
  /** Webhook subscriptions and their delivery log. */
  readonly webhooks: Webhooks;
  /** Live chat sessions and messages. */
  readonly chat: Chat;
  /** Search across tickets, comments and articles. */
  readonly search: Search;
  /** Ticket and SLA statistics. */
  readonly stats: Stats;
  /** The audit log. */
  readonly auditLogs: AuditLogs;
  /** Liveness and readiness. */
  readonly health: Health;

  constructor(options: ClientOptions) {
    const transport = new Transport(options);
    this.tickets = new Tickets(transport);
    this.attachments = new Attachments(transport);
    this.comments = new Comments(transport);
    this.history = new History(transport);
    this.sla = new Sla(transport);
    this.escalations = new Escalations(transport);
    this.events = new Events(transport);
    this.notifications = new Notifications(transport);
    this.feedback = new Feedback(transport);
    this.kb = new Kb(transport);
    this.users = new Users(transport);
    this.invitations = new Invitations(transport);
    this.apiKeys = new ApiKeys(transport);
    this.auth = new Auth(transport);
    this.departments = new Departments(transport);
    this.teams = new Teams(transport);
    this.categories = new Categories(transport);
    this.tags = new Tags(transport);
    this.settings = new Settings(transport);
    this.webhooks = new Webhooks(transport);
    this.chat = new Chat(transport);
    this.search = new Search(transport);
    this.stats = new Stats(transport);
    this.auditLogs = new AuditLogs(transport);
    this.health = new Health(transport);
  }
}
