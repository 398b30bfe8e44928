/** Accepting an invitation: anonymous, the token is the credential. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { clientOf } from '../../auth/client-info.js';
import { acceptInvitation } from '../../auth/invitation-accept.js';
import { newPassword } from '../../auth/password-policy.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson } from '../../http/input.js';
import { personName } from './fields.js';
import { toUser } from './user.js';

const InvitationAccept = conforms<components['schemas']['InvitationAccept']>()(
  z.strictObject({
    token: z.string().min(1).max(512),
    password: newPassword,
    first_name: personName.min(1),
    last_name: personName,
  }),
);

export function invitationAcceptRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().post('/', async (c) => {
    const body = await readJson(c, InvitationAccept);
    const { user, tokens } = await acceptInvitation(
      deps,
      { token: body.token, password: body.password, firstName: body.first_name, lastName: body.last_name },
      clientOf(c),
    );
    const answer: components['schemas']['AuthTokens'] = { ...tokens, user: toUser(user, deps.clock.now()) };
    return c.json(answer, 201, { Location: `/v1/users/${user.id}` });
  });
}
