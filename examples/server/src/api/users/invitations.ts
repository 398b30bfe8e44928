/**
 * Invitations to join, sent by admins (anyone, any role) and managers (customers and agents, into
 * their own department); row-level security decides, the API does not check roles.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { audit } from '../../auth/audit.js';
import { requireScope } from '../../auth/scopes.js';
import { newSecret, sha256Hex } from '../../auth/secrets.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';
import { id, page } from '../../http/schemas.js';
import { afterCommit } from '../../http/transaction.js';
import { emailAddress } from './fields.js';
import { effectiveStatus, INVITATION_COLUMNS, toInvitation, type InvitationRow } from './invitation.js';
import { sendInvitationEmail } from './invitation-email.js';

const status = z.enum(['pending', 'accepted', 'expired', 'cancelled']);

const InvitationCreate = conforms<components['schemas']['InvitationCreate']>()(
  z.strictObject({
    email: emailAddress,
    role: z.enum(['customer', 'agent', 'manager', 'admin']),
    department_id: id.nullable().optional(),
  }),
);

const ListQuery = z.strictObject({ ...page, status: status.optional(), email: z.string().min(1).max(255).optional() });

const Params = z.strictObject({ invitation_id: id });

interface ListedInvitationRow extends InvitationRow {
  created_key: string;
}

export function invitationRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { status: query.status, email: query.email };
      const print = fingerprint('invitations', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      // Newest first; the status filter applies the same expiry rule as the answer.
      const { rows } = await c.get('tx').query<ListedInvitationRow>(
        `select ${INVITATION_COLUMNS}, created_at::text as created_key from user_invitations
          where ($1::text is null
                 or (case when status = 'pending' and expires_at <= $2 then 'expired' else status::text end) = $1)
            and ($3::text is null or lower(email) = lower($3))
            and ($4::text is null or (created_at, id) < ($4::timestamptz, $5::uuid))
          order by created_at desc, id desc
          limit $6`,
        [query.status ?? null, deps.clock.now(), query.email ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      const now = deps.clock.now();
      return c.json(toPage(rows, query.limit, print, (row) => [row.created_key, row.id], (row) => toInvitation(row, now)));
    })
    .post('/', async (c) => {
      const body = await readJson(c, InvitationCreate);
      const tx = c.get('tx');
      const now = deps.clock.now();
      // An expired invitation still holds the one pending slot per address until it is marked.
      await tx.query(
        "update user_invitations set status = 'expired' where lower(email) = lower($1) and status = 'pending' and expires_at <= $2",
        [body.email, now],
      );
      const { rows: pending } = await tx.query("select 1 from user_invitations where lower(email) = lower($1) and status = 'pending'", [body.email]);
      if (pending.length > 0) throw new Problem(409, 'conflict', 'An invitation to this address is already pending; cancel it first.');

      const token = newSecret();
      // Managers may only invite into their own department: left out, that is where the invitee goes.
      const { rows } = await tx.query<InvitationRow>(
        `insert into user_invitations (email, token_hash, role, department_id, expires_at, created_at)
         values ($1, $2, $3, case when $4 then $5::uuid when app.role() = 'manager' then app.department_id() end, $6, $7)
         returning ${INVITATION_COLUMNS}`,
        [body.email, sha256Hex(token), body.role, 'department_id' in body, body.department_id ?? null,
          new Date(now.getTime() + deps.auth.invitationTtlSeconds * 1000), now],
      );
      const invitation = rows[0]!;
      // Checked after the insert, so that a caller who may not invite at all hears 403, not this.
      const { rows: existing } = await tx.query('select 1 from users where lower(email) = lower($1)', [body.email]);
      if (existing.length > 0) throw new Problem(409, 'conflict', 'A user with this email already exists.');

      await audit(tx, {
        event: 'user_invited',
        status: 'success',
        userId: invitation.invited_by,
        metadata: { invitation_id: invitation.id, email: invitation.email, role: invitation.role, department_id: invitation.department_id },
      });
      afterCommit(c, () => sendInvitationEmail(deps, invitation, token));
      const created: components['schemas']['InvitationCreated'] = { ...toInvitation(invitation, now), token };
      return c.json(created, 201);
    })
    .post('/:invitation_id/cancel', async (c) => {
      const { invitation_id } = readParams(c, Params);
      const tx = c.get('tx');
      const now = deps.clock.now();
      const { rows } = await tx.query<InvitationRow>(
        `update user_invitations set status = 'cancelled'
          where id = $1 and status = 'pending' and expires_at > $2
          returning ${INVITATION_COLUMNS}`,
        [invitation_id, now],
      );
      if (rows[0]) return c.json(toInvitation(rows[0], now));

      const { rows: seen } = await tx.query<Pick<InvitationRow, 'status' | 'expires_at'>>(
        'select status, expires_at from user_invitations where id = $1',
        [invitation_id],
      );
      const current = seen[0];
      if (!current) throw notFound('invitation');
      const state = effectiveStatus(current, now);
      if (state !== 'pending') throw new Problem(409, 'invalid_transition', `The invitation is ${state}; only a pending invitation can be cancelled.`);
      throw forbidden('Only admins and the manager who sent an invitation may cancel it.');
    });
}
