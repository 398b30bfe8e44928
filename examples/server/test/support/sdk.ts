/**
 * The SDK (the package's `src/`) against the harness's app in-process: the app's `request` is the
 * client's fetch, so every SDK test runs the real routes, database and row-level security without
 * a socket. `api` is read at each call, as the harness is made in `beforeAll`.
 */
import { Ticketflow } from '../../../../src/index.js';
import type { ApiHarness } from './api-harness.js';
import type { UserKey } from './world.js';

const BASE_URL = 'http://ticketflow.test';

export interface SdkClients {
  /** The in-process fetch the clients use. */
  fetch: typeof globalThis.fetch;
  /** A client signed in as a user of the world (by key) or any user id. */
  as: (user: UserKey | { userId: string }) => Promise<Ticketflow>;
  /** A client sending this access token. */
  withToken: (accessToken: string) => Ticketflow;
  /** A client sending this API key. */
  withApiKey: (apiKey: string) => Ticketflow;
}

/** Clients of `api()`; `onRequest` sees each request as sent (for tests of headers). */
export function sdkClients(api: () => ApiHarness, onRequest?: (request: Request) => void): SdkClients {
  const fetch: typeof globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    onRequest?.(request);
    return Promise.resolve(api().app.request(request));
  };
  return {
    fetch,
    as: async (user) => new Ticketflow({ baseUrl: BASE_URL, accessToken: await api().tokenFor(user), fetch }),
    withToken: (accessToken) => new Ticketflow({ baseUrl: BASE_URL, accessToken, fetch }),
    withApiKey: (apiKey) => new Ticketflow({ baseUrl: BASE_URL, apiKey, fetch }),
  };
}
