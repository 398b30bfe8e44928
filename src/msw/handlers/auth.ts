/** `tf.auth`: login, refresh, logout and the current user (examples/server/src/api/auth). */
import { INVALID_CREDENTIALS, login, logout, refresh, refreshRefused } from '../auth.js';
import { noContent, ok, refuse, type HandlerTable } from '../operation.js';
import { MockProblem } from '../problems.js';
import { audit, auditSink } from '../rules/audit.js';
import { jsonb } from '../rules/trail.js';
import { assertUsernameFree, toUser } from './shared.js';

export const authHandlers: HandlerTable = {
  login: {
    anonymous: true,
    handle({ world, work, req }) {
      const body = req.json('login');
      const result = login(world, body.email, body.password, auditSink(work, req));
      // A failed login still counts towards the lockout: answered, not undone.
      if (!result) return refuse(new MockProblem(401, 'invalid_credentials', INVALID_CREDENTIALS));
      return ok({ ...result.tokens, user: toUser(result.user, world.clock.now()) });
    },
  },
  refreshTokens: {
    anonymous: true,
    handle({ world, work, req }) {
      const body = req.json('refreshTokens');
      const result = refresh(world, body.refresh_token, auditSink(work, req));
      // A detected reuse revokes the session, and that must stand.
      if (!result) return refuse(refreshRefused());
      return ok({ ...result.tokens, user: toUser(result.user, world.clock.now()) });
    },
  },
  logout: {
    anonymous: true,
    handle({ world, work, req }) {
      logout(world, req.json('logout').refresh_token, auditSink(work, req));
      return noContent();
    },
  },
  getCurrentUser: {
    handle({ world, work }) {
      return ok(toUser(world.store.tables.users.get(work.me.id)!, world.clock.now()));
    },
  },
  updateCurrentUser: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('updateCurrentUser');
      if (body.preferences && 'notifications' in body.preferences) {
        throw new MockProblem(400, 'validation_failed', 'preferences: the notifications key is set with PUT /v1/notifications/preferences', [
          { location: 'body', path: 'preferences', message: 'the notifications key is set with PUT /v1/notifications/preferences' },
        ]);
      }
      const { users } = world.store.tables;
      const user = users.get(work.me.id)!;
      if (typeof body.username === 'string') assertUsernameFree(world, body.username, user.id);
      // Preferences merge key by key; a key sent as null is removed.
      const preferences: Record<string, unknown> = { ...user.preferences };
      for (const [key, value] of Object.entries(body.preferences ?? {})) {
        if (value === null) delete preferences[key];
        else preferences[key] = value;
      }
      if (Object.keys(preferences).length > 50) {
        throw new MockProblem(400, 'validation_failed', 'preferences: would have more than 50 keys', [
          { location: 'body', path: 'preferences', message: 'would have more than 50 keys once merged' },
        ]);
      }
      const updated = users.put({
        ...user,
        ...(body.first_name === undefined ? {} : { first_name: body.first_name }),
        ...(body.last_name === undefined ? {} : { last_name: body.last_name }),
        ...('username' in body ? { username: body.username ?? null } : {}),
        ...('phone_number' in body ? { phone_number: body.phone_number ?? null } : {}),
        ...('avatar_url' in body ? { avatar_url: body.avatar_url ?? null } : {}),
        preferences: jsonb(preferences) as Record<string, unknown>,
        updated_at: work.now(),
      });
      audit(work, req, { event: 'profile_updated', status: 'success', userId: updated.id, metadata: { fields: Object.keys(body) } });
      return ok(toUser(updated, world.clock.now()));
    },
  },
};
