/**
 * Seeding: typed factories with sensible defaults (`mock.seed.ticket({ … })`), and the ready
 * scenarios. Seeded rows go through the same rules as requests — a ticket seeded as `resolved`
 * walked the workflow and has the history of it — but as a user with every right, so a scenario
 * cannot be refused by the policies it is meant to test.
 */
import type { components } from '../generated/api.js';
import { startSession } from './auth.js';
import { ServiceSeeder } from './seed-services.js';
import { ContentSeeder } from './seed-content.js';
import { toMillis, type TimeInput } from './clock.js';
import { toUser } from './handlers/shared.js';
import { addTicketTag, insertTicket, updateTicketAsSystem, updateTicketIf } from './rules/tickets.js';
import { emit, jsonb, recordHistory } from './rules/trail.js';
import { omit, type CommentRow, type TicketRow, type UserRow } from './store.js';
import { actorOf, Work, type World } from './world.js';

type Schemas = components['schemas'];

/**
 * A user: their id, email, seed key, or the `User` itself.
 *
 * @example
 * ```ts
 * mock.as('agent'); mock.as('agent@example.com'); mock.as(user.id);
 * ```
 */
export type UserRef = string | { id: string };

/**
 * The password of seeded users unless given, the same as the server's demo users'.
 *
 * @example
 * ```ts
 * new Ticketflow({ baseUrl: mock.baseUrl, credentials: { email: 'agent@example.com', password: DEFAULT_PASSWORD } });
 * ```
 */
export const DEFAULT_PASSWORD = 'ticketflow-demo';

/**
 * Fields of `mock.seed.user()`; every one has a default.
 *
 * @example
 * ```ts
 * mock.seed.user({ key: 'bob', role: 'agent', department_id: support.id });
 * ```
 */
export interface SeedUser extends Partial<Omit<Schemas['User'], 'id' | 'created_at' | 'updated_at' | 'locked_until' | 'last_login_at'>> {
  /** A name to find the user by in `mock.as()` and `mock.user()` (`'agent'`). */
  key?: string;
  /** Their password; `null` for an account without one (SSO). Default `ticketflow-demo`. */
  password?: string | null;
}

/**
 * Fields of `mock.seed.ticket()`; every one has a default.
 *
 * @example
 * ```ts
 * mock.seed.ticket({ title: 'Disk full', requester: 'customer', assignee: 'agent', status: 'resolved' });
 * ```
 */
export interface SeedTicket extends Partial<Omit<Schemas['TicketCreate'], 'requester_id'>> {
  /** The requester; by default a new customer. */
  requester?: UserRef;
  /** Who opened it; by default the requester. */
  createdBy?: UserRef;
  /** Assigned to this staff member (which opens it). */
  assignee?: UserRef;
  /** Where it is in the workflow; it walks there, writing the history on the way. Default `new`. */
  status?: Schemas['TicketStatus'];
  /** Notes of the resolution when `status` is resolved or closed. */
  resolution_notes?: string;
  /** When it was opened; by default now. */
  createdAt?: TimeInput;
}

/**
 * Fields of `mock.seed.comment()`.
 *
 * @example
 * ```ts
 * mock.seed.comment(ticket.id, { author: 'agent', body: 'On it' });
 * ```
 */
export interface SeedComment {
  /** The author; by default the ticket's requester. */
  author?: UserRef;
  body?: string;
  is_internal?: boolean;
}

/**
 * Fields of `mock.seed.apiKey()`.
 *
 * @example
 * ```ts
 * const { key } = mock.seed.apiKey({ user: 'agent', scopes: ['tickets:read'] });
 * ```
 */
export interface SeedApiKey {
  user: UserRef;
  name?: string;
  scopes?: Schemas['ApiKeyScope'][];
  expires_at?: string | null;
}

/** The path each status is reached by from `new`. */
const WALK: Record<Schemas['TicketStatus'], Schemas['TicketStatus'][]> = {
  new: [],
  open: ['open'],
  in_progress: ['open', 'in_progress'],
  pending: ['open', 'in_progress', 'pending'],
  resolved: ['open', 'in_progress', 'resolved'],
  closed: ['open', 'in_progress', 'resolved', 'closed'],
};

export class Seeder {
  constructor(private readonly world: World) {}

  /** Files, ratings and the knowledge base (seed-content.ts). */
  get content(): ContentSeeder {
    return new ContentSeeder(this.world, (ref) => this.userRow(ref));
  }

  /** SLA policies, escalations, notifications, webhooks and chat (seed-services.ts). */
  get services(): ServiceSeeder {
    return new ServiceSeeder(this.world, (ref) => this.userRow(ref));
  }

  /** The user `ref` names (id, email or key); throws a `TypeError` naming it otherwise. */
  userRow(ref: UserRef): UserRow {
    const { users } = this.world.store.tables;
    const name = typeof ref === 'string' ? ref : ref.id;
    const found = users.get(name.toLowerCase()) ?? users.all().find((user) => user.key === name || user.email.toLowerCase() === name.toLowerCase());
    if (!found) throw new TypeError(`ticketflow/msw: no seeded user is ${JSON.stringify(name)} (give an id, an email or a seed key)`);
    return found;
  }

