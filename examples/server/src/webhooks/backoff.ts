/** When a failed webhook delivery is tried again. */

export interface RetryPolicy {
  /** Attempts per queuing (the first one included); after the last failure the delivery is `failed`. */
  maxAttempts: number;
  /** The wait after the first failure; each further failure doubles it. */
  baseDelaySeconds: number;
  /** No wait is longer than this (before jitter). */
  maxDelaySeconds: number;
  /** A number in [0, 1); injectable so tests know the jitter. */
  random: () => number;
}

/** Ten attempts over about four hours: 30 s, 1, 2, 4, … 128 min. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 10,
  baseDelaySeconds: 30,
  maxDelaySeconds: 6 * 3600,
  random: Math.random,
};

/**
 * Seconds to wait after failed attempt number `failures` (1-based): exponential, capped, then
 * spread by ±20% so receivers coming back after an outage are not hit by every delivery at once.
 */
export function retryDelaySeconds(policy: RetryPolicy, failures: number): number {
  const exponential = Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** Math.max(0, failures - 1));
  return exponential * (0.8 + 0.4 * policy.random());
}
