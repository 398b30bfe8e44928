/**
 * How long a stream may outlive the request that opened it. Other requests are authenticated one at a
 * time; a stream can last for hours, so it checks again at every heartbeat: it ends once the access
 * token that opened it expires, or once the API key is revoked or expires. (A user deactivated or
 * locked meanwhile is refused by `bindActor` on the stream's next read.)
 */
import type { Context } from 'hono';
import { decodeJwt } from 'jose';
import type { AppDeps, AppEnv } from '../../context.js';

/** Resolves to whether the caller's credentials are still good. */
export type CredentialCheck = () => Promise<boolean>;

export function credentialCheck(c: Context<AppEnv>, deps: Pick<AppDeps, 'db' | 'clock'>): CredentialCheck {
  const principal = c.get('principal');
  if (principal.apiKeyId !== undefined) {
    const keyId = principal.apiKeyId;
    return async () => {
      const { rows } = await deps.db.query(
        'select 1 from api_keys where id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)',
        [keyId, deps.clock.now()],
      );
      return rows.length > 0;
    };
  }
  // authenticate() verified the token already; only its expiry is needed here.
  const token = /^Bearer (\S+)$/i.exec(c.req.header('authorization')?.trim() ?? '')?.[1];
  const expiresAt = token ? decodeJwt(token).exp : undefined;
  if (expiresAt === undefined) return () => Promise.resolve(false);
  return () => Promise.resolve(deps.clock.now().getTime() < expiresAt * 1000);
}
