/**
 * Shared by the auth, users, invitations and API-key suites: accounts with known passwords (made
 * as the owner, the way an admin's tool would), reading the audit log and the mailbox, and the
 * check that no secret ever reached a log line.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import type { UserRole } from '../../src/db/actor.js';
import type { ApiHarness, ApiResponse, Client } from '../support/api-harness.js';

export interface TestAccount {
  id: string;
  email: string;
  password: string;
}

export interface AccountOptions {
  role?: UserRole;
  /** `null`: an account without a password (SSO only). */
  password?: string | null;
  isActive?: boolean;
  isApproved?: boolean;
  departmentId?: string | null;
  firstName?: string;
}

/** A fresh account, so that lockouts and password changes in one test never touch another's. */
export async function createAccount(api: ApiHarness, options: AccountOptions = {}): Promise<TestAccount> {
  const email = `user-${randomBytes(5).toString('hex')}@auth.test`;
  const password = options.password === undefined ? `pw-${randomBytes(9).toString('base64url')}` : options.password;
  const { rows } = await api.db.query<{ id: string }>(
    `insert into users (email, first_name, role, password_hash, is_active, is_approved, department_id)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      email,
      options.firstName ?? 'Test',
      options.role ?? 'customer',
      password === null ? null : await hashPassword(password),
      options.isActive ?? true,
      options.isApproved ?? true,
      options.departmentId ?? null,
    ],
  );
  return { id: rows[0]!.id, email, password: password ?? '' };
}

export const login = (api: ApiHarness, email: string, password: string, headers: Record<string, string> = {}) =>
  api.anonymous().post('/v1/auth/login', { email, password }, { headers });

export interface AuditRow {
  event_type: string;
  event_status: string;
  user_id: string | null;
  actor_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  message: string | null;
  metadata: Record<string, unknown>;
}

/** Audit rows about `userId` (or with no user when null), oldest first. */
export async function auditOf(api: ApiHarness, userId: string | null, event?: string): Promise<AuditRow[]> {
  const { rows } = await api.db.query<AuditRow>(
    `select event_type::text, event_status::text, user_id, actor_id, ip_address, user_agent, message, metadata
       from audit_logs
      where user_id is not distinct from $1 and ($2::text is null or event_type::text = $2)
      order by created_at, id`,
    [userId, event ?? null],
  );
  return rows;
}

/** The last message the mailbox received for `to`, and the token it carries. */
export function lastMailTo(api: ApiHarness, to: string): { text: string; token: string } {
  const message = [...api.mailbox.messages].reverse().find((m) => m.to.toLowerCase() === to.toLowerCase());
  if (!message) throw new Error(`no mail to ${to}`);
  const token = /token: (\S+)/.exec(message.text)?.[1];
  if (!token) throw new Error(`no token in the mail to ${to}`);
  return { text: message.text, token };
}

/** What a failed login looks like to the caller, without what differs per request. */
export const comparable = (res: ApiResponse) => ({
  status: res.status,
  contentType: res.headers.get('content-type'),
  body: { ...res.body, request_id: undefined },
  headers: [...res.headers.keys()].filter((name) => name !== 'x-request-id').sort(),
});

/** Fails when any secret appears anywhere in what the server logged. */
export function expectNotLogged(api: ApiHarness, secrets: string[]): void {
  const logged = JSON.stringify(api.logger.entries);
  expect(api.logger.entries.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    expect(logged.includes(secret), `a secret (${secret.slice(0, 4)}…) was logged`).toBe(false);
  }
}

/** A well-formed id no row has. */
export const MISSING_ID = '7a1d2c1e-8a1b-4c8e-9b0a-2f4a0c3d5e6f';

/** Every item of a list, following `next_cursor` from `path` (which sets the page size). */
export async function allPages<T = any>(client: Client, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const url = cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path;
    const page: ApiResponse<{ data: T[]; next_cursor: string | null }> = await client.get(url);
    expect(page.status, url).toBe(200);
    items.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor);
  return items;
}
