/**
 * The client-side throttle (`throttle: true`): every answer of the API says how many requests its
 * rate-limit window has left (`RateLimit-Remaining`) and in how many seconds it starts afresh
 * (`RateLimit-Reset`, IETF draft). Once none are left, the next requests wait for the reset here
 * instead of being sent into a 429.
 *
 * It only knows what answers said: requests already on their way when the window runs out can still
 * be refused with a 429 (and are retried as usual). A hold longer than the retry policy's longest
 * wait is not held: the request goes out, and its 429 fails the call at once as any too-long
 * `Retry-After` does, rather than hanging the caller for an hour.
 */
import { pause } from './wait.js';

export class RateLimitWindow {
  /** When requests may go out again (epoch milliseconds); in the past while the window has room. */
  #resumeAt = 0;

  readonly #maxHoldMs: number;

  /** @param maxHoldMs the longest hold; a longer one is not waited for (see above). */
  constructor(maxHoldMs: number) {
    this.#maxHoldMs = maxHoldMs;
  }

  /** Notes what an answer says about the window. */
  observe(headers: Headers): void {
    const remaining = wholeNumber(headers.get('ratelimit-remaining'));
    const reset = wholeNumber(headers.get('ratelimit-reset'));
    if (remaining !== 0 || reset === undefined) return;
    // Answers can arrive out of order: never shorten a hold another answer asked for.
    this.#resumeAt = Math.max(this.#resumeAt, Date.now() + reset * 1000);
  }

  /** Milliseconds until the window has room again; 0 when it has (or nothing is known). */
  holdMs(): number {
    return Math.max(0, this.#resumeAt - Date.now());
  }

  /**
   * Resolves when a request may go out: at once, or after the reset. Rejects with an `AbortError`
   * when `signal` aborts first. `onHold` is told each wait before it starts.
   */
  async wait(signal: AbortSignal | undefined, onHold: (ms: number) => void): Promise<void> {
    // A loop: an answer that came in during the wait may have moved the reset further.
    for (let ms = this.holdMs(); ms > 0 && ms <= this.#maxHoldMs; ms = this.holdMs()) {
      onHold(ms);
      await pause(ms, signal, 'for the rate limit window');
    }
  }
}

/** The header as a whole number, or undefined when it is missing or malformed. */
function wholeNumber(value: string | null): number | undefined {
  return value !== null && /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}
