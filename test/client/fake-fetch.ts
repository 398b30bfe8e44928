/**
 * A fetch that answers from a script and records what it was asked, injected through the client's
 * `fetch` option (no global patching, so tests cannot leak into each other).
 */
export interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: unknown;
}

export type Answer = Response | Error | ((sent: Sent) => Response | Error | Promise<Response | Error>);

export function scriptedFetch(answers: Answer[]) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    // Uploads arrive as their FormData (parts, file names and bytes), every other body as JSON.
    const form = request.headers.get('content-type')?.startsWith('multipart/form-data') ? await request.formData() : undefined;
    const text = form || !request.body ? '' : await request.text();
    const entry: Sent = { method: request.method, url: request.url, headers: request.headers, body: form ?? (text === '' ? undefined : JSON.parse(text)) };
    sent.push(entry);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unscripted request ${request.method} ${request.url}`);
    const result = typeof answer === 'function' ? await answer(entry) : answer;
    if (result instanceof Error) throw result;
    return result;
  };
  return { fetch, sent };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A problem answer as the API sends it. */
export const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({ type: `https://ticketflow.dev/problems/${code}`, title: code, status, code, detail: `detail of ${code}`, request_id: `req-${code}` }),
    { status, headers: { 'content-type': 'application/problem+json', ...headers } },
  );
