// Issue 11 finding 1 in a real browser (Debian's Chromium via playwright-core): user A opens an authorize URL
// and lands on log-in with the request id in the URL; user B, in a second browser context with B's own
// account, session and CSRF token, opens the same consent URL and calls the consent API directly — and can
// neither see nor answer A's request. A then signs in and answers it.
import { existsSync } from 'node:fs';
import { buildAuthorizeUrl, createPkcePair } from '@reminderit/sdk';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_CALLBACK, CLAUDEAI_PUBLIC } from '../support/flow.ts';
import { freePort } from '../support/free-port.ts';
import { buildTestApp, type TestApp } from '../support/test-app.ts';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.REQUIRE_BROWSER === '1';
const available = existsSync(CHROMIUM);

describe.skipIf(!available && !required)('a pending consent request in Chromium belongs to the browser and user that started it', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await buildTestApp({ env: { PUBLIC_URL: base } });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 180_000); // Chromium's start on 2 shared cores under the full suite
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newBrowser(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    // Claude's callback never leaves the machine: answered here.
    await page.route('https://claude.ai/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'claude.ai callback' }));
    return page;
  }

  async function signUp(page: Page, email: string) {
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a long and lovely password');
    await page.getByRole('button', { name: 'Sign up' }).click();
  }

  /** B's own consent API calls from B's page: with B's session cookie and B's CSRF token. */
  const apiAs = (page: Page, requestId: string) =>
    page.evaluate(async (id) => {
      const session = (await (await fetch('/api/auth/session')).json()) as { csrf_token: string };
      const get = await fetch(`/api/consent/${id}`);
      const post = await fetch(`/api/consent/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: JSON.stringify({ decision: 'allow' }),
      });
      return { get: get.status, getBody: await get.text(), post: post.status, postBody: await post.text() };
    }, requestId);

  it("a second browser with its own account can neither see nor answer A's request; A still can", async () => {
    const reg = await fetch(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CLAUDEAI_PUBLIC) });
    const clientId = ((await reg.json()) as { client_id: string }).client_id;
    const pkce = await createPkcePair();
    const authorizeUrl = buildAuthorizeUrl({
      authorizationEndpoint: base,
      clientId,
      redirectUri: CLAUDE_CALLBACK,
      codeChallenge: pkce.codeChallenge,
      state: 'a-state',
    });

    // A opens the authorize URL signed out: the request id is in the log-in URL (history, screenshots, logs).
    const a = await newBrowser();
    await a.goto(authorizeUrl);
    await a.waitForURL(/\/login\?next=/);
    const consentPath = new URL(a.url()).searchParams.get('next')!;
    const requestId = new URL(consentPath, base).searchParams.get('request_id')!;

    // B, in another browser with B's own account, opens that consent URL.
    const b = await newBrowser();
    await b.goto(`${base}/login`);
    await signUp(b, 'mallory@example.com');
    await b.waitForURL((url) => url.pathname !== '/login' && url.pathname !== '/signup');
    await b.goto(`${base}${consentPath}`);
    await expect.poll(() => b.getByRole('heading', { level: 1, name: 'This request has expired' }).isVisible()).toBe(true);
    expect(await b.getByRole('button', { name: 'Allow' }).count()).toBe(0);
    expect(await b.getByText('claude.ai').count()).toBe(0);

    // Nor through the API, with B's session and CSRF token: the answer an unknown id gets.
    const direct = await apiAs(b, requestId);
    const unknown = await apiAs(b, 'abcdefghijklmnopqrstuvwxyz0123456789');
    expect(direct).toEqual({ get: 404, getBody: unknown.getBody, post: 404, postBody: unknown.postBody });

    // A signs in in the browser that opened it and allows: the code goes to Claude for A's account.
    let callback: URL | undefined;
    await a.unroute('https://claude.ai/**');
    await a.route('https://claude.ai/**', (route) => {
      callback = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'claude.ai callback' });
    });
    await signUp(a, 'ada@example.com');
    await a.waitForURL(/\/consent\?request_id=/);
    await a.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => callback?.searchParams.get('code') ?? null, { timeout: 10_000 }).not.toBeNull();
    expect(callback!.searchParams.get('state')).toBe('a-state');

    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback!.searchParams.get('code')!,
        code_verifier: pkce.codeVerifier,
        redirect_uri: CLAUDE_CALLBACK,
        client_id: clientId,
      }),
    });
    expect(res.status).toBe(200);
    const key = ((await res.json()) as { access_token: string }).access_token;
    const who = await fetch(`${base}/v1/reminders`, { headers: { authorization: `Bearer ${key}` } });
    expect(who.status).toBe(200);
    // B's account got nothing: its key list is empty.
    const bKeys = await b.evaluate(async () => ((await (await fetch('/api/keys')).json()) as { keys: unknown[] }).keys.length);
    expect(bKeys).toBe(0);
  });
});
