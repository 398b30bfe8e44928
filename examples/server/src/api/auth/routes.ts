/**
 * Login, token refresh and logout, password resets, and the current user. Mounted before
 * authentication: these routes are anonymous (the body carries the credential) except `/me` and
 * `/password`, which authenticate themselves.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { authenticate } from '../../auth/authenticate.js';
import { clientOf } from '../../auth/client-info.js';
import { login } from '../../auth/login.js';
import { changePassword } from '../../auth/password-change.js';
import { anyPassword, newPassword } from '../../auth/password-policy.js';
import { confirmPasswordReset, requestPasswordReset } from '../../auth/password-reset.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { readJson } from '../../http/input.js';
import { forbidden, Problem } from '../../http/problem.js';
import { toUser } from '../users/user.js';
import { meRoutes } from './me.js';
import { logout, refresh } from '../../auth/session-lifecycle.js';

const secret = z.string().min(1).max(512);

const AuthLogin = conforms<components['schemas']['AuthLogin']>()(
  z.strictObject({ email: z.string().trim().min(1).max(255), password: anyPassword }),
);
const AuthRefresh = conforms<components['schemas']['AuthRefresh']>()(z.strictObject({ refresh_token: secret }));
const AuthLogout = conforms<components['schemas']['AuthLogout']>()(z.strictObject({ refresh_token: secret }));
const PasswordResetRequest = conforms<components['schemas']['PasswordResetRequest']>()(
  z.strictObject({ email: z.string().trim().min(1).max(255) }),
);
const PasswordResetConfirm = conforms<components['schemas']['PasswordResetConfirm']>()(
  z.strictObject({ token: secret, new_password: newPassword }),
);
const PasswordChange = conforms<components['schemas']['PasswordChange']>()(
  z.strictObject({ current_password: anyPassword, new_password: newPassword }),
);

/** One text for every failed login, so the answer cannot tell the reasons apart. */
export const INVALID_CREDENTIALS = 'The email or password is wrong, or the account cannot log in right now.';

const RESET_ACCEPTED: components['schemas']['PasswordResetAccepted'] = {
  message: 'If an active account uses this address, a link to reset its password is on its way.',
};

export function authRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .post('/login', async (c) => {
      const body = await readJson(c, AuthLogin);
      const result = await login(deps, body.email, body.password, clientOf(c));
      if (!result.ok) throw new Problem(401, 'invalid_credentials', INVALID_CREDENTIALS);
      const tokens: components['schemas']['AuthTokens'] = { ...result.tokens, user: toUser(result.user, deps.clock.now()) };
      return c.json(tokens);
    })
    .post('/refresh', async (c) => {
      const body = await readJson(c, AuthRefresh);
      return c.json(await refresh(deps, body.refresh_token, clientOf(c)));
    })
    .post('/logout', async (c) => {
      const body = await readJson(c, AuthLogout);
      await logout(deps, body.refresh_token, clientOf(c));
      return c.body(null, 204);
    })
    .post('/password-reset', async (c) => {
      const body = await readJson(c, PasswordResetRequest);
      await requestPasswordReset(deps, body.email, clientOf(c));
      return c.json(RESET_ACCEPTED, 202);
    })
    .post('/password-reset/confirm', async (c) => {
      const body = await readJson(c, PasswordResetConfirm);
      await confirmPasswordReset(deps, body.token, body.new_password, clientOf(c));
      return c.body(null, 204);
    })
    // Credentials are read and written on the server's own connection (the request role cannot
    // read password hashes or refresh tokens), so this route opens no request transaction.
    .post('/password', authenticate(deps), async (c) => {
      const principal = c.get('principal');
      if (principal.via !== 'access_token') throw forbidden('Change a password with an access token from a login, not with an API key.');
      const body = await readJson(c, PasswordChange);
      await changePassword(
        deps,
        { userId: principal.userId, sessionId: principal.sessionId, currentPassword: body.current_password, newPassword: body.new_password },
        clientOf(c),
      );
      return c.body(null, 204);
    })
    .route('/me', meRoutes(deps));
}
