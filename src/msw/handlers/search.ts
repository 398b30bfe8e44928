/**
 * `tf.search` (examples/server/src/api/insights/search.ts): full-text search over tickets,
 * comments and articles, each read as the caller's row-level security shows it — a customer never
 * finds an internal note or another customer's ticket; deleted comments are never searched. Best
 * match first (`ts_rank`), ties by type and id, all descending; snippets are safe HTML.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { float4Text, matches, tsHeadline, tsRank, websearchToTsQuery, type TsVector } from '../fulltext.js';
import { ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { canSeeArticle } from '../rules/kb.js';
import { canSeeComment, canSeeTicket } from '../rules/policies.js';
import { articleVector, commentVector, ticketVector } from '../rules/search.js';

type SearchResult = components['schemas']['SearchResult'];
type SearchResultType = components['schemas']['SearchResultType'];

const SOURCES = { tickets: 'ticket', comments: 'comment', articles: 'article' } as const satisfies Record<string, SearchResultType>;
type Source = keyof typeof SOURCES;
const SOURCE_NAMES = Object.keys(SOURCES) as [Source, ...Source[]];

const Query = z.strictObject({
  q: z.string().max(200).regex(/\S/, 'must not be blank'),
  // `types=tickets,comments` as the contract says; a repeated parameter is accepted too.
  types: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .transform((values) => values.flatMap((value) => value.split(',')))
    .pipe(z.array(z.enum(SOURCE_NAMES, { error: 'must be tickets, comments or articles' })).min(1))
    .optional(),
  limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1).max(50).default(20),
  cursor: z.string().min(1).max(1024).optional(),
});

/** ts_headline's options for search snippets; STX/ETX mark matches until the text is escaped. */
const HEADLINE = { startSel: '\u0002', stopSel: '\u0003', maxWords: 35, minWords: 15, shortWord: 2, maxFragments: 0, fragmentDelimiter: ' ... ' };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The headline as safe HTML: everything escaped, then the markers turned into `<mark>`. */
const toSnippet = (headline: string) =>
  headline
    .replace(/[&<>"']/g, (char) => ESCAPES[char]!)
    .replaceAll('\u0002', '<mark>')
    .replaceAll('\u0003', '</mark>')
    .trim();

interface Hit {
  type: SearchResultType;
  id: string;
  ticket_id: string | null;
  title: string;
  document: string;
  vector: TsVector;
  created_at: string;
}

export const searchHandlers: HandlerTable = {
  globalSearch: {
    scope: 'tickets',
    handle({ world, work, req }) {
      const query = req.query(Query);
      const sources = new Set<Source>(query.types ?? SOURCE_NAMES);
      const tsquery = websearchToTsQuery(query.q);
      const actor = work.me;
      const { tickets, comments, kbArticles } = world.store.tables;
      const candidates: Hit[] = [];
      if (sources.has('tickets')) {
        for (const ticket of tickets.where((row) => canSeeTicket(actor, row))) {
          candidates.push({ type: 'ticket', id: ticket.id, ticket_id: ticket.id, title: ticket.title, document: ticket.description, vector: ticketVector(ticket), created_at: ticket.created_at });
        }
      }
      if (sources.has('comments')) {
        for (const comment of comments.where((row) => row.deleted_at === null && canSeeComment(world, actor, row))) {
          const ticket = tickets.get(comment.ticket_id)!;
          candidates.push({ type: 'comment', id: comment.id, ticket_id: ticket.id, title: ticket.title, document: comment.body, vector: commentVector(comment), created_at: comment.created_at });
        }
      }
      if (sources.has('articles')) {
        for (const article of kbArticles.where((row) => canSeeArticle(actor, row))) {
          candidates.push({ type: 'article', id: article.id, ticket_id: null, title: article.title, document: article.body, vector: articleVector(article), created_at: article.created_at });
        }
      }
      const hits = candidates.filter((hit) => matches(hit.vector, tsquery)).map((hit) => ({ ...hit, rank: Number(float4Text(tsRank(hit.vector, tsquery))) }));
      return ok(
        paginate(hits, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('search', { q: query.q, types: [...sources].sort() }),
          descending: true,
          keyLength: 3,
          keyOf: (hit) => [hit.rank, hit.type, hit.id],
          serialize: (hit): SearchResult => ({
            type: hit.type,
            id: hit.id,
            ticket_id: hit.ticket_id,
            title: hit.title,
            snippet: toSnippet(tsHeadline(hit.document.replaceAll('\u0002', '').replaceAll('\u0003', ''), tsquery, HEADLINE)),
            rank: hit.rank,
            created_at: hit.created_at,
          }),
        }),
      );
    },
  },
};