  /** A work unit acting as `user` with every right (seeding bypasses the policies). */
  private as(user: UserRow, at?: Date): Work {
    return new Work(this.world, { ...actorOf(this.world, user), role: 'admin' }, at);
  }

  user(fields: SeedUser = {}): Schemas['User'] {
    const { ids, store } = this.world;
    const now = this.world.clock.now().toISOString();
    const n = store.tables.users.size + 1;
    const role = fields.role ?? 'customer';
    const id = ids.uuid();
    const email = fields.email ?? `${fields.key ?? `${role}${n}`}@example.com`.toLowerCase();
    if (store.tables.users.all().some((user) => user.email.toLowerCase() === email.toLowerCase())) {
      throw new TypeError(`ticketflow/msw: a user with the email ${email} is already seeded`);
    }
    if (fields.key !== undefined && store.tables.users.all().some((user) => user.key === fields.key)) {
      throw new TypeError(`ticketflow/msw: a user with the key ${fields.key} is already seeded`);
    }
    const row = store.tables.users.put({
      id,
      email,
      username: fields.username ?? null,
      first_name: fields.first_name ?? capitalise(role),
      last_name: fields.last_name ?? String(n),
      phone_number: fields.phone_number ?? null,
      avatar_url: fields.avatar_url ?? null,
      role,
      department_id: fields.department_id ?? null,
      is_active: fields.is_active ?? true,
      is_approved: fields.is_approved ?? true,
      is_email_verified: fields.is_email_verified ?? true,
      mfa_enabled: fields.mfa_enabled ?? false,
      locked_until: null,
      preferences: jsonb(fields.preferences ?? {}) as Record<string, unknown>,
      last_login_at: null,
      created_at: now,
      updated_at: now,
      password: fields.password === undefined ? DEFAULT_PASSWORD : fields.password,
      failed_login_attempts: 0,
      key: fields.key ?? null,
    });
    return toUser(row, this.world.clock.now());
  }

  department(fields: Partial<Omit<Schemas['Department'], 'id' | 'created_at' | 'updated_at'>> = {}): Schemas['Department'] {
    const { ids, store } = this.world;
    const now = this.world.clock.now().toISOString();
    return store.tables.departments.put({
      id: ids.uuid(),
      name: fields.name ?? `Department ${store.tables.departments.size + 1}`,
      description: fields.description ?? null,
      manager_id: fields.manager_id ?? null,
      is_active: fields.is_active ?? true,
      created_at: now,
      updated_at: now,
    });
  }

  /** A team, with `members` (users) joined as members. */
  team(fields: Partial<Omit<Schemas['Team'], 'id' | 'created_at' | 'updated_at'>> & { members?: UserRef[] } = {}): Schemas['Team'] {
    const { ids, store } = this.world;
    const now = this.world.clock.now().toISOString();
    const team = store.tables.teams.put({
      id: ids.uuid(),
      name: fields.name ?? `Team ${store.tables.teams.size + 1}`,
      description: fields.description ?? null,
      department_id: fields.department_id ?? null,
      lead_id: fields.lead_id ?? null,
      is_active: fields.is_active ?? true,
      created_at: now,
      updated_at: now,
    });
    for (const member of fields.members ?? []) {
      const user = this.userRow(member);
      store.tables.teamMembers.put({ id: `${team.id} ${user.id}`, team_id: team.id, user_id: user.id, role: user.id === team.lead_id ? 'lead' : 'member', joined_at: now });
    }
    return team;
  }

  category(fields: Partial<Omit<Schemas['Category'], 'id' | 'created_at' | 'updated_at'>> = {}): Schemas['Category'] {
    const { ids, store } = this.world;
    const now = this.world.clock.now().toISOString();
    const n = store.tables.categories.size + 1;
    return store.tables.categories.put({
      id: ids.uuid(),
      slug: fields.slug ?? `category-${n}`,
      name: fields.name ?? `Category ${n}`,
      description: fields.description ?? null,
      is_active: fields.is_active ?? true,
      created_at: now,
      updated_at: now,
    });
  }

  tag(fields: Partial<Omit<Schemas['Tag'], 'id' | 'created_at' | 'created_by'>> = {}): Schemas['Tag'] {
    const { ids, store } = this.world;
    return store.tables.tags.put({
      id: ids.uuid(),
      name: fields.name ?? `tag-${store.tables.tags.size + 1}`,
      color: fields.color ?? '#2563eb',
      description: fields.description ?? null,
      created_by: null,
      created_at: this.world.clock.now().toISOString(),
    });
  }

