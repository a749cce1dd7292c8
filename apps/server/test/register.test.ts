import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto.ts';
import { auditEvents, oauthClients } from '../src/store/db/schema.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { CLAUDE_CALLBACK, CLAUDE_CONFIDENTIAL, CLAUDEAI_PUBLIC } from './support/flow.ts';
import { type TestApp, useTestApp } from './support/test-app.ts';
import { testDatabases } from './support/test-databases.ts';

function register(t: TestApp, payload: unknown, remoteAddress?: string) {
  return t.app.inject({ method: 'POST', url: '/register', payload: payload as object, remoteAddress });
}

/** Registers `payload` expecting 201, uncached (RFC 7591 §3.2.1), and returns the body. */
async function registered(t: TestApp, payload: unknown) {
  const res = await register(t, payload);
  expect(res.statusCode).toBe(201);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json();
}

async function storedClient(t: TestApp, clientId: string) {
  const [row] = await t.db.db.select().from(oauthClients).where(eq(oauthClients.id, clientId));
  return row;
}

async function clientCount(t: TestApp) {
  return (await t.db.db.select({ id: oauthClients.id }).from(oauthClients)).length;
}

describe('POST /register (RFC 7591)', () => {
  const t = useTestApp();

  describe('Claude.ai', () => {
    it('registers the public client Claude.ai sends [201, no secret, web-connector label]', async () => {
      const body = await registered(t, CLAUDEAI_PUBLIC);
      expect(body).toEqual({
        client_id: expect.any(String),
        client_id_issued_at: Math.floor(t.clock.now() / 1000),
        client_name: 'claudeai',
        redirect_uris: [CLAUDE_CALLBACK],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: 'reminders:read reminders:write',
      });
      const row = await storedClient(t, body.client_id);
      expect(row).toMatchObject({
        secretHash: null,
        clientName: 'claudeai',
        label: 'Claude (web connector)',
        redirectUris: [CLAUDE_CALLBACK],
        tokenEndpointAuthMethod: 'none',
      });
      const { client_id: _id, client_id_issued_at: _at, ...metadata } = body;
      expect(row?.metadata).toEqual(metadata);
    });

    it('registers the confidential client Claude sends [secret shown once, only its hash stored]', async () => {
      const body = await registered(t, CLAUDE_CONFIDENTIAL);
      expect(body).toMatchObject({
        client_name: 'Claude',
        token_endpoint_auth_method: 'client_secret_post',
        client_secret_expires_at: 0,
        redirect_uris: [CLAUDE_CALLBACK],
      });
      expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await storedClient(t, body.client_id);
      expect(row?.secretHash).toBe(sha256Hex(body.client_secret));
      expect(row?.label).toBe('Claude (web connector)');
      expect(JSON.stringify(row)).not.toContain(body.client_secret);
    });

    it('issues a distinct 128-bit client_id per registration', async () => {
      const a = (await register(t, CLAUDEAI_PUBLIC)).json();
      const b = (await register(t, CLAUDEAI_PUBLIC)).json();
      expect(a.client_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(a.client_id).not.toBe(b.client_id);
    });

    it('accepts the claude.com callback', async () => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: ['https://claude.com/api/mcp/auth_callback'] });
      expect(res.statusCode).toBe(201);
      expect((await storedClient(t, res.json().client_id))?.label).toBe('Claude (web connector)');
    });

    it('writes a client_registered audit event', async () => {
      const { client_id } = (await register(t, CLAUDEAI_PUBLIC)).json();
      const events = await t.db.db.select().from(auditEvents).where(eq(auditEvents.clientId, client_id));
      expect(events).toHaveLength(1);
      expect(events[0]?.type).toBe('client_registered');
    });
  });

  describe('metadata defaults and echo', () => {
    it('defaults token_endpoint_auth_method to client_secret_basic and issues a secret (RFC 7591 §2)', async () => {
      const res = await register(t, { redirect_uris: [CLAUDE_CALLBACK] });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        client_secret_expires_at: 0,
      });
      expect(body.client_secret).toEqual(expect.any(String));
    });

    it('echoes only the supported scopes that were requested', async () => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, scope: 'claudeai reminders:read' });
      expect(res.statusCode).toBe(201);
      expect(res.json().scope).toBe('reminders:read');
    });

    it('echoes optional URIs, contacts and software fields, and ignores unknown metadata', async () => {
      const optional = {
        client_uri: 'https://claude.ai',
        logo_uri: 'https://claude.ai/logo.png',
        tos_uri: 'https://claude.ai/tos',
        policy_uri: 'https://claude.ai/privacy',
        contacts: ['ops@example.com'],
        software_id: 'claude-connector',
        software_version: '1.2.3',
      };
      const res = await register(t, { ...CLAUDEAI_PUBLIC, ...optional, jwks_uri: 'https://claude.ai/jwks', some_vendor_extension: { nested: true } });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject(optional);
      expect(body).not.toHaveProperty('jwks_uri');
      expect(body).not.toHaveProperty('some_vendor_extension');
    });

    it('drops informational URIs that are not http(s) instead of echoing them', async () => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, client_uri: 'javascript:alert(1)' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).not.toHaveProperty('client_uri');
    });

    it('collapses duplicate redirect URIs', async () => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: [CLAUDE_CALLBACK, CLAUDE_CALLBACK] });
      expect(res.statusCode).toBe(201);
      expect(res.json().redirect_uris).toEqual([CLAUDE_CALLBACK]);
    });
  });

  describe('loopback clients (RFC 8252 §7.3)', () => {
    it('registers a loopback redirect on a random port, labelled after client_name', async () => {
      const port = 20_000 + Math.floor(Math.random() * 40_000);
      const res = await register(t, {
        client_name: '  MCP Inspector ',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`http://127.0.0.1:${port}/callback`],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().client_name).toBe('MCP Inspector');
      expect((await storedClient(t, res.json().client_id))?.label).toBe('MCP Inspector');
    });

    it('labels a loopback client without a usable client_name "Local MCP client"', async () => {
      const res = await register(t, { client_name: ' \u202e ', token_endpoint_auth_method: 'none', redirect_uris: ['http://localhost:8080/cb'] });
      expect(res.statusCode).toBe(201);
      expect(res.json()).not.toHaveProperty('client_name');
      expect((await storedClient(t, res.json().client_id))?.label).toBe('Local MCP client');
    });
  });

  describe('refused redirect URIs', () => {
    it('refuses an untrusted https host [invalid_redirect_uri, nothing stored]', async () => {
      const before = await clientCount(t);
      const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: ['https://evil.example/cb'] });
      expectOAuthError(res, 400, 'invalid_redirect_uri');
      expect(await clientCount(t)).toBe(before);
    });

    it('refuses the whole registration when any one redirect URI is untrusted', async () => {
      const before = await clientCount(t);
      const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: [CLAUDE_CALLBACK, 'https://evil.example/cb'] });
      expectOAuthError(res, 400, 'invalid_redirect_uri');
      expect(await clientCount(t)).toBe(before);
    });

    it.each([
      ['http on a non-loopback host', 'http://claude.ai/api/mcp/auth_callback'],
      ['a fragment', `${CLAUDE_CALLBACK}#frag`],
      ['userinfo', 'https://user@claude.ai/api/mcp/auth_callback'],
      ['a look-alike suffix host', 'https://claude.ai.evil.com/api/mcp/auth_callback'],
      ['userinfo naming the trusted host', 'https://claude.ai@evil.com/'],
      ['the trusted URL in the query', 'https://evil.com/?https://claude.ai/'],
      ['a percent-encoded host', 'https://claude%2Eai/api/mcp/auth_callback'],
      ['a percent-encoded suffix', 'https://claude.ai%2Eevil.com/'],
      ['a different port', 'https://claude.ai:8443/api/mcp/auth_callback'],
      ['another path on claude.ai (open redirect)', 'https://claude.ai/login?returnTo=https%3A%2F%2Fevil.example'],
      ['another path on claude.com', 'https://claude.com/public/x'],
      ['an extra path after the callback', `${CLAUDE_CALLBACK}/x`],
      ['a dot-segment after the callback', `${CLAUDE_CALLBACK}/../../../login`],
      ['a query on the callback', `${CLAUDE_CALLBACK}?x=1`],
      ['a percent-encoded callback', 'https://claude.ai/api/mcp/auth%5Fcallback'],
    ])('refuses %s [invalid_redirect_uri]', async (_what, uri) => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: [uri] });
      expectOAuthError(res, 400, 'invalid_redirect_uri');
    });

    // The contract's `format: uri` rejects these before the handler runs; RFC 7591 §3.2.2 still names the code.
    it.each([
      ['a relative URI', '/api/mcp/auth_callback'],
      ['a backslash host trick', 'https://evil.com\\@claude.ai/'],
    ])('refuses %s [400 invalid_redirect_uri from the contract]', async (_what, uri) => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: [uri] });
      expectOAuthError(res, 400, 'invalid_redirect_uri');
    });

    it('refuses more redirect URIs than the contract allows [400 invalid_redirect_uri]', async () => {
      const uris = Array.from({ length: 11 }, (_, i) => `http://127.0.0.1:${1000 + i}/cb`);
      const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: uris });
      expectOAuthError(res, 400, 'invalid_redirect_uri');
    });

    it.each([
      ['an empty list', { client_name: 'x', redirect_uris: [] }],
      ['no redirect_uris member', { client_name: 'x' }],
      ['a non-array', { client_name: 'x', redirect_uris: 'https://claude.ai/api/mcp/auth_callback' }],
      ['a list of non-strings', { client_name: 'x', redirect_uris: [42] }],
    ])('refuses a registration with %s of redirect URIs [400 invalid_redirect_uri, RFC 7591 §3.2.2]', async (_what, body) => {
      const res = await t.app.inject({ method: 'POST', url: '/register', payload: body });
      expectOAuthError(res, 400, 'invalid_redirect_uri');
    });
  });

  describe('metadata the contract refuses → invalid_client_metadata (RFC 7591 §3.2.2)', () => {
    it.each([
      ['a client_name of the wrong type', { client_name: 42 }],
      ['an unknown token_endpoint_auth_method', { token_endpoint_auth_method: 'private_key_jwt' }],
      ['a contacts member that is not a list', { contacts: 'ops@example.com' }],
    ])('refuses %s', async (_what, extra) => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, ...extra });
      expectOAuthError(res, 400, 'invalid_client_metadata');
    });

    it('names invalid_redirect_uri when redirect_uris is wrong along with other members', async () => {
      const res = await register(t, { ...CLAUDEAI_PUBLIC, client_name: 42, redirect_uris: ['not a uri'] });
      expect(res.json().error).toBe('invalid_redirect_uri');
    });
  });

  describe('grant and response type consistency (RFC 7591 §2.1)', () => {
    it.each([
      ['grant_types without authorization_code', { grant_types: ['client_credentials'] }],
      ['response_types other than code', { response_types: ['token'] }],
      ['response_types mixing code with another type', { response_types: ['code', 'id_token'] }],
    ])('refuses %s [invalid_client_metadata]', async (_what, extra) => {
      expectOAuthError(await register(t, { ...CLAUDEAI_PUBLIC, ...extra }), 400, 'invalid_client_metadata');
    });
  });
});

