/**
 * How the client authenticates. An API key and an access token are sent as they are. Credentials
 * (email and password) log in on first use and keep the token pair in memory: when the access token
 * expires, the next request's 401 refreshes it once — concurrent requests share that one refresh —
 * and the request is sent again.
 */
import type { components } from '../generated/api.js';
import { abortable } from './wait.js';

type AuthTokens = components['schemas']['AuthTokens'];

/** Sends one anonymous request for tokens (the transport, without auth or retries of 401s). */
export type TokenRequest = (path: '/v1/auth/login' | '/v1/auth/refresh', body: object) => Promise<AuthTokens>;

export interface Authenticator {
  /**
   * The `Authorization` header for the next request. Rejects with an `AbortError` as soon as
   * `signal` aborts, without cancelling a login other requests wait for.
   */
  header(signal?: AbortSignal): Promise<string>;
  /**
   * Called after a 401 to the request sent with `sentWith`; resolves true when new credentials were
   * obtained and the request is worth sending again. Abortable like {@link Authenticator.header}.
   */
  renew(sentWith: string, signal?: AbortSignal): Promise<boolean>;
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
    // The login and refresh are shared, and sent without any caller's signal: one caller giving up
    // stops waiting for them, not them.
    async header(signal) {
      return bearer(await abortable(current(), signal, 'for the login'));
    },
    async renew(sentWith, signal) {
      const held = await abortable(current().catch(() => undefined), signal, 'for the login');
      // Renewed since this request was sent: just send it again.
      if (held && bearer(held) !== sentWith) return true;
      // One renewal for all the requests that failed with the same token: a refresh token works
      // once, so a second refresh with it would be taken for theft and end the session.
      if (renewal?.replacing !== sentWith) {
        const refreshed = held ? requestTokens('/v1/auth/refresh', { refresh_token: held.refresh_token }).catch(login) : login();
        tokens = settle(refreshed);
        renewal = { replacing: sentWith, done: tokens };
      }
      await abortable(renewal.done, signal, 'for new credentials');
      return true;
    },
  };
}
