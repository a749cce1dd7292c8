// The consent web app in a real browser (Debian's Chromium driven by playwright-core) against the real
// server: a user signs up, consents for Claude.ai and for a loopback client, and revokes the key in the UI.
// Screenshots of the consent and keys pages land in apps/server/test-artifacts/ (not committed).
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { buildAuthorizeUrl, createPkcePair } from '@reminderit/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { CLAUDE_CALLBACK, CLAUDEAI_PUBLIC } from '../support/flow.ts';
import { type ListeningTestApp, listenTestApp } from '../support/listening-app.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
describe('consent app in Chromium', () => {
  let t: ListeningTestApp;
  let base: string;
  let browser: Browser;
  let page: Page;
  let loopback: Server;
  let loopbackUrl: string;
  const loopbackHits: URL[] = [];

  beforeAll(async () => {
    t = await listenTestApp();
    base = t.base;
    expect(existsSync(path.join(t.config.consentAppDir, 'index.html')), 'consent app must be built (./run build)').toBe(true);
    // What a desktop client or MCP Inspector runs: a local listener for the loopback redirect.
    loopback = createServer((req, res) => {
      loopbackHits.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
    });
    await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
    loopbackUrl = `http://127.0.0.1:${(loopback.address() as { port: number }).port}/callback`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => loopback?.close(resolve));
    await t?.close();
  });

  async function registerClient(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { client_id: string }).client_id;
  }

  async function exchange(clientId: string, code: string, verifier: string, redirectUri: string) {
    const res = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri, client_id: clientId }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  const mcpStatus = async (key: string) =>
    (
      await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      })
    ).status;

  it('signs up, consents for Claude.ai, sees the key and revokes it in the UI', async () => {
    const clientId = await registerClient(CLAUDEAI_PUBLIC);
    const pkce = await createPkcePair();
    // Intercept the navigation back to claude.ai: the code must arrive there.
    let callback: URL | undefined;
    await page.route('https://claude.ai/**', (route) => {
      callback = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'claude.ai callback' });
    });

    await page.goto(
      buildAuthorizeUrl({ authorizationEndpoint: base, clientId, redirectUri: CLAUDE_CALLBACK, codeChallenge: pkce.codeChallenge, state: 'browser-state' }),
    );
    await page.waitForURL(/\/login\?next=/);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password').fill('a long and lovely password');
    await page.getByRole('button', { name: 'Sign up' }).click();

    await page.waitForURL(/\/consent\?request_id=/);
    await expect.poll(() => page.getByText('claude.ai', { exact: false }).first().isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'consent-claude.png'), fullPage: true });
    await page.getByRole('button', { name: 'Allow' }).click();

    await expect.poll(() => callback?.searchParams.get('code') ?? null, { timeout: 10_000 }).not.toBeNull();
    expect(callback!.origin + callback!.pathname).toBe(CLAUDE_CALLBACK);
    expect(callback!.searchParams.get('state')).toBe('browser-state');
    expect(callback!.searchParams.get('iss')).toBe(base);
    const key = await exchange(clientId, callback!.searchParams.get('code')!, pkce.codeVerifier, CLAUDE_CALLBACK);
    expect(await mcpStatus(key)).toBe(200);

    await page.goto(`${base}/keys`);
    const row = page.getByRole('row').filter({ hasText: 'Claude (web connector)' });
    await expect.poll(() => row.count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'keys.png'), fullPage: true });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await expect.poll(() => row.getByText('Revoked').count()).toBe(1);
    expect(await mcpStatus(key)).toBe(401);
  });

  it('warns about a loopback redirect, shows a hostile client name as text, and delivers the code locally', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const clientId = await registerClient({ client_name: hostile, redirect_uris: [loopbackUrl], token_endpoint_auth_method: 'none' });
    const pkce = await createPkcePair();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });

    await page.goto(buildAuthorizeUrl({ authorizationEndpoint: base, clientId, redirectUri: loopbackUrl, codeChallenge: pkce.codeChallenge, state: 'loop' }));
    await page.waitForURL(/\/consent\?request_id=/); // still signed in from the first test
    await expect.poll(() => page.getByText(hostile, { exact: false }).first().isVisible()).toBe(true);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await expect
      .poll(() =>
        page
          .getByText(/this computer/i)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'consent-loopback.png'), fullPage: true });
    await page.getByRole('button', { name: 'Allow' }).click();

    await expect.poll(() => loopbackHits.length, { timeout: 10_000 }).toBe(1);
    const hit = loopbackHits[0]!;
    expect(hit.searchParams.get('state')).toBe('loop');
    const key = await exchange(clientId, hit.searchParams.get('code')!, pkce.codeVerifier, loopbackUrl);
    expect(await mcpStatus(key)).toBe(200);
    expect(dialogs).toBe(0);
  });
});
