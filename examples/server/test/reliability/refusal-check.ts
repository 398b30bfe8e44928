/**
 * What an answer to an invalid request must look like: a 4xx (never a 5xx, and never a 2xx unless
 * the request is one a server cannot tell from a valid one), as an `application/problem+json` body
 * whose `status`, `code`, `type` and `title` agree with each other and with the response, and which
 * the contract documents for the operation.
 */
import type { ContractValidator } from '../support/openapi-validator.js';
import type { BadRequest } from './bad-requests.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** Every way the answer falls short; empty when it is a proper refusal. */
export function refusalFaults(
  request: BadRequest,
  answer: Answer,
  problemCodes: Record<string, number | undefined>,
  /** Left out when the URL routes to no operation of the contract (a path segment made empty, say). */
  validator: ContractValidator | undefined,
): string[] {
  const { status, headers, text } = answer;
  if (status >= 500) return [`answered ${status}: ${text.slice(0, 300)}`];
  if (status < 400) return request.mayBeAccepted ? [] : [`accepted an invalid request with ${status}: ${text.slice(0, 300)}`];

  const faults: string[] = [];
  const type = headers.get('content-type') ?? '';
  if (!/^application\/problem\+json(;|$)/.test(type)) faults.push(`content-type is ${JSON.stringify(type)}, not application/problem+json`);
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return [...faults, `the body is not JSON: ${text.slice(0, 200)}`];
  }
  if (body?.status !== status) faults.push(`body status ${JSON.stringify(body?.status)} is not the response's ${status}`);
  if (typeof body?.code !== 'string' || !(body.code in problemCodes)) faults.push(`code ${JSON.stringify(body?.code)} is not a problem code`);
  else if (problemCodes[body.code] !== undefined && problemCodes[body.code] !== status) {
    faults.push(`code ${body.code} belongs to ${problemCodes[body.code]}, not ${status}`);
  }
  if (body?.type !== `https://ticketflow.dev/problems/${body?.code}`) faults.push(`type ${JSON.stringify(body?.type)} does not name the code`);
  if (typeof body?.title !== 'string' || body.title === '') faults.push('no title');
  if (validator) faults.push(...validator.check({ method: request.method, url: `http://localhost${request.url}`, status, headers, body }));
  return faults;
}
