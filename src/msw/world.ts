/**
 * What every handler works with: the store, the clock and the id source (the "world"), and per
 * request the acting user and the request's one timestamp, as the server's transaction has them.
 */
import type { components } from '../generated/api.js';
import type { StoreClock } from './clock.js';
import type { IdSource } from './ids.js';
import type { Store, UserRow } from './store.js';

export type UserRole = components['schemas']['UserRole'];

/**
 * Settings of the mock that mirror the server's configuration.
 *
 * @example
 * ```ts
 * createTicketflowMock({ settings: { accessTokenTtlSeconds: 60 } });
 * ```
 */
export interface MockSettings {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  maxFailedLogins: number;
  lockoutSeconds: number;
  maxJsonBytes: number;
  /** The largest attachment accepted, in bytes (the server's `maxUploadBytes`, at most 50 MiB). */
  maxUploadBytes: number;
  /** How long a password-reset token works. */
  passwordResetTtlSeconds: number;
  /** How long an invitation can be accepted. */
  invitationTtlSeconds: number;
}

/** The server's defaults (examples/server/src/app.ts). */
export const DEFAULT_SETTINGS: MockSettings = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  refreshReuseGraceSeconds: 30,
  maxFailedLogins: 5,
  lockoutSeconds: 15 * 60,
  maxJsonBytes: 1024 * 1024,
  maxUploadBytes: 50 * 1024 * 1024,
  passwordResetTtlSeconds: 3600,
  invitationTtlSeconds: 7 * 24 * 3600,
};

export interface World {
  store: Store;
  clock: StoreClock;
  ids: IdSource;
  settings: MockSettings;
}

/** The caller, as row-level security sees them. */
export interface Actor {
  id: string;
  role: UserRole;
  departmentId: string | null;
  /** Teams they are a member or the lead of. */
  teamIds: ReadonlySet<string>;
  /** How they authenticated; `system` for the mock's own seeding. */
  via: 'access_token' | 'api_key' | 'system';
  /** An API key's scopes; `null` for an access token, which may do all the user may. */
  scopes: ReadonlySet<string> | null;
  /** The refresh-token family behind an access token. */
  sessionId?: string;
}

export const isStaff = (actor: Pick<Actor, 'role'>) => actor.role !== 'customer';

/** The actor for `user`, with their department and teams looked up now. */
export function actorOf(world: World, user: UserRow, via: Actor['via'] = 'system', scopes: ReadonlySet<string> | null = null): Actor {
  const { teams, teamMembers } = world.store.tables;
  const teamIds = new Set([
    ...teamMembers.where((member) => member.user_id === user.id).map((member) => member.team_id),
    ...teams.where((team) => team.lead_id === user.id).map((team) => team.id),
  ]);
  return { id: user.id, role: user.role, departmentId: user.department_id, teamIds, via, scopes };
}

/**
 * One request's unit of work: the world, who acts, and the request's time (`now()` is taken once,
 * as PostgreSQL's `now()` is one value for a whole transaction).
 */
export class Work {
  #at: Date | undefined;
  /** Bound to history entries written meanwhile, as the server's `app.change_reason`. */
  reason: string | null = null;

  constructor(
    readonly world: World,
    readonly actor: Actor | null,
    /** A fixed time for the work (seeding rows in the past); by default the clock's. */
    at?: Date,
  ) {
    this.#at = at;
  }

  /** The request's time, as an RFC 3339 string; the first call moves the clock on by 1 ms. */
  now(): string {
    this.#at ??= this.world.clock.stamp();
    return this.#at.toISOString();
  }

  /** The acting user; throws when the work is anonymous (a bug in a handler, not the caller's fault). */
  get me(): Actor {
    if (!this.actor) throw new Error('ticketflow/msw: this operation needs an authenticated caller');
    return this.actor;
  }
}
