/** One autocannon run against one endpoint of one server. */
import autocannon from 'autocannon';

export interface Endpoint {
  name: string;
  method: 'GET' | 'POST';
  /** The path of the n-th request (ids rotate). */
  path(n: number): string;
  body?: (n: number) => unknown;
  /** Bearer token for the reference server; the baseline ignores it. */
  token: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
}

export async function load(baseUrl: string, endpoint: Endpoint, seconds: number, connections: number): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
    requests: [
      {
        method: endpoint.method,
        setupRequest: (request) => {
          const i = n++;
          return { ...request, path: endpoint.path(i), ...(endpoint.body ? { body: JSON.stringify(endpoint.body(i)) } : {}) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
