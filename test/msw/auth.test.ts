/**
 * Authentication on the mock: login and transparent refresh through the SDK's credentials, token
 * expiry by the mock clock, refresh-token rotation and reuse detection, logout, lockout, API keys
 * and their scopes, and deactivated accounts.
 */
import { describe, expect, it } from 'vitest';
import { Ticketflow } from '../../src/index.js';
import { DEFAULT_PASSWORD } from '../../src/msw/index.js';
import { failure, useMock } from './support.js';

describe('auth on the mock', () => {
  const { mock, client } = useMock({ scenario: 'demo' });

  const withCredentials = (email: string, password = DEFAULT_PASSWORD) => new Ticketflow({ baseUrl: mock().baseUrl, credentials: { email, password } });

  it('logs in with credentials, and refreshes once the access token expires by the mock clock', async () => {
    const tf = withCredentials('agent@example.com');
    expect((await tf.auth.me()).email).toBe('agent@example.com');
    mock().clock.advance(16 * 60_000);
    expect((await tf.auth.me()).role).toBe('agent');
    expect(mock().calls().map((call) => [call.name, call.status])).toEqual([
      ['auth.login', 200],
      ['auth.me', 200],
      ['auth.me', 401],
      ['auth.refresh', 200],
      ['auth.me', 200],
    ]);
    expect(mock().calls('auth.me')[1]!.status).toBe(401);
  });

  it('answers token_expired for an expired access token', async () => {
    const tf = client('agent');
    mock().clock.advance(15 * 60_000);
    const error = await failure(tf.auth.me());
    expect([error.status, error.code]).toEqual([401, 'token_expired']);
  });

  it('rotates refresh tokens, and revokes the session when a replaced one comes back late', async () => {
    const anonymous = new Ticketflow({ baseUrl: mock().baseUrl, apiKey: 'tf_unused' });
    const first = await anonymous.auth.login({ email: 'customer@example.com', password: DEFAULT_PASSWORD });
    const second = await anonymous.auth.refresh({ refresh_token: first.refresh_token });
    expect(second.refresh_token).not.toBe(first.refresh_token);
    mock().clock.advance(31_000);
    const reuse = await failure(anonymous.auth.refresh({ refresh_token: first.refresh_token }));
    expect([reuse.status, reuse.code]).toEqual([401, 'unauthenticated']);
    // The whole session is gone: the live token was revoked with it.
    expect((await failure(anonymous.auth.refresh({ refresh_token: second.refresh_token }))).status).toBe(401);
  });

  it('ends a session on logout', async () => {
    const anonymous = new Ticketflow({ baseUrl: mock().baseUrl, apiKey: 'tf_unused' });
    const tokens = await anonymous.auth.login({ email: 'customer@example.com', password: DEFAULT_PASSWORD });
    await anonymous.auth.logout({ refresh_token: tokens.refresh_token });
    expect((await failure(anonymous.auth.refresh({ refresh_token: tokens.refresh_token }))).status).toBe(401);
  });

  it('locks an account after five wrong passwords, for fifteen minutes', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await failure(withCredentials('customer@example.com', 'wrong password').auth.me())).code).toBe('invalid_credentials');
    }
    expect((await failure(withCredentials('customer@example.com').auth.me())).code).toBe('invalid_credentials');
    mock().clock.advance(15 * 60_000 + 1);
    expect((await withCredentials('customer@example.com').auth.me()).email).toBe('customer@example.com');
  });

  it('lets API keys do what their scopes allow', async () => {
    const { key } = mock().seed.apiKey({ user: 'agent', scopes: ['tickets:read'] });
    const tf = new Ticketflow({ baseUrl: mock().baseUrl, apiKey: key });
    expect((await tf.tickets.list()).data.length).toBeGreaterThan(0);
    const write = await failure(tf.tickets.create({ title: 'Not with a read key' }));
    expect([write.status, write.code, write.problem?.detail]).toEqual([403, 'insufficient_scope', 'This API key lacks the tickets:write scope.']);
    expect((await failure(tf.users.list())).code).toBe('insufficient_scope');
    const unknown = await failure(new Ticketflow({ baseUrl: mock().baseUrl, apiKey: 'tf_nope' }).tickets.list());
    expect([unknown.status, unknown.problem?.detail]).toEqual([401, 'The API key is invalid, revoked or expired.']);
  });

  it('refuses a deactivated account, even with a valid token', async () => {
    const tf = client('agent');
    await client('admin').users.update(mock().user('agent').id, { is_active: false });
    const error = await failure(tf.auth.me());
    expect([error.status, error.problem?.detail]).toEqual([401, 'This account is inactive or locked.']);
  });

  it('lets only admins change roles', async () => {
    const error = await failure(client('agent').users.update(mock().user('agent').id, { role: 'admin' }));
    expect([error.status, error.problem?.detail]).toEqual([403, "only an admin can change a user's email, role, department, status or credentials"]);
    expect((await client('agent').users.update(mock().user('agent').id, { first_name: 'Arun J.' })).first_name).toBe('Arun J.');
  });
});
