/**
 * An article's kept versions, mounted under /v1/kb/articles/:article_id/versions. The database
 * writes a version on every content change; only staff may read them (row-level security).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import type { AppEnv } from '../../context.js';
import { readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { forbidden, notFound, Problem } from '../../http/problem.js';
import { id, page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { articleState } from './article-rows.js';

type KbArticleVersion = components['schemas']['KbArticleVersion'];

interface VersionRow {
  id: string;
  article_id: string;
  version: number;
  title: string;
  summary: string | null;
  body: string;
  changed_by: string | null;
  created_at: Date;
}

const COLUMNS = 'id, article_id, version, title, summary, body, changed_by, created_at';

const toVersion = (row: VersionRow): KbArticleVersion => ({
  id: row.id,
  article_id: row.article_id,
  version: row.version,
  title: row.title,
  summary: row.summary,
  body: row.body,
  changed_by: row.changed_by,
  created_at: iso(row.created_at),
});

const ArticleParams = z.strictObject({ article_id: id });
const VersionParams = z.strictObject({
  article_id: id,
  version: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(2_147_483_647),
});
const ListQuery = z.strictObject({ ...page });

const STAFF_ONLY = "Only staff may read an article's versions.";

export function articleVersionRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const { article_id } = readParams(c, ArticleParams);
      const query = readQuery(c, ListQuery);
      const tx = c.get('tx');
      if (!(await articleState(tx, article_id))) throw notFound('article');
      const print = fingerprint('kb_article_versions', { article_id });
      const after = query.cursor ? decodeCursor(query.cursor, print, 1) : null;
      const { rows } = await tx.query<VersionRow>(
        `select ${COLUMNS} from kb_article_versions
          where article_id = $1 and ($2::integer is null or version < $2)
          order by version desc
          limit $3`,
        [article_id, after?.[0] ?? null, query.limit + 1],
      );
      // Every article has its first version from the moment it is inserted, so a first page with
      // nothing on it means the policy hides the versions from this caller.
      if (rows.length === 0 && !after) throw forbidden(STAFF_ONLY);
      return c.json(toPage(rows, query.limit, print, (row) => [row.version], toVersion));
    })
    .get('/:version', async (c) => {
      const { article_id, version } = readParams(c, VersionParams);
      const tx = c.get('tx');
      const article = await articleState(tx, article_id);
      if (!article) throw notFound('article');
      const { rows } = await tx.query<VersionRow>(`select ${COLUMNS} from kb_article_versions where article_id = $1 and version = $2`, [
        article_id,
        version,
      ]);
      if (rows[0]) return c.json(toVersion(rows[0]));
      // Versions 1…current all exist; one of those missing is hidden by the policy, not absent.
      if (version <= article.version) throw forbidden(STAFF_ONLY);
      throw new Problem(404, 'not_found', `The article has no version ${version}; it is at version ${article.version}.`);
    });
}
