/** `tf.chat`: live chat sessions and messages. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions, Transport } from '../core/transport.js';

/**
 * `tf.chat.sessions`: chat sessions, from the waiting queue through active to ended.
 *
 * @example
 * ```ts
 * for await (const session of tf.chat.sessions.list({ status: ['waiting'] })) {
 *   await tf.chat.sessions.accept(session.id); // take one waiting customer
 *   break;
 * }
 * ```
 */
export class ChatSessions extends Resource {
  /**
   * The chat sessions the caller may see, newest first.
   *
   * @example
   * ```ts
   * for await (const session of tf.chat.sessions.list({ status: ['waiting'] })) console.log(session.subject);
   * ```
   */
  list(query?: ListQueryOf<'listChatSessions'>, options?: RequestOptions): PagePromise<ItemOf<'listChatSessions'>> {
    return this.paginate({ operation: 'listChatSessions', method: 'GET', path: '/v1/chat/sessions', query, options });
  }

  /**
   * Starts a session in the waiting queue (customers only).
   *
   * @example
   * ```ts
   * const session = await tf.chat.sessions.create({ subject: 'Cannot log in to the VPN' });
   * ```
   */
  create(body: BodyOf<'createChatSession'>, options?: RequestOptions): APIPromise<ResultOf<'createChatSession'>> {
    return this.call({ operation: 'createChatSession', method: 'POST', path: '/v1/chat/sessions', body, options });
  }

  /**
   * One chat session.
   *
   * @example
   * ```ts
   * const session = await tf.chat.sessions.get(sessionId);
   * ```
   */
  get(sessionId: string, options?: RequestOptions): APIPromise<ResultOf<'getChatSession'>> {
    return this.call({ operation: 'getChatSession', method: 'GET', path: path`/v1/chat/sessions/${sessionId}`, options });
  }

  /**
   * Takes a waiting session as its agent (staff); one no longer waiting is a `ConflictError`.
   *
   * @example
   * ```ts
   * const session = await tf.chat.sessions.accept(sessionId); // status: 'active'
   * ```
   */
  accept(sessionId: string, options?: RequestOptions): APIPromise<ResultOf<'acceptChatSession'>> {
    return this.call({ operation: 'acceptChatSession', method: 'POST', path: path`/v1/chat/sessions/${sessionId}/accept`, options });
  }

  /**
   * Ends a session (its customer or agent, or a manager or admin); it takes no more messages.
   *
   * @example
   * ```ts
   * await tf.chat.sessions.end(sessionId);
   * ```
   */
  end(sessionId: string, options?: RequestOptions): APIPromise<ResultOf<'endChatSession'>> {
    return this.call({ operation: 'endChatSession', method: 'POST', path: path`/v1/chat/sessions/${sessionId}/end`, options });
  }
}

/**
 * `tf.chat.messages`: the messages of a chat session.
 *
 * @example
 * ```ts
 * await tf.chat.messages.post(sessionId, { body: 'Hello, how can I help?' });
 * const { data: messages } = await tf.chat.messages.list(sessionId);
 * ```
 */
export class ChatMessages extends Resource {
  /**
   * A session's messages, oldest first.
   *
   * @example
   * ```ts
   * for await (const message of tf.chat.messages.list(sessionId)) console.log(message.sender_id, message.body);
   * ```
   */
  list(sessionId: string, query?: ListQueryOf<'listChatMessages'>, options?: RequestOptions): PagePromise<ItemOf<'listChatMessages'>> {
    return this.paginate({ operation: 'listChatMessages', method: 'GET', path: path`/v1/chat/sessions/${sessionId}/messages`, query, options });
  }

  /**
   * Posts a message (the session's participants, or a manager or admin), until the session ends.
   *
   * @example
   * ```ts
   * await tf.chat.messages.post(sessionId, { body: 'Have you tried reconnecting?' });
   * ```
   */
  post(sessionId: string, body: BodyOf<'postChatMessage'>, options?: RequestOptions): APIPromise<ResultOf<'postChatMessage'>> {
    return this.call({ operation: 'postChatMessage', method: 'POST', path: path`/v1/chat/sessions/${sessionId}/messages`, body, options });
  }
}

/**
 * `tf.chat`: live chat, its sessions and their messages.
 *
 * @example
 * ```ts
 * const session = await tf.chat.sessions.create({ subject: 'Cannot print' });
 * await tf.chat.messages.post(session.id, { body: 'The printer says PC LOAD LETTER.' });
 * ```
 */
export class Chat extends Resource {
  /** Chat sessions. */
  readonly sessions: ChatSessions;
  /** The messages of a session. */
  readonly messages: ChatMessages;

  constructor(transport: Transport) {
    super(transport);
    this.sessions = new ChatSessions(transport);
    this.messages = new ChatMessages(transport);
  }
}
