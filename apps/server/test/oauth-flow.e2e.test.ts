// The seed's flow, exactly as Claude.ai does it, over HTTP with the generated SDK as the client:
// 401 from /mcp → protected-resource metadata → AS metadata → register → authorize → sign up + consent →
// token → MCP initialize with the key → key listed as "Claude (web connector)" → revoke → 401.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  buildAuthorizeUrl,
  createClient,
  createPkcePair,
  createState,
  getAuthorizationServerMetadata,
  listApiKeys,
  type ProtectedResourceMetadata,
  registerClient,
  revokeApiKey,
  token,
} from '@reminderit/sdk';
import { describe, expect, it } from 'vitest';
import { testBackends } from './support/backends.ts';
import { signUpAndAllow } from './support/browser-consent.ts';
import { cookieFetch } from './support/cookie-fetch.ts';
import { CLAUDE_CALLBACK, CLAUDEAI_PUBLIC } from './support/flow.ts';
import { listenTestApp } from './support/listening-app.ts';

describe.each(testBackends())('the OAuth flow end to end on $name', ({ available, open }) => {
  it.skipIf(!available)('connects Claude.ai to /mcp with a minted API key, then revocation locks it out', async () => {
    const backends = await open();
    const t = await listenTestApp({ db: backends.db, kv: backends.kv });
    const base = t.base;
    try {
      const browser = cookieFetch();
      const api = createClient({ baseUrl: base, fetch: browser });

      // 1. Discovery: /mcp without a token points at the protected-resource metadata.
      const challenge = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
      });
      expect(challenge.status).toBe(401);
      const resourceMetadataUrl = /resource_metadata="([^"]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')?.[1];
      expect(resourceMetadataUrl).toBe(`${base}/.well-known/oauth-protected-resource/mcp`);
      const prm = (await (await fetch(resourceMetadataUrl!)).json()) as ProtectedResourceMetadata;
      expect(prm.resource).toBe(`${base}/mcp`);
      const issuer = prm.authorization_servers[0]!;
      const { data: asm } = await getAuthorizationServerMetadata({ client: createClient({ baseUrl: issuer }), throwOnError: true });
      expect(asm.issuer).toBe(issuer);
      expect(asm.code_challenge_methods_supported).toEqual(['S256']);

      // 2. Dynamic client registration, with the body Claude.ai sends.
      const { data: reg, response: regRes } = await registerClient({
        throwOnError: true,
        client: api,
        body: CLAUDEAI_PUBLIC,
      });
      expect(regRes.status).toBe(201);
      expect(reg.redirect_uris).toEqual([CLAUDE_CALLBACK]);
      const clientId = reg.client_id;

      // 3. Authorization request (PKCE S256) → log-in page, since the browser has no session yet.
      const pkce = await createPkcePair();
      const state = createState();
      const authorizeUrl = buildAuthorizeUrl({
        authorizationEndpoint: asm.authorization_endpoint,
        clientId,
        redirectUri: CLAUDE_CALLBACK,
        codeChallenge: pkce.codeChallenge,
        state,
        resource: prm.resource,
        scope: prm.scopes_supported.join(' '),
      });
      // Sign up (the consent app does this through the same SDK), then read and answer the consent request.
      const { session, consent, redirectTo } = await signUpAndAllow(browser, base, authorizeUrl, 'ada@example.com');
      expect(consent.client.label).toBe('Claude (web connector)');
      expect(consent.redirect_host).toBe('claude.ai');
      expect(consent.is_loopback).toBe(false);
      const callback = new URL(redirectTo);
      expect(callback.origin + callback.pathname).toBe(CLAUDE_CALLBACK);
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('iss')).toBe(issuer);
      const code = callback.searchParams.get('code')!;

      // 4. Token: the code and the verifier buy an API key.
      const { data: tok, response: tokRes } = await token({
        throwOnError: true,
        client: createClient({ baseUrl: issuer }),
        body: {
          grant_type: 'authorization_code',
          code,
          code_verifier: pkce.codeVerifier,
          redirect_uri: CLAUDE_CALLBACK,
          client_id: clientId,
          resource: prm.resource,
        },
      });
      expect(tokRes.status).toBe(200);
      expect(tokRes.headers.get('cache-control')).toBe('no-store');
      expect(tok.token_type).toBe('Bearer');
      expect(tok.access_token).toMatch(/^rmt_[0-9A-Za-z]{49}$/);
      expect(tok.scope).toBe('reminders:read reminders:write');

      // 5. The key opens /mcp: the official MCP client initializes and lists tools.
      const mcp = new Client({ name: 'e2e', version: '1.0.0' });
      await mcp.connect(
        new StreamableHTTPClientTransport(new URL(prm.resource), {
          requestInit: { headers: { authorization: `Bearer ${tok.access_token}` } },
        }),
      );
      expect(mcp.getServerVersion()?.name).toBe('reminderit');
      const tools = await mcp.listTools();
      expect(Array.isArray(tools.tools)).toBe(true);
      await mcp.close();

      // The user's API Keys page lists it, labelled after the client; revoking it locks /mcp at once.
      const { data: keys } = await listApiKeys({ throwOnError: true, client: api });
      expect(keys.keys).toHaveLength(1);
      const key = keys.keys[0]!;
      expect(key.label).toBe('Claude (web connector)');
      expect(key.client_id).toBe(clientId);
      expect(tok.access_token.startsWith(key.prefix)).toBe(true);
      const { response: revokeRes } = await revokeApiKey({
        throwOnError: true,
        client: api,
        path: { keyId: key.id },
        headers: { 'X-CSRF-Token': session.csrf_token },
      });
      expect(revokeRes.status).toBe(204);
      const after = await fetch(prm.resource, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tok.access_token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await t.close();
      await backends.close();
    }
  });
});
