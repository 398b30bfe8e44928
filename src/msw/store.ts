/**
 * The mock's in-memory tables. Rows are the contract's own types (`components['schemas']`), plus
 * what the server keeps and never shows (password, lockout counters, token state). Rows are frozen
 * and replaced rather than changed, which is what makes `transaction()` cheap: it keeps the maps as
 * they were and puts them back if the request fails, so a failed request leaves nothing half-done,
 * as the server's one-transaction-per-request does.
 */
import type { components } from '../generated/api.js';


/** A user, with what the server keeps out of the `User` it shows. */
export type UserRow = components['schemas']['User'] & {
  /** Kept in clear: this is a test double. `null` for accounts without a password (SSO). */
  password: string | null;
  failed_login_attempts: number;
  /** The name `mock.as()` and `mock.user()` know this user by, when it was seeded with one. */
  key: string | null;
};

export type TicketRow = components['schemas']['Ticket'];

/** A comment; `body` is kept after a soft delete (the API shows a tombstone). */
export type CommentRow = Omit<components['schemas']['Comment'], 'body'> & { body: string };

export type HistoryRow = components['schemas']['TicketHistoryEntry'];
export type DepartmentRow = components['schemas']['Department'];
export type TeamRow = components['schemas']['Team'];
export type TeamMemberRow = Omit<components['schemas']['TeamMember'], 'user'> & { id: string };
export type CategoryRow = components['schemas']['Category'];
export type TagRow = components['schemas']['Tag'];
export type SettingsRow = components['schemas']['CompanySettings'];

/** An API key with the key itself (the server keeps a digest). */
export type ApiKeyRow = components['schemas']['ApiKey'] & { key: string };

export interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  family_id: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: 'logout' | 'rotated' | 'reuse_detected' | null;
  replaced_by: string | null;
}

export interface AccessTokenRow {
  /** The token itself. */
  id: string;
  user_id: string;
  session_id: string;
  expires_at: string;
}

/** A stored response for an Idempotency-Key, per user and key. */
export interface IdempotencyRow {
  /** `<user id> <key>`. */
  id: string;
  request_hash: string;
  status: number;
  headers: Record<string, string>;
  body: string | null;
  expires_at: string;
}

/** One row of the events outbox, as the server's triggers write it (live events and webhooks read it). */
export interface EventRow {
  id: string;
  seq: number;
  type: string;
  ticket_id: string | null;
  actor_id: string | null;
  is_internal: boolean;
  payload: Record<string, unknown>;
  created_at: string;
}

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

  /** The row with `id`, or undefined. */
  get(id: string): Row | undefined {
    return this.#rows.get(id);
  }

  /** Every row, in insertion order. */
  all(): Row[] {
    return [...this.#rows.values()];
  }

  /** The rows `predicate` accepts. */
  where(predicate: (row: Row) => boolean): Row[] {
    return this.all().filter(predicate);
  }

  /** Stores `row` (frozen), replacing any row with its id. */
  put(row: Row): Row {
    const frozen = Object.freeze({ ...row });
    this.#rows.set(row.id, frozen);
    return frozen;
  }

  delete(id: string): boolean {
    return this.#rows.delete(id);
  }

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
}

const TABLE_NAMES = [
  'users', 'departments', 'teams', 'teamMembers', 'categories', 'tags', 'tickets', 'comments', 'history',
  'apiKeys', 'refreshTokens', 'accessTokens', 'idempotency', 'events',
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
    try {
      return fn();
    } catch (error) {
      for (const [name, rows] of saved) (this.tables[name] as Table<{ id: string }>).restore(rows);
      this.settings = settings;
      this.counters = counters;
      this.sequences = sequences;
      throw error;
    }
  }

  /** Empties every table and resets settings, counters and sequences. */
  clear(now: Date): void {
    for (const name of TABLE_NAMES) (this.tables[name] as Table<{ id: string }>).restore(new Map());
    this.settings = { ...DEFAULT_SETTINGS, updated_at: now.toISOString() };
    this.counters = new Map();
    this.sequences = { history: 0, events: 0 };
  }
}
