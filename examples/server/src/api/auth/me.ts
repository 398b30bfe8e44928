/**
 * The caller's own account. These routes sit with the anonymous auth endpoints, so they
 * authenticate and open the request transaction themselves; from there on they are ordinary
 * requests under row-level security.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { audit } from '../../auth/audit.js';
import { authenticate } from '../../auth/authenticate.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson } from '../../http/input.js';
import { Problem } from '../../http/problem.js';
import { transaction } from '../../http/transaction.js';
import { avatarUrl, personName, phoneNumber, preferences, username } from '../users/fields.js';
import { USER_COLUMNS, toUser, type UserRow } from '../users/user.js';

const UserProfileUpdate = conforms<components['schemas']['UserProfileUpdate']>()(
  z
    .strictObject({
      first_name: personName.optional(),
      last_name: personName.optional(),
      username: username.optional(),
      phone_number: phoneNumber.optional(),
      avatar_url: avatarUrl.optional(),
      // Notification preferences live under their own key, validated by their own operation.
      preferences: preferences
        .refine((value) => !('notifications' in value), 'the notifications key is set with PUT /v1/notifications/preferences')
        .optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

export function meRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(authenticate(deps))
    .get('/', transaction(deps), async (c) => {
      const { rows } = await c.get('tx').query<UserRow>(`select ${USER_COLUMNS} from users where id = $1`, [c.get('principal').userId]);
      // The transaction bound this user, so the row exists and is visible to them.
      return c.json(toUser(rows[0]!, deps.clock.now()));
    })
    .patch('/', requireScope('directory'), transaction(deps), async (c) => {
      const body = await readJson(c, UserProfileUpdate);
      const tx = c.get('tx');
      const given = (field: keyof typeof body) => field in body;
      // Preferences merge key by key; a key sent as null is removed.
      const entries = Object.entries(body.preferences ?? {});
      const setPreferences = Object.fromEntries(entries.filter(([, value]) => value !== null));
      const removePreferences = entries.filter(([, value]) => value === null).map(([key]) => key);
      const { rows } = await tx.query<UserRow>(
        `update users set
           first_name = coalesce($2, first_name),
           last_name = coalesce($3, last_name),
           username = case when $4 then $5 else username end,
           phone_number = case when $6 then $7 else phone_number end,
           avatar_url = case when $8 then $9 else avatar_url end,
           preferences = (preferences || $10::jsonb) - $11::text[]
         where id = $1
         returning ${USER_COLUMNS}`,
        [
          c.get('principal').userId,
          body.first_name ?? null,
          body.last_name ?? null,
          given('username'),
          body.username ?? null,
          given('phone_number'),
          body.phone_number ?? null,
          given('avatar_url'),
          body.avatar_url ?? null,
          JSON.stringify(setPreferences),
          removePreferences,
        ],
      );
      const user = rows[0]!;
      if (Object.keys(user.preferences).length > 50) {
        throw new Problem(400, 'validation_failed', 'preferences: would have more than 50 keys', [
          { location: 'body', path: 'preferences', message: 'would have more than 50 keys once merged' },
        ]);
      }
      await audit(tx, { event: 'profile_updated', status: 'success', userId: user.id, metadata: { fields: Object.keys(body) } });
      return c.json(toUser(user, deps.clock.now()));
    });
}
