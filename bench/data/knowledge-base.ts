/** Knowledge-base categories, articles with their versions, and readers' votes. */
import type { Loader } from './loader.js';
import type { People } from './people.js';
import type { Random } from './random.js';
import type { Scale } from './scale.js';
import { Prose } from './text.js';

export interface KbCounts {
  categories: number;
  articles: number;
  versions: number;
  feedback: number;
}

const TOP = ['Getting started', 'Accounts and access', 'Networking', 'Devices', 'Billing', 'Security', 'Developers', 'Policies'];

export async function writeKnowledgeBase(loader: Loader, random: Random, scale: Scale, people: People, now: number): Promise<KbCounts> {
  const day = 86_400_000;
  const prose = new Prose(random);
  const categories = await loader.writer('kb_categories', ['id', 'parent_id', 'name', 'slug', 'sort_order']);
  const categoryIds: string[] = [];
  for (const [i, name] of TOP.entries()) {
    const id = random.uuid();
    categoryIds.push(id);
    await categories.write([id, null, name, name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), i]);
    for (const [j, child] of ['Basics', 'Troubleshooting'].entries()) {
      const childId = random.uuid();
      categoryIds.push(childId);
      await categories.write([childId, id, `${name}: ${child}`, `${name}-${child}`.toLowerCase().replace(/[^a-z0-9]+/g, '-'), j]);
    }
  }
  const categoryCount = await categories.end();

  const authors = [...people.agents, ...people.managers.map((m) => m.id)];
  const articles = await loader.writer('kb_articles', [
    'id', 'title', 'slug', 'summary', 'body', 'category_id', 'author_id', 'status', 'tags', 'view_count', 'helpful_votes',
    'unhelpful_votes', 'version', 'created_at', 'updated_at', 'published_at', 'archived_at',
  ]);
  const versions = await loader.writer('kb_article_versions', ['article_id', 'version', 'title', 'summary', 'body', 'changed_by', 'created_at']);
  const feedback = await loader.writer('kb_article_feedback', ['article_id', 'user_id', 'helpful', 'created_at', 'updated_at']);
  let versionCount = 0;
  let feedbackCount = 0;
  for (let i = 0; i < scale.articles; i += 1) {
    const id = random.uuid();
    const title = prose.articleTitle(i + 1);
    const body = prose.articleBody();
    const summary = body.slice(0, body.indexOf('.') + 1);
    const status = random.weighted([['published', 80], ['draft', 15], ['archived', 5]] as const);
    const author = random.pick(authors);
    const created = now - random.int(scale.days) * day;
    const updated = Math.min(now - 1000, created + random.int(60) * day);
    const version = random.weighted([[1, 70], [2, 20], [3, 10]] as const);
    // Votes from distinct customers; the counters on the article are the triggers' sums of them.
    const voters = new Set<number>();
    const votes = status === 'published' ? random.int(6) : 0;
    while (voters.size < Math.min(votes, people.customers.length)) voters.add(random.int(people.customers.length));
    let helpful = 0;
    for (const voter of voters) {
      const yes = random.chance(0.75);
      if (yes) helpful += 1;
      await feedback.write([id, people.customers[voter]!, yes, new Date(updated).toISOString(), new Date(updated).toISOString()]);
    }
    feedbackCount += voters.size;
    await articles.write([
      id, title, `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`, summary, body,
      random.pick(categoryIds), author, status, random.chance(0.5) ? ['how-to'] : [], random.int(5000), helpful,
      voters.size - helpful, version, new Date(created).toISOString(), new Date(updated).toISOString(),
      status === 'draft' ? null : new Date(created).toISOString(), status === 'archived' ? new Date(updated).toISOString() : null,
    ]);
    for (let v = 1; v <= version; v += 1) {
      await versions.write([id, v, title, summary, body, author, new Date(v === version ? updated : created).toISOString()]);
    }
    versionCount += version;
  }
  const articleCount = await articles.end();
  await versions.end();
  await feedback.end();
  return { categories: categoryCount, articles: articleCount, versions: versionCount, feedback: feedbackCount };
}
