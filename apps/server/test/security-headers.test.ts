// Every kind of response carries the security headers app.ts sets (onSend): no MIME sniffing, no framing
// (CSP frame-ancestors 'none' + X-Frame-Options for old browsers), no Referer leaking request ids or codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeQuery, register } from './support/flow.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';

describe('security headers on every response', () => {
  let t: TestApp;
  let authorizeUrl: string;
  beforeAll(async () => {
    t = await buildTestApp();
    authorizeUrl = `/authorize?${authorizeQuery((await register(t)).clientId, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')}`;
  });
  afterAll(() => t.close());

  it.each([
    ['JSON metadata', () => ({ method: 'GET' as const, url: '/.well-known/oauth-authorization-server' })],
    ['a redirect to log-in', () => ({ method: 'GET' as const, url: authorizeUrl })],
    ['an HTML error page', () => ({ method: 'GET' as const, url: '/authorize?client_id=nope' })],
    ['a JSON error', () => ({ method: 'POST' as const, url: '/register', payload: {} })],
    ['an unknown path', () => ({ method: 'GET' as const, url: '/api/nothing-here' })],
    ['a refused bearer call', () => ({ method: 'GET' as const, url: '/v1/reminders' })],
  ])('%s', async (_what, request) => {
    const res = await t.app.inject(request());
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    if (res.statusCode >= 300) expect(res.headers['cache-control']).toBe('no-store');
  });
});
