/**
 * How the client authenticates. An API key and an access token are sent as they are. Credentials
 * (email and password) log in on first use and keep the token pair in memory: when the access token
 * expires, the next request's 401 refreshes it once — concurrent requests share that one refresh —
 * and the request is sent again.
 */
import type { components } from '../generated/api.js';

type AuthTokens = components['schemas']['AuthTokens'];

/** Sends one anonymous request for tokens (the transport, without auth or retries of 401s). */
export type TokenRequest = (path: '/v1/auth/login' | '/v1/auth/refresh', body: object) => Promise<AuthTokens>;

export interface Authenticator {
  /** The `Authorization` header for the next request. */
  header(): Promise<string>;
  /**
   * Called after a 401 to the request sent with `sentWith`; resolves true when new credentials were
   * obtained and the request is worth sending again.
   */
  renew(sentWith: string): Promise<boolean>;
}

/** A fixed token: an API key (`tf_…`) or an access token obtained elsewhere. */
export function staticToken(token: string): Authenticator {
  return { header: () => Promise.resolve(`Bearer ${token}`), renew: () => Promise.resolve(false) };
}

/** Email and password: log in when first needed, refresh on expiry, log in again if that fails. */
export function credentialsAuth(credentials: { email: string; password: string }, requestTokens: TokenRequest): Authenticator {
  let tokens: Promise<AuthTokens> | undefined;
  /** The renewal under way, and the header it replaces. */
  let renewal: { replacing: string; done: Promise<unknown> } | undefined;

  const bearer = (held: AuthTokens) => `Bearer ${held.access_token}`;
  const login = () => requestTokens('/v1/auth/login', { email: credentials.email, password: credentials.password });
  // A failed login or refresh is forgotten, so that the next request starts afresh.
  const settle = (pending: Promise<AuthTokens>) =>
    pending.catch((error: unknown) => {
      tokens = undefined;
      throw error;
    });
  const current = () => (tokens ??= settle(login()));

  return {
    async header() {
      return bearer(await current());
    },
    async renew(sentWith) {
      const held = await current().catch(() => undefined);
      // Renewed since this request was sent: just send it again.
      if (held && bearer(held) !== sentWith) return true;
      // One renewal for all the requests that failed with the same token: a refresh token works
      // once, so a second refresh with it would be taken for theft and end the session.
      if (renewal?.replacing !== sentWith) {
        const refreshed = held ? requestTokens('/v1/auth/refresh', { refresh_token: held.refresh_token }).catch(login) : login();
        tokens = settle(refreshed);
        renewal = { replacing: sentWith, done: tokens };
      }
      await renewal.done;
      return true;
    },
  };
}
