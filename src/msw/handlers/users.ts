/**
 * `tf.users` (examples/server/src/api/users/users.ts): staff see everyone, customers themselves
 * and the staff; only admins create users or change anything beyond their own profile.
 */
import { z } from 'zod';
import { created, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { audit } from '../rules/audit.js';
import { canSeeUser } from '../rules/policies.js';
import { fieldProblem, forbidden, MAY_NOT_MAKE_CHANGE, MockProblem, notFound, unknownReference } from '../problems.js';
import type { UserRow } from '../store.js';
import { assertUsernameFree, emailTaken, flag, id, idKey, page, repeated, toUser } from './shared.js';

const role = z.enum(['customer', 'agent', 'manager', 'admin']);

const ListQuery = z.strictObject({
  ...page,
  role: repeated(role).optional(),
  department_id: id.optional(),
  is_active: flag.optional(),
  q: z.string().min(1).max(100).optional(),
  sort: z.enum(['email', '-email', 'created_at', '-created_at']).default('email'),
});

const Params = z.strictObject({ user_id: idKey });

/** Fields only admins may change, even on their own account (app.users_before_update). */
const ADMIN_FIELDS = ['email', 'role', 'department_id', 'is_active', 'is_approved', 'unlock'] as const;

export const userHandlers: HandlerTable = {
  listUsers: {
    scope: 'directory',
    handle({ world, work, req }) {
      const query = req.query(ListQuery);
      const actor = work.me;
      const needle = query.q?.toLowerCase();
      const rows = world.store.tables.users.where(
        (user) =>
          canSeeUser(actor, user) &&
          (query.role === undefined || query.role.includes(user.role)) &&
          (query.department_id === undefined || user.department_id?.toLowerCase() === query.department_id.toLowerCase()) &&
          (query.is_active === undefined || user.is_active === query.is_active) &&
          (needle === undefined ||
            [user.email, user.first_name, user.last_name, user.username ?? '', `${user.first_name} ${user.last_name}`].some((text) => text.toLowerCase().includes(needle))),
      );
      const byEmail = query.sort.endsWith('email');
      const now = world.clock.now();
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('users', { role: query.role, department_id: query.department_id, is_active: query.is_active, q: query.q, sort: query.sort }),
          descending: query.sort.startsWith('-'),
          keyLength: 2,
          keyOf: (user) => [byEmail ? user.email.toLowerCase() : user.created_at, user.id],
          serialize: (user) => toUser(user, now),
        }),
      );
    },
  },
  createUser: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('createUser');
      if (work.me.role !== 'admin') throw forbidden(MAY_NOT_MAKE_CHANGE);
      if (body.password?.trim().toLowerCase() === body.email.trim().toLowerCase()) {
        throw fieldProblem('body', 'password', 'must not be the email address');
      }
      if (emailTaken(world, body.email)) throw new MockProblem(409, 'conflict', 'A user with this email already exists.');
      if (typeof body.username === 'string') assertUsernameFree(world, body.username);
      if (body.department_id && !world.store.tables.departments.get(body.department_id)) throw unknownReference('department_id');
      const now = work.now();
      const user = world.store.tables.users.put({
        id: world.ids.uuid(),
        email: body.email,
        username: body.username ?? null,
        first_name: body.first_name ?? '',
        last_name: body.last_name ?? '',
        phone_number: body.phone_number ?? null,
        avatar_url: null,
        role: body.role ?? 'customer',
        department_id: body.department_id ?? null,
        is_active: true,
        is_approved: body.is_approved ?? true,
        is_email_verified: false,
        mfa_enabled: false,
        locked_until: null,
        preferences: {},
        last_login_at: null,
        created_at: now,
        updated_at: now,
        password: body.password ?? null,
        failed_login_attempts: 0,
        key: null,
      });
      return created(toUser(user, world.clock.now()), { Location: `/v1/users/${user.id}` });
    },
  },
  getUser: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { user_id } = req.params(Params);
      const user = world.store.tables.users.get(user_id);
      if (!user || !canSeeUser(work.me, user)) throw notFound('user');
      return ok(toUser(user, world.clock.now()));
    },
  },
  updateUser: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { user_id } = req.params(Params);
      const body = req.json('updateUser');
      const actor = work.me;
      const { users } = world.store.tables;
      const user = users.get(user_id);
      if (!user || !canSeeUser(actor, user)) throw notFound('user');
      if (actor.role !== 'admin' && user.id !== actor.id) throw forbidden('Only admins may change other users.');
      const now = work.now();
      const next: UserRow = {
        ...user,
        ...(body.email === undefined ? {} : { email: body.email }),
        ...(body.first_name === undefined ? {} : { first_name: body.first_name }),
        ...(body.last_name === undefined ? {} : { last_name: body.last_name }),
        ...('username' in body ? { username: body.username ?? null } : {}),
        ...('phone_number' in body ? { phone_number: body.phone_number ?? null } : {}),
        ...('avatar_url' in body ? { avatar_url: body.avatar_url ?? null } : {}),
        ...(body.role === undefined ? {} : { role: body.role }),
        ...('department_id' in body ? { department_id: body.department_id ?? null } : {}),
        ...(body.is_active === undefined ? {} : { is_active: body.is_active }),
        ...(body.is_approved === undefined ? {} : { is_approved: body.is_approved }),
        ...(body.unlock ? { failed_login_attempts: 0, locked_until: null } : {}),
        updated_at: now,
      };
      // Non-admins may send the admin fields only with the values they already hold.
      if (actor.role !== 'admin' && ADMIN_FIELDS.some((field) => field !== 'unlock' && next[field] !== user[field])) {
        throw forbidden("only an admin can change a user's email, role, department, status or credentials");
      }
      if (actor.role !== 'admin' && body.unlock && (user.failed_login_attempts !== 0 || user.locked_until !== null)) {
        throw forbidden("only an admin can change a user's email, role, department, status or credentials");
      }
      if (next.email !== user.email && emailTaken(world, next.email, user.id)) throw new MockProblem(409, 'conflict', 'A record with this email already exists.');
      if (typeof body.username === 'string') assertUsernameFree(world, body.username, user.id);
      if (next.department_id !== null && next.department_id !== user.department_id && !world.store.tables.departments.get(next.department_id)) {
        throw unknownReference('department_id');
      }
      const saved = users.put(next);
      // app.users_after_update audits a role change; an unlock is audited only when a lock was running.
      if (next.role !== user.role) {
        audit(work, req, {
          event: 'role_changed',
          status: 'success',
          userId: user.id,
          message: `role changed from ${user.role} to ${next.role}`,
          metadata: { old_role: user.role, new_role: next.role },
        });
      }
      if (body.unlock && user.locked_until !== null && Date.parse(user.locked_until) > world.clock.now().getTime()) {
        audit(work, req, { event: 'account_unlocked', status: 'success', userId: user.id, message: 'unlocked by an admin' });
      }
      return ok(toUser(saved, world.clock.now()));
    },
  },
};
