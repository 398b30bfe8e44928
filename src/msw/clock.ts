/**
 * The mock's clock. It stands still unless told to move (`set`, `advance`), so timestamps, token
 * expiry and idempotency windows are the same on every run. Each write request moves it on by one
 * millisecond, as real time would, so rows keep the order they were written in.
 */

/**
 * A time as a `Date`, an RFC 3339 string or epoch milliseconds.
 *
 * @example
 * ```ts
 * mock.clock.set(new Date('2026-03-01T08:00:00Z')); // or '2026-03-01T08:00:00Z', or Date.UTC(2026, 2, 1, 8)
 * ```
 */
export type TimeInput = Date | string | number;

/**
 * The mock's controllable clock.
 *
 * @example
 * ```ts
 * const mock = createTicketflowMock({ now: '2026-01-15T09:00:00Z' });
 * mock.clock.advance(16 * 60_000);
 * mock.clock.now(); // 2026-01-15T09:16:00.000Z: access tokens issued at the start have expired
 * ```
 */
export interface MockClock {
  /**
   * The current mock time.
   *
   * @example
   * ```ts
   * const before = mock.clock.now();
   * ```
   */
  now(): Date;
  /**
   * Moves the clock to `at` (forwards or backwards).
   *
   * @example
   * ```ts
   * mock.clock.set('2026-03-01T09:00:00Z');
   * ```
   */
  set(at: TimeInput): void;
  /**
   * Moves the clock on by `ms` milliseconds: past an access token's 15 minutes, say.
   *
   * @example
   * ```ts
   * mock.clock.advance(16 * 60_000); // the access token has expired
   * ```
   */
  advance(ms: number): void;
}

/** Where the clock starts unless `createTicketflowMock({ now })` says otherwise. */
export const DEFAULT_START = '2026-01-15T09:00:00.000Z';

/** The clock, with `stamp()` for the store: the time of one write, after which time moves on 1 ms. */
export interface StoreClock extends MockClock {
  stamp(): Date;
}

export function toMillis(at: TimeInput, what = 'time'): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new TypeError(`ticketflow/msw: ${what} is not a valid date: ${String(at)}`);
  return ms;
}

export function createClock(start: TimeInput = DEFAULT_START): StoreClock {
  let current = toMillis(start, 'now');
  return {
    now: () => new Date(current),
    set(at) {
      current = toMillis(at);
    },
    advance(ms) {
      if (!Number.isFinite(ms)) throw new TypeError('ticketflow/msw: clock.advance() takes a finite number of milliseconds');
      current += ms;
    },
    stamp() {
      const at = new Date(current);
      current += 1;
      return at;
    },
  };
}
