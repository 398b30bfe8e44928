/**
 * Copies of headers and URLs that are safe to hand to hooks and loggers: whatever could hold a
 * credential is replaced, so that logging a request never leaks what authenticates it.
 */

/** What replaces a secret value. */
export const REDACTED = '[redacted]';

/** Names that carry credentials: `Authorization`, API keys, cookies, tokens, secrets, sessions. */
const SECRET_NAME = /authorization|api[-_]?key|cookie|token|secret|password|session/i;

/** A plain object of the headers (lower-case names), with every credential redacted. */
export function redactedHeaders(headers: Headers): Record<string, string> {
  const copy: Record<string, string> = {};
  headers.forEach((value, name) => {
    copy[name] = SECRET_NAME.test(name) ? REDACTED : value;
  });
  return copy;
}

/** The URL without user info, and with any query parameter named like a credential redacted. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  let changed = parsed.username !== '' || parsed.password !== '';
  parsed.username = '';
  parsed.password = '';
  const secretNames = new Set<string>();
  parsed.searchParams.forEach((_value, name) => {
    if (SECRET_NAME.test(name)) secretNames.add(name);
  });
  for (const name of secretNames) parsed.searchParams.set(name, REDACTED);
  changed ||= secretNames.size > 0;
  // Unchanged URLs are returned as given, not re-serialized (which could re-encode the query).
  return changed ? parsed.href : url;
}

/**
 * A copy of `response` without its body (the SDK reads that) and with credential headers redacted:
 * what an `afterResponse` hook gets, so that it can neither consume the body nor see a `Set-Cookie`.
 */
export function responseView(response: Response): Response {
  // fetch only gives statuses from 200 to 599, all of which the constructor takes.
  return new Response(null, { status: response.status, statusText: response.statusText, headers: redactedHeaders(response.headers) });
}
