/**
 * Checking that a webhook request came from Ticketflow, and recently. The API signs each delivery
 * with the webhook's secret: `Ticketflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">`. The timestamp is inside the signed text, so refusing old ones stops a captured
 * request from being replayed. Uses Web Crypto only: it runs in Node 20+, Deno, Bun, edge workers.
 */
import { TicketflowError } from '../core/errors.js';
import type { components } from '../generated/api.js';

/**
 * The header the API signs deliveries with: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ id: 1, type: 'ticket.created' });
 * const request = new Request('http://localhost/hooks/ticketflow', {
 *   method: 'POST', body, headers: { [WEBHOOK_SIGNATURE_HEADER]: await signWebhookPayload(body, secret) },
 * });
 * ```
 */
export const WEBHOOK_SIGNATURE_HEADER = 'Ticketflow-Signature';

/**
 * A webhook request that is not from Ticketflow, is too old, or is malformed: answer it with a
 * 4xx and do not act on it.
 *
 * @example
 * ```ts
 * async function handle(request: Request): Promise<Response> {
 *   try {
 *     const event = await verifyWebhook(await request.text(), request.headers, secret);
 *     console.log(event.type);
 *     return new Response(null, { status: 204 });
 *   } catch (error) {
 *     if (error instanceof WebhookVerificationError) return new Response(error.message, { status: 401 });
 *     throw error;
 *   }
 * }
 * ```
 */
export class WebhookVerificationError extends TicketflowError {
  override name = 'WebhookVerificationError';
}

/**
 * How strict {@link verifyWebhook} is about a signature's age.
 *
 * @example
 * ```ts
 * const options: VerifyWebhookOptions = { tolerance: 60 }; // refuse signatures more than a minute old
 * const event = await verifyWebhook(body, request.headers, secret, options);
 * ```
 */
export interface VerifyWebhookOptions {
  /** How old (or how far in the future) a signature may be, in seconds; default 300. */
  tolerance?: number;
  /** The current time; for tests. */
  now?: Date;
}

/**
 * A request's headers: a `Headers` object, or a plain object as Node's `IncomingMessage` has them.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { text } from 'node:stream/consumers';
 *
 * createServer((req, res) => {
 *   const headers: WebhookHeaders = req.headers; // Node's plain object, header names in lower case
 *   text(req)
 *     .then((body) => verifyWebhook(body, headers, secret))
 *     .then(() => res.writeHead(204).end(), () => res.writeHead(401).end());
 * }).listen(3000);
 * ```
 */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Verifies a delivery and returns its parsed body (an event, typed as the contract's `Event`). Pass
 * the body exactly as received (the raw text or bytes, before any JSON parsing), and the request's
 * headers.
 *
 * @example
 * ```ts
 * // In an HTTP handler (Hono, Express with a raw body, a fetch handler, …):
 * const event = await verifyWebhook(await request.text(), request.headers, process.env.TICKETFLOW_WEBHOOK_SECRET!);
 * if (event.type === 'ticket.created') { ... }
 * ```
 */
export async function verifyWebhook<Event = components['schemas']['Event']>(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<Event> {
  const header = headerOf(headers, WEBHOOK_SIGNATURE_HEADER);
  if (!header) throw new WebhookVerificationError(`no ${WEBHOOK_SIGNATURE_HEADER} header`);
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) {
    throw new WebhookVerificationError(`malformed ${WEBHOOK_SIGNATURE_HEADER} header`);
  }
  const tolerance = options.tolerance ?? 300;
  // NaN or a negative tolerance would turn replay protection off without a word.
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) throw new TypeError('tolerance must be a number of seconds, 0 or more');
  if (typeof secret !== 'string' || secret === '') throw new TypeError('the webhook secret must be a non-empty string');
  const age = Math.abs((options.now ?? new Date()).getTime() / 1000 - timestamp);
  if (age > tolerance) throw new WebhookVerificationError(`signature timestamp is ${Math.round(age)} s away from now (tolerance ${tolerance} s)`);

  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  const expected = await hmacHex(secret, `${timestamp}.${body}`);
  if (!constantTimeEqual(expected, given)) throw new WebhookVerificationError('signature does not match');
  try {
    return JSON.parse(body) as Event;
  } catch (cause) {
    throw new WebhookVerificationError('signed body is not JSON', { cause });
  }
}

/**
 * The `Ticketflow-Signature` value the API would send for `payload` at `at`: for testing your
 * webhook handler.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ id: '1', type: 'ticket.created', data: {} });
 * const response = await handler(new Request('http://localhost/hook', {
 *   method: 'POST', body, headers: { 'Ticketflow-Signature': await signWebhookPayload(body, secret) },
 * }));
 * ```
 */
export async function signWebhookPayload(payload: string, secret: string, at: Date = new Date()): Promise<string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${payload}`)}`;
}

async function hmacHex(secret: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  return Array.from(signature, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares every character, so the time taken does not tell how much of a guess was right. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