describe('POST /register with a rate limit of 2 a minute', () => {
  const t = useTestApp({ env: { RATE_LIMIT_REGISTER_MAX: '2', RATE_LIMIT_REGISTER_WINDOW_SECONDS: '60' } });

  it('rate limits per client IP [429 rate_limited with Retry-After]', async () => {
    expect((await register(t, CLAUDEAI_PUBLIC, '203.0.113.7')).statusCode).toBe(201);
    expect((await register(t, CLAUDEAI_PUBLIC, '203.0.113.7')).statusCode).toBe(201);
    const limited = await register(t, CLAUDEAI_PUBLIC, '203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBe('60');
    // Another IP has its own budget.
    expect((await register(t, CLAUDEAI_PUBLIC, '203.0.113.8')).statusCode).toBe(201);
  });
});

describe.each([
  {
    kind: 'exact',
    entry: { exact: 'https://partner.example/oauth/cb', label: 'Partner app' },
    outside: ['https://partner.example/oauth/cb/x', 'https://partner.example/oauth/cb?x=1', 'https://partner.example/oauth/x/../cb'],
  },
  { kind: 'prefix', entry: { prefix: 'https://partner.example/oauth/', label: 'Partner app' }, outside: ['https://partner.example/other/cb'] },
])('POST /register with a custom TRUSTED_REDIRECTS list (one $kind entry)', ({ entry, outside }) => {
  const t = useTestApp({ env: { TRUSTED_REDIRECTS: JSON.stringify([entry]) } });

  it('labels keys after the entry', async () => {
    const ok = await register(t, { token_endpoint_auth_method: 'none', redirect_uris: ['https://partner.example/oauth/cb'] });
    expect(ok.statusCode).toBe(201);
    expect((await storedClient(t, ok.json().client_id))?.label).toBe('Partner app');
  });

  it.each(outside)('refuses %s, outside the entry [invalid_redirect_uri]', async (uri) => {
    expectOAuthError(await register(t, { redirect_uris: [uri] }), 400, 'invalid_redirect_uri');
  });

  // Claude.ai and loopback are no longer trusted once the list is replaced.
  it.each([CLAUDE_CALLBACK, 'http://127.0.0.1:1234/cb'])('no longer trusts the default %s [invalid_redirect_uri]', async (uri) => {
    expectOAuthError(await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: [uri] }), 400, 'invalid_redirect_uri');
  });
});

