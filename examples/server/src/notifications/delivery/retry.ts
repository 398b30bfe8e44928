/**
 * When to try a failed notification again: exponential backoff with jitter, up to a number of
 * attempts. The jitter keeps the rows that failed together (an SMTP server down for a minute) from
 * all coming back in the same instant; half of each delay is fixed so the backoff still grows.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failed one the row is `failed`. */
  maxAttempts: number;
  /** The delay after the first failure, before jitter. Doubles with each further failure. */
  baseDelayMs: number;
  /** No delay is longer than this, a provider's `Retry-After` included. */
  maxDelayMs: number;
  /** A number in [0, 1); tests pass a fixed one so that delays can be worked out by hand. */
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 60_000,
  maxDelayMs: 60 * 60_000,
  random: Math.random,
};

/**
 * The delay before the next attempt after `failures` failed ones (1 after the first): a ceiling of
 * `baseDelayMs · 2^(failures-1)` capped at `maxDelayMs`, of which the first half is always waited
 * and the second half is random; never shorter than what the provider asked for (`retryAfterMs`).
 */
export function retryDelayMs(policy: RetryPolicy, failures: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  const jittered = ceiling / 2 + policy.random() * (ceiling / 2);
  const asked = Math.min(policy.maxDelayMs, Math.max(0, retryAfterMs ?? 0));
  return Math.round(Math.max(jittered, asked));
}
