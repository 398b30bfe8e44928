/**
 * The kit in a browser, as `setupWorker` runs it: test/msw/browser/page.ts — the SDK and
 * `ticketflow/msw` bundled for the browser by esbuild — runs in headless Chromium behind msw's
 * Service Worker. Proves the handlers need nothing from Node, that the worker answers the SDK's
 * requests (JSON, a multipart upload, a file download, an override), and that nothing reaches
 * the network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const root = new URL('../../', import.meta.url);

describe('ticketflow/msw with setupWorker in Chromium', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let origin = '';

  beforeAll(async () => {
    // Missing Chromium must fail the test below, not skip it (a failing hook only marks it skipped).
    if (!existsSync(CHROMIUM)) return;
    const bundle = await build({
      entryPoints: [new URL('test/msw/browser/page.ts', root).pathname],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      define: { __TICKETFLOW_VERSION__: '"0.0.0-test"' },
      logLevel: 'silent',
    });
    const files: Record<string, [string, string]> = {
      '/': ['text/html', '<!doctype html><title>ticketflow/msw</title><script type="module" src="/page.js"></script>'],
      '/page.js': ['text/javascript', bundle.outputFiles[0]!.text],
      '/favicon.ico': ['image/x-icon', ''],
      // The worker script of the msw version installed, as `npx msw init` would copy it.
      '/mockServiceWorker.js': ['text/javascript', readFileSync(new URL('node_modules/msw/lib/mockServiceWorker.js', root), 'utf8')],
    };
    server = createServer((req, res) => {
      const file = files[req.url ?? ''];
      res.writeHead(file ? 200 : 404, { 'Content-Type': file?.[0] ?? 'text/plain' }).end(file?.[1] ?? 'not found');
    });
    const s = server;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    const s = server;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('answers the SDK from the Service Worker, and nothing leaves the browser', { timeout: 60_000 }, async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing; this test runs the kit in it. Install it with: sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium`);
    }
    if (!browser) throw new Error('Chromium did not start');
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    // Every answer to an API request must come from the Service Worker: none from the network.
    const answers: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith('https://api.ticketflow.test/')) answers.push(response.fromServiceWorker() ? 'worker' : `network: ${response.url()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));

    await page.goto(origin);
    const outcome = await page.evaluate('window.outcome');

    // Chromium logs each 4xx as a console error: the override's 404 is the only one.
    expect(problems).toEqual(['console: Failed to load resource: the server responded with a status of 404 ()']);
    expect(outcome).toEqual({
      number: 'TKT-2026-00007',
      attachment: { name: 'printer.log', type: 'text/plain', size: 28, downloaded: 'printer says PC LOAD LETTER\n' },
      listed: true,
      refused: { status: 404, code: 'not_found' },
      calls: ['tickets.create 201', 'attachments.upload 201', 'attachments.downloadStream 200', 'tickets.list 200', 'tickets.get 404 overridden'],
      stored: 'Opened in a browser',
    });
    expect(answers).toEqual(Array.from({ length: 5 }, () => 'worker'));
  });
});