  ticket(fields: SeedTicket = {}): Schemas['Ticket'] {
    const { store } = this.world;
    return store.transaction(() => {
      const requester = fields.requester === undefined ? this.userRow(this.user({ role: 'customer' }).id) : this.userRow(fields.requester);
      const creator = fields.createdBy === undefined ? requester : this.userRow(fields.createdBy);
      const at = fields.createdAt === undefined ? undefined : new Date(toMillis(fields.createdAt, 'createdAt'));
      const input = omit(fields, ['requester', 'createdBy', 'assignee', 'status', 'resolution_notes', 'createdAt', 'tag_ids']);
      let ticket: TicketRow = insertTicket(this.as(creator, at), {
        title: 'Something is broken',
        ...input,
        requester_id: requester.id,
      });
      for (const tagId of fields.tag_ids ?? []) addTicketTag(this.as(creator, at), ticket.id, tagId);
      const assignee = fields.assignee === undefined ? undefined : this.userRow(fields.assignee);
      const staff = assignee ?? creator;
      if (assignee) ticket = this.step(this.as(assignee, at), ticket, { assignee_id: assignee.id, ...(ticket.status === 'new' ? { status: 'open' as const } : {}) });
      for (const status of WALK[fields.status ?? 'new']) {
        if (ticket.status === status || (status === 'open' && ticket.status !== 'new')) continue;
        const actor = status === 'closed' ? requester : staff;
        ticket = this.step(this.as(actor, at), ticket, {
          status,
          ...(status === 'resolved' ? { resolution_notes: fields.resolution_notes ?? 'Resolved.' } : {}),
        });
      }
      return store.tables.tickets.get(ticket.id)!;
    });
  }

  /**
   * Moves a seeded ticket one step of the workflow (`open` reopens a resolved one), as `by`
   * (default: its assignee, else its requester), writing the history of the change.
   */
  transition(ticketId: string, status: Schemas['TicketStatus'], options: { by?: UserRef; reason?: string; resolution_notes?: string } = {}): Schemas['Ticket'] {
    const { store } = this.world;
    return store.transaction(() => {
      const ticket = store.tables.tickets.get(ticketId.toLowerCase());
      if (!ticket) throw new TypeError(`ticketflow/msw: no seeded ticket has the id ${ticketId}`);
      const by = this.userRow(options.by ?? ticket.assignee_id ?? ticket.requester_id);
      const work = this.as(by);
      work.reason = options.reason ?? null;
      return this.step(work, ticket, { status, ...(status === 'resolved' ? { resolution_notes: options.resolution_notes ?? 'Resolved.' } : {}) });
    });
  }

  private step(work: Work, ticket: TicketRow, change: Partial<TicketRow>): TicketRow {
    return updateTicketIf(work, ticket.id, { versions: null }, () => change) ?? ticket;
  }

  comment(ticketId: string, fields: SeedComment = {}): Schemas['Comment'] {
    const { store, ids } = this.world;
    return store.transaction(() => {
      const ticket = store.tables.tickets.get(ticketId.toLowerCase());
      if (!ticket) throw new TypeError(`ticketflow/msw: no seeded ticket has the id ${ticketId}`);
      const author = this.userRow(fields.author ?? ticket.requester_id);
      const work = this.as(author);
      const isInternal = fields.is_internal ?? false;
      const now = work.now();
      const row: CommentRow = store.tables.comments.put({
        id: ids.uuid(),
        ticket_id: ticket.id,
        author_id: author.id,
        body: fields.body ?? 'Any news on this?',
        is_internal: isInternal,
        edited: false,
        edit_count: 0,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      });
      recordHistory(work, ticket.id, 'comment_added', null, null, { comment_id: row.id, is_internal: isInternal }, isInternal);
      emit(work, 'comment.created', ticket.id, isInternal, { comment_id: row.id, is_internal: isInternal });
      if (!isInternal && author.role !== 'customer' && ticket.sla.first_responded_at === null && ticket.requester_id !== author.id) {
        updateTicketAsSystem(work, ticket, { sla: { first_responded_at: now } });
      }
      return row;
    });
  }

  /** An API key acting as `user`; answers the key to send as a Bearer token. */
  apiKey(fields: SeedApiKey): { key: string; apiKey: Schemas['ApiKey'] } {
    const { store, ids } = this.world;
    const user = this.userRow(fields.user);
    const prefix = `tf_${ids.secret(8)}`;
    const key = `${prefix}_${ids.secret(40)}`;
    const row = store.tables.apiKeys.put({
      id: ids.uuid(),
      name: fields.name ?? 'Test key',
      prefix,
      scopes: fields.scopes ?? ['tickets:write', 'directory:read'],
      user_id: user.id,
      created_by: user.id,
      expires_at: fields.expires_at ?? null,
      last_used_at: null,
      revoked_at: null,
      created_at: this.world.clock.now().toISOString(),
      key,
    });
    return { key, apiKey: omit(row, ['key']) };
  }

  /** A token pair for `user`, as a login would give (without counting as one). */
  session(ref: UserRef) {
    return startSession(this.world, this.userRow(ref).id);
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
