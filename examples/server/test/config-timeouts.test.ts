/**
 * The HTTP timeouts main.ts gives Node's server: what cuts a slowloris (headers) and a body that
 * never finishes (request). The reliability suite (reliability/resource-limits.reliability.ts)
 * runs the real server with short ones and watches them fire.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('HTTP timeouts', () => {
  it("default to Node's own: 60 s for the headers, 300 s for the whole request", () => {
    expect(loadConfig({})).toMatchObject({ headersTimeoutSeconds: 60, requestTimeoutSeconds: 300 });
  });

  it('are read from HEADERS_TIMEOUT and REQUEST_TIMEOUT, in seconds', () => {
    expect(loadConfig({ HEADERS_TIMEOUT: '5', REQUEST_TIMEOUT: ' 15 ' })).toMatchObject({ headersTimeoutSeconds: 5, requestTimeoutSeconds: 15 });
  });

  it.each([
    [{ HEADERS_TIMEOUT: '0' }, 'HEADERS_TIMEOUT must be a whole number of seconds'],
    [{ HEADERS_TIMEOUT: '2.5' }, 'HEADERS_TIMEOUT must be a whole number of seconds'],
    [{ REQUEST_TIMEOUT: 'soon' }, 'REQUEST_TIMEOUT must be a whole number of seconds'],
    [{ HEADERS_TIMEOUT: '30', REQUEST_TIMEOUT: '10' }, 'HEADERS_TIMEOUT must not be longer than REQUEST_TIMEOUT'],
  ])('refuse %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
