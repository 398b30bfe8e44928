/** `tf.auth`: login, tokens, passwords and the current user. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ResultOf } from '../core/operations.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Login, tokens, passwords and the current user. Login, refresh, logout and password resets are
 * sent without credentials: their body carries the credential.
 *
 * @example
 * ```ts
 * const me = await tf.auth.me();
 * ```
 */
export class Auth extends Resource {
  /**
   * Logs in with email and password (sent without credentials) and answers a token pair and the user.
   *
   * @example
   * ```ts
   * const { access_token, refresh_token, user } = await tf.auth.login({ email: 'ada@example.com', password });
   * ```
   */
  login(body: BodyOf<'login'>, options?: RequestOptions): APIPromise<ResultOf<'login'>> {
    return this.call({ operation: 'login', method: 'POST', path: '/v1/auth/login', body, options, anonymous: true, idempotent: false });
  }

  /**
   * Exchanges a refresh token (sent without credentials) for a new token pair; each refresh token works once.
   *
   * @example
   * ```ts
   * const tokens = await tf.auth.refresh({ refresh_token: previous.refresh_token });
   * ```
   */
  refresh(body: BodyOf<'refreshTokens'>, options?: RequestOptions): APIPromise<ResultOf<'refreshTokens'>> {
    return this.call({ operation: 'refreshTokens', method: 'POST', path: '/v1/auth/refresh', body, options, anonymous: true, idempotent: false });
  }

  /**
   * Ends the session a refresh token belongs to (sent without credentials); an unknown token is no error.
   *
   * @example
   * ```ts
   * await tf.auth.logout({ refresh_token: tokens.refresh_token });
   * ```
   */
  logout(body: BodyOf<'logout'>, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'logout', method: 'POST', path: '/v1/auth/logout', body, options, anonymous: true, idempotent: false });
  }

  /**
   * Asks for a password reset link to be emailed (sent without credentials); the answer is the same whether or not the account exists.
   *
   * @example
   * ```ts
   * await tf.auth.requestPasswordReset({ email: 'ada@example.com' });
   * ```
   */
  requestPasswordReset(body: BodyOf<'requestPasswordReset'>, options?: RequestOptions): APIPromise<ResultOf<'requestPasswordReset'>> {
    return this.call({ operation: 'requestPasswordReset', method: 'POST', path: '/v1/auth/password-reset', body, options, anonymous: true, idempotent: false });
  }

  /**
   * Sets a new password with the token of a reset link (sent without credentials), ending every session of the account.
   *
   * @example
   * ```ts
   * await tf.auth.confirmPasswordReset({ token, new_password: 'a new long passphrase' });
   * ```
   */
  confirmPasswordReset(body: BodyOf<'confirmPasswordReset'>, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'confirmPasswordReset', method: 'POST', path: '/v1/auth/password-reset/confirm', body, options, anonymous: true, idempotent: false });
  }

  /**
   * Changes the caller's password (access tokens only); other sessions are logged out, this one stays.
   *
   * @example
   * ```ts
   * await tf.auth.changePassword({ current_password: oldPassword, new_password: 'a new long passphrase' });
   * ```
   */
  changePassword(body: BodyOf<'changePassword'>, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'changePassword', method: 'POST', path: '/v1/auth/password', body, options, idempotent: false });
  }

  /**
   * The caller: the user behind the access token or API key.
   *
   * @example
   * ```ts
   * const { id, role } = await tf.auth.me();
   * ```
   */
  me(options?: RequestOptions): APIPromise<ResultOf<'getCurrentUser'>> {
    return this.call({ operation: 'getCurrentUser', method: 'GET', path: '/v1/auth/me', options });
  }

  /**
   * Updates the caller's profile (names, username, phone number, avatar, preferences).
   *
   * @example
   * ```ts
   * await tf.auth.updateMe({ first_name: 'Ada', preferences: { theme: 'dark' } });
   * ```
   */
  updateMe(body: BodyOf<'updateCurrentUser'>, options?: RequestOptions): APIPromise<ResultOf<'updateCurrentUser'>> {
    return this.call({ operation: 'updateCurrentUser', method: 'PATCH', path: '/v1/auth/me', body, options });
  }
}
