/**
 * Refreshing and ending sessions, as the anonymous endpoints need them: one transaction on the
 * server's own connection each, audited with the client's address.
 */
import type { components } from '../../../../src/generated/api.js';
import { USER_COLUMNS, toUser, type UserRow } from '../api/users/user.js';
import type { AppDeps } from '../context.js';
import { bindActor } from '../db/actor.js';
import { Problem } from '../http/problem.js';
import { audit, bindClient } from './audit.js';
import type { ClientInfo } from './client-info.js';
import { findFamily, revokeFamily, rotateRefreshToken } from './refresh-tokens.js';

type Deps = Pick<AppDeps, 'db' | 'auth' | 'clock'>;

const rejected = () =>
  new Problem(401, 'unauthenticated', 'The refresh token is invalid, expired or revoked; log in again.', undefined, {
    'WWW-Authenticate': 'Bearer realm="ticketflow"',
  });

/** A new token pair for `token`; see refresh-tokens.ts for rotation and reuse detection. */
export async function refresh(deps: Deps, token: string, client: ClientInfo): Promise<components['schemas']['AuthTokens']> {
  const outcome = await deps.db.transaction(async (tx) => {
    await bindClient(tx, client);
    const result = await rotateRefreshToken(tx, deps, token, client);
    // A detected reuse must commit (the family stays revoked), so it is answered after the transaction.
    if (!result.ok) return result;
    const { rows } = await tx.query<UserRow>(`select ${USER_COLUMNS} from users where id = $1`, [result.userId]);
    await bindActor(tx, { userId: result.userId, clientIp: client.ip, userAgent: client.userAgent });
    await audit(tx, { event: 'token_refreshed', status: 'success', userId: result.userId, metadata: { retried: result.retried } });
    return { ...result, user: rows[0]! };
  });
  if (!outcome.ok) throw rejected();
  return { ...outcome.tokens, user: toUser(outcome.user, deps.clock.now()) };
}

/** Revokes the session of `token`. Unknown tokens and ended sessions change nothing, and get the same answer. */
export async function logout(deps: Deps, token: string, client: ClientInfo): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await bindClient(tx, client);
    const family = await findFamily(tx, token);
    if (!family) return;
    const revoked = await revokeFamily(tx, family.family_id, 'logout', deps.clock.now());
    if (revoked === 0) return;
    await audit(tx, { event: 'logout', status: 'success', userId: family.user_id, metadata: { family_id: family.family_id } });
  });
}
