/**
 * People and their roles. Who sees whom, and who may change what, is row-level security's and the
 * users guard trigger's decision: only admins create users or change anything beyond a profile.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { audit } from '../../auth/audit.js';
import { hashPassword } from '../../auth/password.js';
import { assertPasswordAllowed, newPassword } from '../../auth/password-policy.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound, Problem } from '../../http/problem.js';
import { refusal } from '../../http/refusal.js';
import { flag, id, oneOrMany, page } from '../../http/schemas.js';
import { avatarUrl, emailAddress, personName, phoneNumber, username } from './fields.js';
import { USER_COLUMNS, toUser, type UserRow } from './user.js';

const role = z.enum(['customer', 'agent', 'manager', 'admin']);

const UserCreate = conforms<components['schemas']['UserCreate']>()(
  z.strictObject({
    email: emailAddress,
    first_name: personName.optional(),
    last_name: personName.optional(),
    username: username.optional(),
    phone_number: phoneNumber.optional(),
    role: role.optional(),
    department_id: id.nullable().optional(),
    password: newPassword.optional(),
    is_approved: z.boolean().optional(),
  }),
);

const UserUpdate = conforms<components['schemas']['UserUpdate']>()(
  z
    .strictObject({
      email: emailAddress.optional(),
      first_name: personName.optional(),
      last_name: personName.optional(),
      username: username.optional(),
      phone_number: phoneNumber.optional(),
      avatar_url: avatarUrl.optional(),
      role: role.optional(),
      department_id: id.nullable().optional(),
      is_active: z.boolean().optional(),
      is_approved: z.boolean().optional(),
      unlock: z.literal(true, { error: 'must be true' }).optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

/** Each sort: its key expression, the SQL type its cursor value is cast to, and its direction. */
const SORTS = {
  email: { key: 'lower(email)', cast: 'text', descending: false },
  '-email': { key: 'lower(email)', cast: 'text', descending: true },
  created_at: { key: 'created_at', cast: 'timestamptz', descending: false },
  '-created_at': { key: 'created_at', cast: 'timestamptz', descending: true },
} as const;

const ListQuery = z.strictObject({
  ...page,
  role: oneOrMany(role).pipe(z.array(role).max(4)).optional(),
  department_id: id.optional(),
  is_active: flag.optional(),
  q: z.string().min(1).max(100).optional(),
  sort: z.enum(['email', '-email', 'created_at', '-created_at']).default('email'),
});

const Params = z.strictObject({ user_id: id });

/** `q` is matched literally: LIKE's wildcards in it are escaped. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

interface ListedUserRow extends UserRow {
  sort_key: string;
}

export function userRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { role: query.role, department_id: query.department_id, is_active: query.is_active, q: query.q, sort: query.sort };
      const print = fingerprint('users', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      const sort = SORTS[query.sort];
      const direction = sort.descending ? 'desc' : 'asc';
      // The sort key is selected as text so that timestamps keep their microseconds in the cursor.
      const { rows } = await c.get('tx').query<ListedUserRow>(
        `select ${USER_COLUMNS}, ${sort.key}::text as sort_key from users
          where ($1::text[] is null or role = any($1::text[]::user_role[]))
            and ($2::uuid is null or department_id = $2)
            and ($3::boolean is null or is_active = $3)
            and ($4::text is null or email ilike $4 or first_name ilike $4 or last_name ilike $4 or username ilike $4
                 or (first_name || ' ' || last_name) ilike $4)
            and ($5::text is null or (${sort.key}, id) ${sort.descending ? '<' : '>'} ($5::${sort.cast}, $6::uuid))
          order by ${sort.key} ${direction}, id ${direction}
          limit $7`,
        [
          query.role ?? null,
          query.department_id ?? null,
          query.is_active ?? null,
          query.q ? likePattern(query.q) : null,
          after?.[0] ?? null,
          after?.[1] ?? null,
          query.limit + 1,
        ],
      );
      const now = deps.clock.now();
      return c.json(toPage(rows, query.limit, print, (row) => [row.sort_key, row.id], (row) => toUser(row, now)));
    })
    .post('/', async (c) => {
      const body = await readJson(c, UserCreate);
      if (body.password !== undefined) assertPasswordAllowed(body.password, body.email, 'password');
      const passwordHash = body.password === undefined ? null : await hashPassword(body.password);
      const { rows } = await c.get('tx').query<UserRow>(
        `insert into users (email, first_name, last_name, username, phone_number, role, department_id, password_hash, is_approved)
         values ($1, coalesce($2, ''), coalesce($3, ''), $4, $5, coalesce($6::user_role, 'customer'), $7, $8, coalesce($9, true))
         on conflict ((lower(email))) do nothing
         returning ${USER_COLUMNS}`,
        [
          body.email,
          body.first_name ?? null,
          body.last_name ?? null,
          body.username ?? null,
          body.phone_number ?? null,
          body.role ?? null,
          body.department_id ?? null,
          passwordHash,
          body.is_approved ?? null,
        ],
      );
      if (!rows[0]) throw new Problem(409, 'conflict', 'A user with this email already exists.');
      const user = toUser(rows[0], deps.clock.now());
      return c.json(user, 201, { Location: `/v1/users/${user.id}` });
    })
    .get('/:user_id', async (c) => {
      const { user_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<UserRow>(`select ${USER_COLUMNS} from users where id = $1`, [user_id]);
      if (!rows[0]) throw notFound('user');
      return c.json(toUser(rows[0], deps.clock.now()));
    })
    .patch('/:user_id', async (c) => {
      const { user_id } = readParams(c, Params);
      const body = await readJson(c, UserUpdate);
      const tx = c.get('tx');
      const given = (field: keyof typeof body) => field in body;
      const now = deps.clock.now();
      // Only a lock still running makes an unlock worth an audit row.
      const wasLocked = body.unlock
        ? (await tx.query<{ locked: boolean }>('select coalesce(locked_until > $2, false) as locked from users where id = $1', [user_id, now]))
            .rows[0]?.locked === true
        : false;
      // Absent fields keep their value; for nullable ones an explicit null clears it. A role
      // change is audited by the database's own trigger.
      const { rows } = await tx.query<UserRow>(
        `update users set
           email = coalesce($2, email),
           first_name = coalesce($3, first_name),
           last_name = coalesce($4, last_name),
           username = case when $5 then $6 else username end,
           phone_number = case when $7 then $8 else phone_number end,
           avatar_url = case when $9 then $10 else avatar_url end,
           role = coalesce($11::user_role, role),
           department_id = case when $12 then $13::uuid else department_id end,
           is_active = coalesce($14, is_active),
           is_approved = coalesce($15, is_approved),
           failed_login_attempts = case when $16 then 0 else failed_login_attempts end,
           locked_until = case when $16 then null else locked_until end
         where id = $1
         returning ${USER_COLUMNS}`,
        [
          user_id,
          body.email ?? null,
          body.first_name ?? null,
          body.last_name ?? null,
          given('username'),
          body.username ?? null,
          given('phone_number'),
          body.phone_number ?? null,
          given('avatar_url'),
          body.avatar_url ?? null,
          body.role ?? null,
          given('department_id'),
          body.department_id ?? null,
          body.is_active ?? null,
          body.is_approved ?? null,
          body.unlock === true,
        ],
      );
      if (!rows[0]) throw await refusal(tx, 'users', user_id, 'user', 'Only admins may change other users.');
      if (wasLocked) await audit(tx, { event: 'account_unlocked', status: 'success', userId: user_id, message: 'unlocked by an admin' });
      return c.json(toUser(rows[0], now));
    });
}
