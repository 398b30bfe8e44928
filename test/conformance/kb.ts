/**
 * `tf.kb`: categories, articles through their workflow (with ETags), versions, feedback and search,
 * each as the roles that may and may not use them.
 */
import { describe, expect } from 'vitest';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  UnprocessableEntityError,
} from '../../src/index.js';
import type { Conformance } from './context.js';
import { all, unique as slug, word } from './helpers.js';

export function knowledgeBase(tf: Conformance): void {
  describe('knowledge base', () => {
    tf.test('keeps the category tree: managers change it, everyone reads it, cycles and non-empty deletes are refused', async () => {
      const manager = tf.as('manager');
      const agent = tf.as('agent');
      const customer = tf.as('customer');

      const parent = await manager.kb.categories.create({ name: 'Accounts', slug: slug('accounts'), sort_order: 5 });
      expect(parent).toMatchObject({ name: 'Accounts', parent_id: null, sort_order: 5, description: null });
      const second = await manager.kb.categories.create({ name: 'Passwords', slug: slug('passwords'), parent_id: parent.id, sort_order: 2 });
      const first = await manager.kb.categories.create({ name: 'Logins', slug: slug('logins'), parent_id: parent.id, sort_order: 1 });
      expect(second.parent_id).toBe(parent.id);

      const children: string[] = [];
      for await (const category of customer.kb.categories.list({ parent_id: parent.id, limit: 1 })) children.push(category.id);
      expect(children).toEqual([first.id, second.id]);
      const top = await all(customer.kb.categories.list({ parent_id: 'root' }));
      expect(top.map((category) => category.id)).toContain(parent.id);
      expect(top.every((category) => category.parent_id === null)).toBe(true);

      expect(await customer.kb.categories.get(second.id)).toMatchObject({ id: second.id, name: 'Passwords', parent_id: parent.id });
      const renamed = await manager.kb.categories.update(second.id, { name: 'Passwords and PINs', description: 'Forgot it?' });
      expect(renamed).toMatchObject({ id: second.id, name: 'Passwords and PINs', description: 'Forgot it?', parent_id: parent.id });
      await expect(agent.kb.categories.update(second.id, { name: 'Mine now' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(manager.kb.categories.update(parent.id, { parent_id: second.id })).rejects.toBeInstanceOf(UnprocessableEntityError);

      await expect(manager.kb.categories.delete(parent.id)).rejects.toBeInstanceOf(ConflictError);
      await expect(agent.kb.categories.delete(first.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await manager.kb.categories.delete(first.id);
      await manager.kb.categories.delete(second.id);
      await manager.kb.categories.delete(parent.id);
      await expect(customer.kb.categories.get(parent.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('takes an article from draft through publish and archive, with ETags and editor rights', async () => {
      const agent = tf.as('agent');
      const agent2 = tf.as('agent2');
      const manager = tf.as('manager');
      const customer = tf.as('customer');
      const category = await manager.kb.categories.create({ name: 'VPN', slug: slug('vpn') });

      const draft = await agent.kb.articles.create({
        title: 'Reconnect the VPN',
        slug: slug('reconnect-vpn'),
        body: 'Open the client and press Connect.',
        category_id: category.id,
        tags: ['vpn'],
      });
      expect(draft).toMatchObject({
        title: 'Reconnect the VPN',
        status: 'draft',
        version: 1,
        author_id: tf.target.users.agent.id,
        category_id: category.id,
        tags: ['vpn'],
        published_at: null,
      });
      await expect(customer.kb.articles.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(customer.kb.articles.create({ title: 'Mine', slug: slug('mine'), body: 'x' })).rejects.toBeInstanceOf(PermissionDeniedError);

      const staffDrafts: string[] = [];
      for await (const article of agent.kb.articles.list({ status: ['draft'], category_id: category.id })) staffDrafts.push(article.id);
      expect(staffDrafts).toEqual([draft.id]);
      expect((await customer.kb.articles.list({ category_id: category.id })).data).toEqual([]);

      const { data: seen, response } = await agent.kb.articles.get(draft.id).withResponse();
      expect(seen.body).toBe('Open the client and press Connect.');
      const etag = response.headers.get('etag')!;
      const edited = await agent.kb.articles.update(draft.id, { body: 'Open the client, then press Connect.' }, { ifMatch: etag });
      expect(edited).toMatchObject({ body: 'Open the client, then press Connect.', version: 2 });
      // The edit moved the version: the ETag read before it is stale.
      await expect(agent.kb.articles.update(draft.id, { title: 'Stale' }, { ifMatch: etag })).rejects.toBeInstanceOf(PreconditionFailedError);
      await expect(agent2.kb.articles.update(draft.id, { title: 'Not mine' })).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(agent2.kb.articles.publish(draft.id)).rejects.toBeInstanceOf(PermissionDeniedError);

      const published = await agent.kb.articles.publish(draft.id);
      expect(published).toMatchObject({ id: draft.id, status: 'published', archived_at: null });
      expect(published.published_at).not.toBeNull();
      await expect(agent.kb.articles.publish(draft.id)).rejects.toBeInstanceOf(ConflictError);
      expect(await customer.kb.articles.get(draft.id)).toMatchObject({ id: draft.id, body: 'Open the client, then press Connect.' });
      expect((await customer.kb.articles.list({ category_id: category.id, tag: ['vpn'] })).data.map((article) => article.id)).toEqual([draft.id]);

      const archived = await agent.kb.articles.archive(draft.id);
      expect(archived).toMatchObject({ id: draft.id, status: 'archived' });
      expect(archived.archived_at).not.toBeNull();
      await expect(agent.kb.articles.archive(draft.id)).rejects.toBeInstanceOf(ConflictError);
      await expect(customer.kb.articles.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);

      await expect(agent.kb.articles.delete(draft.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await manager.kb.articles.delete(draft.id);
      await expect(agent.kb.articles.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('keeps every version of an article for staff only', async () => {
      const agent = tf.as('agent');
      const customer = tf.as('customer');
      const article = await agent.kb.articles.create({ title: 'First title', slug: slug('versions'), body: 'First body', status: 'published' });
      await agent.kb.articles.update(article.id, { title: 'Second title' });
      await agent.kb.articles.update(article.id, { body: 'Third body' });

      const versions: [number, string, string][] = [];
      for await (const version of agent.kb.versions.list(article.id, { limit: 2 })) versions.push([version.version, version.title, version.body]);
      expect(versions).toEqual([
        [3, 'Second title', 'Third body'],
        [2, 'Second title', 'First body'],
        [1, 'First title', 'First body'],
      ]);
      expect(await agent.kb.versions.get(article.id, 1)).toMatchObject({
        article_id: article.id,
        version: 1,
        title: 'First title',
        body: 'First body',
        changed_by: tf.target.users.agent.id,
      });
      await expect(agent.kb.versions.get(article.id, 4)).rejects.toBeInstanceOf(NotFoundError);
      // The customer sees the published article, but not its history.
      await expect(customer.kb.versions.list(article.id)).rejects.toBeInstanceOf(PermissionDeniedError);
      await expect(customer.kb.versions.get(article.id, 1)).rejects.toBeInstanceOf(PermissionDeniedError);
    });

    tf.test('takes one verdict per reader, replaced when sent again, and shows readers only their own', async () => {
      const agent = tf.as('agent');
      const customer = tf.as('customer');
      const customer2 = tf.as('customer2');
      const article = await agent.kb.articles.create({ title: 'Clear the cache', slug: slug('cache'), body: 'Press Ctrl+F5.', status: 'published' });

      const mine = await customer.kb.feedback.submit(article.id, { helpful: false, comment: 'Did nothing' });
      expect(mine).toMatchObject({ article_id: article.id, user_id: tf.target.users.customer.id, helpful: false, comment: 'Did nothing' });
      const replaced = await customer.kb.feedback.submit(article.id, { helpful: true });
      expect(replaced).toMatchObject({ id: mine.id, helpful: true, comment: null });
      const theirs = await customer2.kb.feedback.submit(article.id, { helpful: false, comment: 'Still broken' });
      expect(await agent.kb.articles.get(article.id)).toMatchObject({ helpful_votes: 1, unhelpful_votes: 1 });

      const staffView: string[] = [];
      for await (const verdict of agent.kb.feedback.list(article.id, { limit: 1 })) staffView.push(verdict.id);
      expect(staffView.sort()).toEqual([mine.id, theirs.id].sort());
      expect((await agent.kb.feedback.list(article.id, { helpful: false })).data.map((verdict) => verdict.id)).toEqual([theirs.id]);
      expect((await customer.kb.feedback.list(article.id)).data.map((verdict) => verdict.id)).toEqual([mine.id]);

      const draft = await agent.kb.articles.create({ title: 'Not yet', slug: slug('not-yet'), body: 'Soon.' });
      await expect(agent.kb.feedback.submit(draft.id, { helpful: true })).rejects.toBeInstanceOf(ConflictError);
      await expect(customer.kb.feedback.submit(draft.id, { helpful: true })).rejects.toBeInstanceOf(NotFoundError);
      await expect(customer.kb.feedback.list(draft.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    tf.test('searches the articles the caller may read, title matches first, page by page', async () => {
      const agent = tf.as('agent');
      const customer = tf.as('customer');
      const term = word();
      const inTitle = await agent.kb.articles.create({ title: `About ${term}`, slug: slug('title-hit'), body: 'Details.', status: 'published' });
      const inBody = await agent.kb.articles.create({
        title: 'Other things',
        slug: slug('body-hit'),
        body: `Somewhere here we mention ${term} once.`,
        status: 'published',
      });
      const hidden = await agent.kb.articles.create({ title: `Draft on ${term}`, slug: slug('draft-hit'), body: 'Draft.' });

      const staffHits: string[] = [];
      for await (const hit of agent.kb.search({ q: term, limit: 1 })) staffHits.push(hit.article.id);
      expect(staffHits).toHaveLength(3);
      expect(new Set(staffHits)).toEqual(new Set([inTitle.id, inBody.id, hidden.id]));

      const customerHits = await customer.kb.search({ q: term });
      expect(customerHits.data.map((hit) => hit.article.id)).toEqual([inTitle.id, inBody.id]);
      expect(customerHits.data[0]!.rank).toBeGreaterThan(customerHits.data[1]!.rank);
      expect(customerHits.data[1]!.snippet).toContain(`<mark>${term}</mark>`);
      expect(customerHits.next_cursor).toBeNull();

      const drafts = await agent.kb.search({ q: term, status: ['draft'] });
      expect(drafts.data.map((hit) => hit.article.id)).toEqual([hidden.id]);
    });
  });
}
