/** `tf.invitations`: invitations to join. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * Invitations to join: admins and managers send them, the invitee accepts one with its emailed token.
 *
 * @example
 * ```ts
 * const invitation = await tf.invitations.create({ email: 'grace@example.com', role: 'agent' });
 * ```
 */
export class Invitations extends Resource {
  /**
   * The invitations the caller may see, newest first.
   *
   * @example
   * ```ts
   * for await (const invitation of tf.invitations.list({ status: 'pending' })) console.log(invitation.email);
   * ```
   */
  list(query?: ListQueryOf<'listInvitations'>, options?: RequestOptions): PagePromise<ItemOf<'listInvitations'>> {
    return this.paginate({ operation: 'listInvitations', method: 'GET', path: '/v1/invitations', query, options });
  }

  /**
   * Invites someone; the answer carries the one-time `token`, which is also emailed to them.
   *
   * @example
   * ```ts
   * const { id, token } = await tf.invitations.create({ email: 'grace@example.com', role: 'agent', department_id: supportId });
   * ```
   */
  create(body: BodyOf<'createInvitation'>, options?: RequestOptions): APIPromise<ResultOf<'createInvitation'>> {
    return this.call({ operation: 'createInvitation', method: 'POST', path: '/v1/invitations', body, options });
  }

  /**
   * Accepts an invitation (sent without credentials: the token is the credential), creating the account and logging it in.
   *
   * @example
   * ```ts
   * const { access_token, user } = await tf.invitations.accept({ token, password: 'a long passphrase', first_name: 'Grace', last_name: 'Hopper' });
   * ```
   */
  accept(body: BodyOf<'acceptInvitation'>, options?: RequestOptions): APIPromise<ResultOf<'acceptInvitation'>> {
    return this.call({ operation: 'acceptInvitation', method: 'POST', path: '/v1/invitations/accept', body, options, anonymous: true, idempotent: false });
  }

  /**
   * Cancels a pending invitation (admins, or the manager who sent it).
   *
   * @example
   * ```ts
   * await tf.invitations.cancel(invitationId);
   * ```
   */
  cancel(invitationId: string, options?: RequestOptions): APIPromise<ResultOf<'cancelInvitation'>> {
    return this.call({ operation: 'cancelInvitation', method: 'POST', path: path`/v1/invitations/${invitationId}/cancel`, options });
  }
}
