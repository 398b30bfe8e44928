/** The knowledge base: categories, articles (with their versions and feedback) and search. */
import { Hono } from 'hono';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { articleFeedbackRoutes } from './article-feedback.js';
import { articleVersionRoutes } from './article-versions.js';
import { articleRoutes } from './articles.js';
import { kbCategoryRoutes } from './categories.js';
import { kbSearchRoutes } from './search.js';

export function knowledgeBaseRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('kb'))
    .route('/categories', kbCategoryRoutes())
    .route('/articles/:article_id/versions', articleVersionRoutes())
    .route('/articles/:article_id/feedback', articleFeedbackRoutes())
    .route('/articles', articleRoutes())
    .route('/search', kbSearchRoutes());
}
