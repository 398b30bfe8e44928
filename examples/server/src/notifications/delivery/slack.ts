/**
 * Slack through an incoming-webhook URL: the message is posted into the channel the webhook was
 * made for, naming the person it is for. The URL is a secret (whoever has it can post), so it never
 * appears in a failure reason or a log.
 */
import type { NotificationChannel, OutgoingNotification } from './channel.js';
import { DeliveryError, UndeliverableError } from './errors.js';

export interface SlackChannelOptions {
  webhookUrl: string;
  /** Injected by tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  /** For the whole exchange, the answer's body included. */
  timeoutMs?: number;
}

/** Slack keeps a section's text under 3000 characters. */
const MAX_TEXT = 2900;

/** The Slack channel: a 2xx answer means the message is in the channel (`delivered`). */
export function slackChannel({ webhookUrl, fetch: post = fetch, timeoutMs = 10_000 }: SlackChannelOptions): NotificationChannel {
  return {
    async send(notification) {
      const signal = AbortSignal.timeout(timeoutMs);
      let status: number;
      let answer: string;
      let retryAfter: string | null;
      try {
        const response = await post(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(slackMessage(notification)),
          // A redirect would carry the message somewhere the operator did not configure.
          redirect: 'error',
          signal,
        });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        answer = await response.text();
      } catch (error) {
        throw new DeliveryError(
          signal.aborted ? `Slack did not answer within ${timeoutMs} ms` : `Slack could not be reached: ${networkReason(error, webhookUrl)}`,
          { cause: error },
        );
      }
      if (status >= 200 && status < 300) return { status: 'delivered' };
      const reason = `Slack answered ${status}${answer ? `: ${answer.slice(0, 200)}` : ''}`;
      // 4xx answers (invalid_payload, no_service, channel_is_archived) repeat however often we ask.
      if (status === 408 || status === 429 || status >= 500) {
        throw new DeliveryError(reason, { ...retryAfterOption(retryAfter) });
      }
      throw new UndeliverableError(reason);
    },
  };
}

/** The webhook's JSON: a plain `text` for phone notifications, the blocks for the channel. */
function slackMessage(notification: OutgoingNotification): Record<string, unknown> {
  const text = `*${escape(notification.title)}*\n${escape(notification.body)}`;
  return {
    text: notification.title,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `For ${escape(notification.recipient.name)}` }] },
    ],
  };
}

/** Slack's three control characters in mrkdwn; anything else is shown as written. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The cause behind fetch's generic "fetch failed" (ECONNREFUSED, ENOTFOUND…), with the URL blanked out. */
function networkReason(error: unknown, url: string): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const reason = cause && typeof cause.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error);
  return reason.split(url).join('<webhook URL>');
}

/** `Retry-After` in seconds (Slack's form); an HTTP date is ignored and the backoff applies. */
function retryAfterOption(header: string | null): { retryAfterMs?: number } {
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: seconds * 1000 } : {};
}
