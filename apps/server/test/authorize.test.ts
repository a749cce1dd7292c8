// GET /authorize and the consent API: the design's rules for the authorization request.
import { createPkcePair } from '@reminderit/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/oauth/clients.ts';
import { authorize, authorizeQuery, CLAUDE_CALLBACK, decide, register, requestIdFrom, signUpUser } from './support/flow.ts';
import { useTestApp } from './support/test-app.ts';

describe('GET /authorize', () => {
  const t = useTestApp();
  let challenge: string;
  beforeAll(async () => {
    challenge = (await createPkcePair()).codeChallenge;
  });

  function errorRedirect(res: { statusCode: number; headers: Record<string, unknown> }) {
    expect(res.statusCode).toBe(302);
    const url = new URL(res.headers.location as string);
    expect(url.origin + url.pathname).toBe(CLAUDE_CALLBACK);
    return url.searchParams;
  }

  it('sends a signed-out browser to log in, then to the consent page for a stored request', async () => {
    const client = await register(t);
    const res = await authorize(t, authorizeQuery(client.clientId, challenge));
    expect(res.statusCode).toBe(302);
    const location = new URL(res.headers.location as string, 'http://x');
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('next')).toMatch(/^\/consent\?request_id=[A-Za-z0-9_-]{16,}$/);
  });

  it('sends a signed-in browser straight to consent', async () => {
    const client = await register(t);
    const user = await signUpUser(t);
    const res = await authorize(t, authorizeQuery(client.clientId, challenge), user);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^\/consent\?request_id=/);
  });

  it('never redirects for an unknown client_id [error page]', async () => {
    const res = await authorize(t, authorizeQuery('no-such-client', challenge));
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  // Found by the fuzz suite: a NUL in client_id reached PostgreSQL, which cannot compare text with U+0000 (500).
  // Query values are now checked with bodies (storable-strings.ts): refused as a contract break, never redirected.
  it.each([
    ['client_id', { client_id: '\u0000' }],
    ['state', { state: 'st\u0000' }],
  ])('refuses a NUL character in %s [400 invalid_request, not redirected]', async (_what, extra) => {
    const client = await register(t);
    const res = await authorize(t, authorizeQuery(client.clientId, challenge, extra));
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.json().error).toBe('invalid_request');
  });

  it('never redirects to a redirect_uri that was not registered [error page]', async () => {
    const client = await register(t);
    for (const evil of ['https://evil.example/cb', `${CLAUDE_CALLBACK}/extra`, `${CLAUDE_CALLBACK}?x=1`, 'https://claude.ai/other']) {
      const res = await authorize(t, authorizeQuery(client.clientId, challenge, { redirect_uri: evil }));
      expect(res.statusCode).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).not.toContain(evil);
    }
  });

  it('refuses a redirect URI registered under an older, wider trusted list [error page]', async () => {
    // What the old default (any path on claude.ai) let in; the list is enforced again at /authorize.
    const wide = 'https://claude.ai/login?returnTo=https%3A%2F%2Fevil.example';
    const { client } = await createClient(t, {
      redirectUris: [wide],
      clientName: 'old',
      label: 'Claude (web connector)',
      tokenEndpointAuthMethod: 'none',
      metadata: { redirect_uris: [wide] },
    });
    for (const query of [authorizeQuery(client.id, challenge, { redirect_uri: wide }), authorizeQuery(client.id, challenge, { redirect_uri: undefined })]) {
      const res = await authorize(t, query);
      expect(res.statusCode).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
  });

  it('lets a loopback redirect URI use another port (RFC 8252 §7.3), but not another path', async () => {
    const client = await register(t, { client_name: 'Inspector', redirect_uris: ['http://127.0.0.1:6274/oauth/callback'] });
    const ok = await authorize(t, authorizeQuery(client.clientId, challenge, { redirect_uri: 'http://127.0.0.1:50123/oauth/callback' }));
    expect(ok.statusCode).toBe(302);
    expect(ok.headers.location).toMatch(/^\/login/);
    const bad = await authorize(t, authorizeQuery(client.clientId, challenge, { redirect_uri: 'http://127.0.0.1:50123/other' }));
    expect(bad.statusCode).toBe(400);
  });

  it('requires PKCE: a missing code_challenge goes back as invalid_request with state and iss', async () => {
    const client = await register(t);
    const params = errorRedirect(await authorize(t, authorizeQuery(client.clientId, challenge, { code_challenge: undefined })));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('state')).toBe('st-123');
    expect(params.get('iss')).toBe(t.config.publicUrl);
  });

  it('refuses the plain method and a missing method [S256 only]', async () => {
    const client = await register(t);
    for (const method of ['plain', undefined]) {
      const params = errorRedirect(await authorize(t, authorizeQuery(client.clientId, challenge, { code_challenge_method: method })));
      expect(params.get('error')).toBe('invalid_request');
    }
  });

  it('refuses response_type other than code', async () => {
    const client = await register(t);
    const params = errorRedirect(await authorize(t, authorizeQuery(client.clientId, challenge, { response_type: 'token' })));
    expect(params.get('error')).toBe('unsupported_response_type');
    expect(params.get('iss')).toBe(t.config.publicUrl);
  });

  it('answers invalid_target for a resource that is not ours (RFC 8707)', async () => {
    const client = await register(t);
    const params = errorRedirect(await authorize(t, authorizeQuery(client.clientId, challenge, { resource: 'https://other.example/mcp' })));
    expect(params.get('error')).toBe('invalid_target');
  });

  it('answers invalid_scope when no requested scope is supported, and keeps the supported subset otherwise', async () => {
    const client = await register(t);
    const params = errorRedirect(await authorize(t, authorizeQuery(client.clientId, challenge, { scope: 'admin everything' })));
    expect(params.get('error')).toBe('invalid_scope');
    const user = await signUpUser(t);
    const res = await authorize(t, authorizeQuery(client.clientId, challenge, { scope: 'reminders:read offline_access' }), user);
    const details = await t.app.inject({
      method: 'GET',
      url: `/api/consent/${requestIdFrom(res.headers.location as string)}`,
      headers: { cookie: user.cookie },
    });
    expect(details.json().scopes.map((s: { name: string }) => s.name)).toEqual(['reminders:read']);
  });

  it('ignores unknown parameters (RFC 6749 §3.1)', async () => {
    const client = await register(t);
    const res = await authorize(t, `${authorizeQuery(client.clientId, challenge)}&prompt=consent&foo=bar`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});

describe('consent API', () => {
  const t = useTestApp();

  async function pending() {
    const client = await register(t);
    const user = await signUpUser(t);
    const { codeChallenge } = await createPkcePair();
    const res = await authorize(t, authorizeQuery(client.clientId, codeChallenge), user);
    return { client, user, requestId: requestIdFrom(res.headers.location as string) };
  }

  it('describes the request: client, redirect host, loopback flag, scopes in plain words', async () => {
    const { client, user, requestId } = await pending();
    const res = await t.app.inject({ method: 'GET', url: `/api/consent/${requestId}`, headers: { cookie: user.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      request_id: requestId,
      client: { client_id: client.clientId, client_name: 'claudeai', label: 'Claude (web connector)' },
      redirect_uri: CLAUDE_CALLBACK,
      redirect_host: 'claude.ai',
      is_loopback: false,
      resource: t.config.mcpResource,
    });
    expect(res.json().scopes).toHaveLength(2);
  });

  it('requires a session to read or decide', async () => {
    const { requestId } = await pending();
    expect((await t.app.inject({ method: 'GET', url: `/api/consent/${requestId}` })).statusCode).toBe(401);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/consent/${requestId}`,
      headers: { 'x-csrf-token': 'x'.repeat(32) },
      payload: { decision: 'allow' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a decision with a wrong CSRF token [403] and keeps the request', async () => {
    const { user, requestId } = await pending();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/consent/${requestId}`,
      headers: { cookie: user.cookie, 'x-csrf-token': 'w'.repeat(43) },
      payload: { decision: 'allow' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('forbidden');
    expect((await decide(t, user, requestId, 'allow')).statusCode).toBe(200);
  });

  it('Allow redirects with code, state and iss; the request is then used up [404]', async () => {
    const { user, requestId } = await pending();
    const res = await decide(t, user, requestId, 'allow');
    const to = new URL(res.json().redirect_to);
    expect(to.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('state')).toBe('st-123');
    expect(to.searchParams.get('iss')).toBe(t.config.publicUrl);
    expect((await decide(t, user, requestId, 'allow')).statusCode).toBe(404);
  });

  it('Deny redirects with access_denied, state and iss', async () => {
    const { user, requestId } = await pending();
    const to = new URL((await decide(t, user, requestId, 'deny')).json().redirect_to);
    expect(to.searchParams.get('error')).toBe('access_denied');
    expect(to.searchParams.get('state')).toBe('st-123');
    expect(to.searchParams.get('iss')).toBe(t.config.publicUrl);
    expect(to.searchParams.get('code')).toBeNull();
  });

  it('expires pending requests after AUTH_REQUEST_TTL_SECONDS [404]', async () => {
    const { user, requestId } = await pending();
    t.clock.advance(t.config.authRequestTtlSeconds * 1000 + 1);
    expect((await t.app.inject({ method: 'GET', url: `/api/consent/${requestId}`, headers: { cookie: user.cookie } })).statusCode).toBe(404);
  });

  it('answers an unknown request id with 404', async () => {
    const { user } = await pending();
    const res = await t.app.inject({ method: 'GET', url: '/api/consent/abcdefghijklmnopqrstuvwxyz', headers: { cookie: user.cookie } });
    expect(res.statusCode).toBe(404);
  });
});
