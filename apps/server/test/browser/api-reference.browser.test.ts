// The API reference at /docs in a real browser (Debian's Chromium driven by playwright-core) against the
// real server, with every request to another origin refused and recorded: the page must render the spec's
// operations from this server alone (no CDN, no fonts, no telemetry) under its CSP. A screenshot lands in
// apps/server/test-artifacts/ (not committed).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { type ListeningTestApp, listenTestApp } from '../support/listening-app.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

interface Violation {
  directive: string;
  blocked: string;
}

describe('API reference in Chromium', () => {
  let t: ListeningTestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  const elsewhere: string[] = [];
  const sameOrigin: string[] = [];

  beforeAll(async () => {
    t = await listenTestApp();
    base = t.base;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Offline but for this server: anything else is recorded and refused.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      if (new URL(url).origin !== base) {
        elsewhere.push(url);
        return route.abort('blockedbyclient');
      }
      sameOrigin.push(new URL(url).pathname);
      return route.continue();
    });
    // CSP violations the page hits, seen from inside it (source text: this package compiles without DOM types).
    await context.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));`,
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders the operations of the spec with requests to this server only', async () => {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const res = await page.goto(`${base}/docs`);
    expect(res?.status()).toBe(200);
    // Summaries of operations from openapi.yaml, rendered by the reference from /openapi.yaml.
    const sidebar = page.locator('nav, aside').first();
    await expect.poll(() => page.getByText('Get authorization server metadata').first().isVisible(), { timeout: 20_000 }).toBe(true);
    // The server the page offers for "Try it" is PUBLIC_URL (the served spec's `servers`).
    await expect.poll(() => page.getByText(base, { exact: true }).first().isVisible()).toBe(true);
    await sidebar.getByText('oauth', { exact: true }).click();
    await expect.poll(() => page.getByText('Register an OAuth client').first().isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Exchange an authorization code for an access token').first().isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-reference.png') });

    expect(elsewhere).toEqual([]);
    expect(sameOrigin).toContain('/openapi.yaml');
    expect(sameOrigin.some((p) => /^\/docs\/assets\/scalar-api-reference-[\d.]+\.js$/.test(p))).toBe(true);
    expect(pageErrors).toEqual([]);
    // The one refusal tolerated: a library probing whether eval is allowed (it then does without).
    const violations = await page.evaluate<Violation[]>('window.cspViolations');
    expect(violations.filter((v) => !(v.directive === 'script-src' && v.blocked === 'eval'))).toEqual([]);
    await page.close();
  });

  it('"Try it" calls this server (PUBLIC_URL) directly, not a proxy', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/docs#tag/health/GET/healthz`);
    await page.getByRole('button', { name: /Test Request.*get \/healthz/ }).click();
    const answered = page.waitForResponse((r) => r.url() === `${base}/healthz` && r.request().method() === 'GET');
    await page.getByRole('button', { name: `Send get request to ${base}/healthz` }).click();
    expect((await answered).status()).toBe(200);
    await expect.poll(() => page.getByText('200 OK').first().isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-reference-try-it.png') });
    expect(elsewhere).toEqual([]);
    await page.close();
  });
});
