// Every kind of response carries the security headers app.ts sets (onSend): no MIME sniffing, no framing
// (CSP frame-ancestors 'none' + X-Frame-Options for old browsers), no Referer leaking request ids or codes.
import { beforeAll, describe, expect, it } from 'vitest';
import { authorizeQuery, register } from './support/flow.ts';
import { useTestApp } from './support/test-app.ts';

describe('security headers on every response', () => {
  const t = useTestApp();
  let authorizeUrl: string;
  beforeAll(async () => {
    authorizeUrl = `/authorize?${authorizeQuery((await register(t)).clientId, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')}`;
  });

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

// Cache-Control: no-store is the HTTP layer's default (http/response-headers.ts); handlers set nothing.
describe('Cache-Control', () => {
  const t = useTestApp();

  it.each([
    ['a success whose handler sets no header', '/healthz', 200],
    ['readiness', '/readyz', 200],
    ['a refused session call', '/api/auth/session', 401],
    ['the not-found handler', '/api/nothing-here', 404],
  ])('%s is no-store', async (_what, url, status) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('a framework error (malformed URL, answered before routing and hooks) is no-store and framed like the rest', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/%zz' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it.each([
    ['authorization-server metadata', '/.well-known/oauth-authorization-server', 'public, max-age=3600'],
    ['protected-resource metadata', '/.well-known/oauth-protected-resource/mcp', 'public, max-age=3600'],
    ['the served spec', '/openapi.yaml', 'no-cache'],
    ['the API reference page', '/docs', 'no-cache'],
  ])('%s keeps its own cacheability', async (_what, url, cacheControl) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe(cacheControl);
  });
});
