/**
 * The API reference: the OpenAPI document as JSON plus a Redoc page that renders it.
 *
 * Everything is served from this process — the Redoc bundle comes from the installed `redoc`
 * package, not a CDN — so the page works offline and its CSP can stay `'self'`-only.
 */
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);
// Resolved once at import: a missing `redoc` install fails at startup, not on the first visit.
const REDOC_BUNDLE = require.resolve('redoc/bundles/redoc.standalone.js');
const REDOC_VERSION = (require('redoc/package.json') as { version: string }).version;

/**
 * Redoc's sidebar footer always renders `<img src>` pointing at this CDN logo (no option turns it
 * off). The CSP would block it, but with a console error on every view, so the bundle is served
 * with the URL swapped for an empty `data:` image, which fails quietly and Redoc then hides.
 */
const CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';

/** The bundle, streamed, with {@link CDN_LOGO} replaced even where it straddles two chunks. */
async function* redocBundle(): AsyncGenerator<Buffer> {
  let tail = '';
  for await (const chunk of createReadStream(REDOC_BUNDLE, 'utf8')) {
    const text = (tail + (chunk as string)).replaceAll(CDN_LOGO, 'data:,');
    // Hold back what could be the start of a match cut off by the chunk boundary.
    const cut = Math.max(0, text.length - (CDN_LOGO.length - 1));
    yield Buffer.from(text.slice(0, cut));
    tail = text.slice(cut);
  }
  yield Buffer.from(tail);
}

/**
 * What Redoc needs and nothing more. `style-src 'unsafe-inline'`: styled-components injects
 * `<style>` tags at runtime. `worker-src blob:`: the search index runs in a worker built from a
 * Blob. `img-src data:`: icons and logos may be data URIs. No `'unsafe-eval'` and no inline script
 * (the `<redoc>` element initialises itself), so injected markup still cannot run code.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// The query string busts caches when `redoc` is upgraded, which makes the long max-age below safe.
// The empty icon stops the browser asking for /favicon.ico (a 404 logged as a console error).
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ticketflow API reference</title>
<link rel="icon" href="data:,">
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/docs/redoc.standalone.js?v=${REDOC_VERSION}"></script>
</body>
</html>
`;

/** Routes `GET /openapi.json`, `GET /docs` and `GET /docs/redoc.standalone.js`. */
export function docsRoutes(document: object): Hono {
  // Serialised once: the document is fixed for the life of the process.
  const json = JSON.stringify(document);
  const app = new Hono();

  app.get('/openapi.json', (c) => {
    // no-cache (revalidate, not "never store"): a redeploy must show the new API at once.
    c.header('Cache-Control', 'no-cache');
    return c.body(json, 200, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', DOCS_CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Cache-Control', 'no-cache');
    return c.html(PAGE);
  });

  app.get('/docs/redoc.standalone.js', (c) => {
    // Streamed: the bundle is ~1 MB and need not sit in memory between requests.
    return c.body(Readable.toWeb(Readable.from(redocBundle())), 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  return app;
}
