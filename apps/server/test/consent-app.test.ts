// The server serves the built consent app from its own origin, with strict page headers.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONSENT_APP_PATHS, consentPagePath, loginPagePath } from '@reminderit/sdk';
import { describe, expect, it } from 'vitest';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { useTestApp } from './support/test-app.ts';

/** A consent app build as Vite lays it out, with the dev-only mock worker in it. */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'consent-dist-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>ReminderIt</title><div id="root"></div>');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
  writeFileSync(path.join(dir, 'mockServiceWorker.js'), '// dev only');
  return dir;
}

describe('consent app pages', () => {
  const t = useTestApp(() => ({ env: { CONSENT_APP_DIR: fakeBuild() } }));

  it.each([...CONSENT_APP_PATHS, loginPagePath('/keys'), consentPagePath('abc')])('serves index.html for %s with a strict CSP', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<div id="root">');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('serves fingerprinted assets with a long immutable cache', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('serves other built files, but never the dev-only mock service worker', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode).toBe(200);
    expectOAuthError(await t.app.inject({ method: 'GET', url: '/mockServiceWorker.js' }), 404, 'not_found');
  });

  it('answers unknown paths, traversal attempts and non-GET methods with 404 JSON', async () => {
    for (const url of ['/nope', '/..%2f..%2fetc%2fpasswd', '/assets/../../package.json']) {
      expectOAuthError(await t.app.inject({ method: 'GET', url }), 404, 'not_found');
    }
    expectOAuthError(await t.app.inject({ method: 'GET', url: '/%E0%A4%A' }), 400, 'invalid_request');
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/keys' }), 404, 'not_found');
  });

  it('keeps API errors as JSON next to the pages', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/keys' });
    expectOAuthError(res, 401, 'unauthorized');
  });
});

describe('without a built consent app', () => {
  const t = useTestApp({ env: { CONSENT_APP_DIR: path.join(tmpdir(), 'no-such-consent-build') } });

  it('still serves the API and answers page routes with 404 JSON', async () => {
    expectOAuthError(await t.app.inject({ method: 'GET', url: '/login' }), 404, 'not_found');
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
