/**
 * When a failed request is sent again. Only requests that cannot do a thing twice are retried:
 * GET, PUT, DELETE, and POSTs carrying an `Idempotency-Key` (the SDK adds one to every idempotent
 * POST, the same across a call's retries). What is retried: no answer (connection error, timeout),
 * 408, 429 and 5xx. The wait doubles from `baseDelayMs` with jitter, and is at least what the API
 * asked for in `Retry-After` (or, on a 429, `RateLimit-Reset`).
 */

/** How the client retries; see {@link ClientOptions.maxRetries}. */
export interface RetryPolicy {
  /** Retries after the first attempt (0: none). */
  maxRetries: number;
  /** The wait before the first retry, before jitter; doubles for each further one. */
  baseDelayMs: number;
  /** No wait is longer, `Retry-After` included: a longer one fails the call instead. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 60_000 };

const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Whether a failed request may be sent again: not a PATCH (no idempotency key there), and not an
 * operation the contract calls non-idempotent (login, refresh, password changes, accepting an
 * invitation), which is only retried on 429, when the API refused it before doing anything.
 */
export function mayRetry(method: string, idempotent: boolean, status: number | undefined): boolean {
  if (!idempotent) return status === 429;
  return method !== 'PATCH';
}

/** Whether an answer of `status` is worth another attempt. */
export const isRetriedStatus = (status: number) => RETRIED_STATUSES.has(status);

/**
 * Milliseconds to wait before retry number `retry` (1 for the first), or `null` when the API asks
 * for a longer wait than the policy allows. `random` is injectable so that tests know the jitter.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, answer: { status: number; headers: Headers } | undefined, random: () => number = Math.random): number | null {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  // Half fixed, half random: the backoff still grows, and clients failing together spread out.
  const backoff = ceiling / 2 + (random() * ceiling) / 2;
  const asked = answer ? askedWaitMs(answer.headers, answer.status === 429) : undefined;
  if (asked === undefined) return Math.round(backoff);
  return asked > policy.maxDelayMs ? null : Math.round(Math.max(asked, backoff));
}

/**
 * `Retry-After` (seconds or an HTTP date), else on a 429 `RateLimit-Reset` (seconds), in
 * milliseconds. The API sends RateLimit headers on every answer: on a 5xx the window's reset says
 * nothing about when to come back.
 */
function askedWaitMs(headers: Headers, rateLimited: boolean): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  if (!rateLimited) return undefined;
  const reset = Number(headers.get('ratelimit-reset') ?? Number.NaN);
  return Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
}
