/** Users and the caller's own profile on the mock: admins create and change users; everyone edits their own profile. */
import { describe, expect, it } from 'vitest';
import { Ticketflow } from '../../src/index.js';
import { failure, useMock } from './support.js';

describe('users on the mock', () => {
  const { mock, client } = useMock({ scenario: 'demo' });

  it('lets admins create users who can then log in, and refuses a taken email', async () => {
    const { data: user, response } = await client('admin').users.create({ email: 'grace@example.com', first_name: 'Grace', role: 'agent', password: 'a long passphrase' }).withResponse();
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/users/${user.id}`);
    expect(user).toMatchObject({ email: 'grace@example.com', role: 'agent', is_active: true, is_approved: true });
    const grace = new Ticketflow({ baseUrl: mock().baseUrl, credentials: { email: 'GRACE@example.com', password: 'a long passphrase' } });
    expect((await grace.auth.me()).id).toBe(user.id);

    const taken = await failure(client('admin').users.create({ email: 'Grace@Example.com' }));
    expect([taken.status, taken.code]).toEqual([409, 'conflict']);
    const notAdmin = await failure(client('manager').users.create({ email: 'someone@example.com' }));
    expect(notAdmin.status).toBe(403);
  });

  it('filters and pages the list of users', async () => {
    const agents = (await client('admin').users.list({ role: ['agent'] })).data.map((user) => user.email);
    expect(agents).toEqual(['agent2@example.com', 'agent@example.com']);
    const emails = [];
    for await (const user of client('admin').users.list({ limit: 2, q: 'customer' })) emails.push(user.email);
    expect(emails).toEqual(['customer2@example.com', 'customer@example.com']);
  });

  it('updates the caller’s profile, merging preferences', async () => {
    const tf = client('customer');
    await tf.auth.updateMe({ first_name: 'Christopher', preferences: { theme: 'dark', language: 'en' } });
    const me = await tf.auth.updateMe({ preferences: { language: null } });
    expect(me).toMatchObject({ first_name: 'Christopher', preferences: { theme: 'dark' } });
    const refused = await failure(tf.auth.updateMe({ preferences: { notifications: {} } }));
    expect([refused.status, refused.problem?.errors?.[0]?.path]).toEqual([400, 'preferences']);
  });
});
