/**
 * Waits the caller can abort: every wait of a call (between retries, for the throttle, for a login
 * other calls share) ends with an `AbortError` as soon as the call's signal aborts.
 */
import { AbortError } from './errors.js';

/** Waits `ms`, or rejects with an `AbortError` as soon as `signal` aborts. */
export function pause(ms: number, signal: AbortSignal | undefined, why = 'to retry'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError(`aborted while waiting ${why}`));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(`aborted while waiting ${why}`));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`, or an `AbortError` as soon as `signal` aborts. The promise itself goes on (others may
 * be waiting for it); its outcome is still observed, so a later rejection is never unhandled.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, why: string): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(`aborted while waiting ${why}`));
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