// Issue 11 finding 3: jsonb refuses ill-formed UTF-16, so a lone surrogate used to be an unauthenticated 500.
describe.each(testDatabases())('POST /register with ill-formed Unicode (lone UTF-16 surrogates) on $name → 400, nothing stored', ({ open }) => {
  const t = useTestApp(async () => {
    const db = await open();
    return { db, afterClose: () => db.dispose() };
  });

  it.each([
    ['client_name', { client_name: '\ud800' }],
    ['client_name (low surrogate)', { client_name: 'a\udfffb' }],
    ['software_id', { software_id: 'x\udbff' }],
    ['software_version', { software_version: '\ud800' }],
    ['contacts', { contacts: ['ops@example.com', '\udc00@example.com'] }],
    ['an unknown member', { application_type: '\ud800' }],
    ['a member name', { '\ud800': 'x' }],
  ])('refuses a lone surrogate in %s [invalid_client_metadata]', async (_what, extra) => {
    const before = await clientCount(t);
    // Sent as JSON text, so the \u escape reaches the server as JSON spells it (RFC 8259 §8.2).
    const res = await t.app.inject({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...CLAUDEAI_PUBLIC, ...extra }),
    });
    expectOAuthError(res, 400, 'invalid_client_metadata');
    expect(await clientCount(t)).toBe(before);
  });

  it('refuses a lone surrogate in redirect_uris [invalid_redirect_uri]', async () => {
    const res = await register(t, { ...CLAUDEAI_PUBLIC, redirect_uris: ['http://127.0.0.1:1/\ud800'] });
    expectOAuthError(res, 400, 'invalid_redirect_uri');
  });

  it('still accepts well-formed astral characters (surrogate pairs)', async () => {
    const res = await register(t, { ...CLAUDEAI_PUBLIC, client_name: 'Claude \ud83d\udcde' });
    expect(res.statusCode).toBe(201);
    expect(res.json().client_name).toBe('Claude \u{1f4de}');
  });
});
