/**
 * One HTTP attempt of a webhook delivery. Never throws: whatever happens (an answer, a refused
 * connection, a time-out, a malformed URL) comes back as an {@link AttemptResult} for the log.
 */

/** What an attempt came to, as recorded in `webhook_delivery_attempts`. */
export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  /** The start of the answer, at most {@link MAX_RESPONSE_CHARS} characters; null when there was none. */
  responseBody: string | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  fetch: typeof fetch;
}

const MAX_RESPONSE_CHARS = 2000;
const MAX_ERROR_CHARS = 1000;
/** Bytes read from an answer: enough for MAX_RESPONSE_CHARS of any UTF-8 text, and no more. */
const MAX_RESPONSE_BYTES = MAX_RESPONSE_CHARS * 4;

/**
 * POSTs `body` to `url`. Redirects are not followed: a receiver that moved must be updated by an
 * admin, and following one would let a receiver point signed traffic elsewhere. The time-out covers
 * the whole exchange, reading the answer included.
 */
export async function postWebhook(request: WebhookRequest): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.max(0, Math.round(performance.now() - started));
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await request.fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal,
    });
    const responseBody = await readStart(response);
    const ok = response.status >= 200 && response.status < 300;
    let error: string | null = null;
    if (response.status >= 300 && response.status < 400) error = `the receiver answered ${response.status}; redirects are not followed`;
    else if (!ok) error = `the receiver answered ${response.status}`;
    return { ok, statusCode: clampStatus(response.status), responseBody, error, durationMs: elapsed() };
  } catch (caught) {
    const error = signal.aborted ? `timed out after ${request.timeoutMs} ms` : describe(caught);
    return { ok: false, statusCode: null, responseBody: null, error: error.slice(0, MAX_ERROR_CHARS), durationMs: elapsed() };
  }
}

/** The first characters of the answer; the rest is not downloaded. */
async function readStart(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (size === 0) return null;
  const bytes = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES);
  // PostgreSQL text cannot hold NUL; a cut multi-byte character decodes as U+FFFD.
  // eslint-disable-next-line no-control-regex
  return new TextDecoder().decode(bytes).replace(/\u0000/g, '\uFFFD').slice(0, MAX_RESPONSE_CHARS);
}

/** fetch reports no status outside 200–599 except for opaque responses; the log's column is 100–599. */
const clampStatus = (status: number) => (status >= 100 && status <= 599 ? status : null);

/** fetch's own message is "fetch failed"; the reason is in its cause (ECONNREFUSED, a bad URL, …). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 3; depth += 1) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !current.message.includes(code) ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}
