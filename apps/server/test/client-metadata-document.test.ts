// Client ID Metadata Documents at /authorize, /token and /revoke, against a loopback document server (http on
// 127.0.0.1, allowed by CIMD_ALLOW_LOOPBACK_HTTP in this test's config). Every refusal is the authorization
// error page (400 HTML, never a redirect) with its reason, and leaves nothing behind: no client row, no
// cached document, no pending request, no key.
import { createPkcePair } from '@reminderit/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto.ts';
import { apiKeys, oauthClients } from '../src/store/db/schema.ts';
import { type DocumentHandler, type DocumentServer, json, startDocumentServer } from './support/document-server.ts';
import { authorize, authorizeQuery, CLAUDE_CALLBACK, callMcp, exchangeCode, obtainCode, type SignedIn, signUpUser } from './support/flow.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';

let docs: DocumentServer;
let t: TestApp;
let user: SignedIn;

/** Short deadline so the slow-server case costs 300 ms, not 5 s. */
const TIMEOUT_MS = 300;

beforeAll(async () => {
  docs = await startDocumentServer();
  t = await buildTestApp({ env: { CIMD_ALLOW_LOOPBACK_HTTP: 'true' }, clientMetadataFetch: { timeoutMs: TIMEOUT_MS } });
  user = await signUpUser(t);
});
afterAll(async () => {
  await t.close();
  await docs.close();
});

/** A valid document for the URL it is served at, plus `extra` members (undefined deletes one). */
function documentFor(extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): DocumentHandler {
  return (req, res, url) => {
    const body: Record<string, unknown> = {
      client_id: url,
      client_name: 'Claude',
      redirect_uris: [CLAUDE_CALLBACK, 'http://127.0.0.1/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...extra,
    };
    for (const [k, v] of Object.entries(extra)) if (v === undefined) delete body[k];
    json(body, headers)(req, res, url);
  };
}

let routeCounter = 0;
const route = (handler: DocumentHandler) => docs.route(`/oauth/client-${++routeCounter}.json`, handler);

async function pkceAuthorize(clientId: string, extra: Record<string, string | undefined> = {}) {
  const pkce = await createPkcePair();
  return authorize(t, authorizeQuery(clientId, pkce.codeChallenge, extra), user);
}

/** `documentValid`: the document itself passed (the request did not fit it), so it may stay cached. */
async function expectRefused(clientId: string, reason: RegExp, extra: Record<string, string | undefined> = {}, documentValid = false) {
  const res = await pkceAuthorize(clientId, extra);
  expect(res.statusCode).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.body).toContain('<code>invalid_client</code>');
  expect(res.body).toMatch(reason);
  expect(await t.db.db.select().from(oauthClients).where(eq(oauthClients.id, clientId))).toEqual([]);
  if (!documentValid) expect(await t.kv.get(`cimd:${sha256Hex(clientId)}`)).toBeNull();
  expect(await t.db.db.select().from(apiKeys).where(eq(apiKeys.clientId, clientId))).toEqual([]);
}

describe('a valid Client ID Metadata Document', () => {
  it('is fetched at /authorize; /token mints a key labelled by the trusted list; /revoke accepts the URL', async () => {
    const url = route(documentFor());
    const issued = await obtainCode(t, { client: { clientId: url }, user });
    const res = await exchangeCode(t, issued);
    expect(res.statusCode).toBe(200);
    const key = res.json().access_token as string;
    expect(key).toMatch(/^rmt_/);
    const [row] = await t.db.db.select().from(apiKeys).where(eq(apiKeys.clientId, url));
    expect(row?.label).toBe('Claude (web connector)');
    const [client] = await t.db.db.select().from(oauthClients).where(eq(oauthClients.id, url));
    expect(client).toMatchObject({ clientName: 'Claude', tokenEndpointAuthMethod: 'none', secretHash: null });

    expect((await callMcp(t, key)).statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'POST',
      url: '/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: key, client_id: url }).toString(),
    });
    expect(revoked.statusCode).toBe(200);
    expect((await callMcp(t, key)).statusCode).toBe(401);
  });

  it('shows the consent page the host that published it', async () => {
    const url = route(documentFor());
    const pkce = await createPkcePair();
    const res = await authorize(t, authorizeQuery(url, pkce.codeChallenge), user);
    expect(res.statusCode).toBe(302);
    const requestId = new URL(res.headers.location as string, 'http://x').searchParams.get('request_id')!;
    const consent = await t.app.inject({
      method: 'GET',
      url: `/api/consent/${requestId}`,
      headers: { cookie: [user.cookie, ...[res.headers['set-cookie']].flat().map((c) => String(c).split(';')[0])].join('; ') },
    });
    expect(consent.statusCode).toBe(200);
    expect(consent.json().client).toEqual({
      client_id: url,
      client_name: 'Claude',
      label: 'Claude (web connector)',
      metadata_document_host: new URL(docs.origin).host,
    });
  });

  it('is cached per Cache-Control max-age in the KV: one fetch for two authorizations, a new one after it', async () => {
    const url = route(documentFor({}, { 'cache-control': 'public, max-age=600' }));
    const path = new URL(url).pathname;
    expect((await pkceAuthorize(url)).statusCode).toBe(302);
    expect((await pkceAuthorize(url)).statusCode).toBe(302);
    expect(docs.hits(path)).toBe(1);
    t.clock.advance(601_000);
    expect((await pkceAuthorize(url)).statusCode).toBe(302);
    expect(docs.hits(path)).toBe(2);
  });

  it('labels keys for a loopback redirect with the document client_name', async () => {
    const url = route(documentFor({ client_name: 'Claude Code', redirect_uris: ['http://localhost/callback'] }));
    const res = await pkceAuthorize(url, { redirect_uri: 'http://localhost:53682/callback' });
    expect(res.statusCode).toBe(302);
    const [client] = await t.db.db.select().from(oauthClients).where(eq(oauthClients.id, url));
    expect(client?.label).toBe('Claude Code');
  });
});

describe('refused Client ID Metadata Documents (error page, nothing stored, no key)', () => {
  it('a host name (Claude.ai document URL): test apps resolve no names, so it fails without DNS or network', async () => {
    await expectRefused('https://claude.ai/oauth/mcp-oauth-client-metadata', /could not be fetched \(ENOTFOUND\)/);
  });

  it('client_id in the document differs from its URL', async () => {
    const url = route(documentFor({ client_id: `${docs.origin}/oauth/someone-else.json` }));
    await expectRefused(url, /different client_id/);
  });

  it('the redirect_uri is not in the document', async () => {
    const url = route(documentFor({ redirect_uris: ['https://claude.com/api/mcp/auth_callback'] }));
    await expectRefused(url, /not listed in its client metadata document/, {}, true);
  });

  it('the redirect_uri is in the document but not on the trusted list', async () => {
    const url = route(documentFor({ redirect_uris: ['https://evil.example/callback'] }));
    await expectRefused(url, /host evil\.example\) is not allowed/, { redirect_uri: 'https://evil.example/callback' }, true);
  });

  it('the document is larger than 5 KB (streamed without Content-Length)', async () => {
    const url = route((_req, res, self) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"client_id":${JSON.stringify(self)},"client_name":"Claude","redirect_uris":["${CLAUDE_CALLBACK}"],"pad":"`);
      for (let i = 0; i < 8; i++) res.write('x'.repeat(1024));
      res.end('"}');
    });
    await expectRefused(url, /larger than 5120 bytes/);
  });

  it('the document server is too slow', async () => {
    const url = route((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 3000).unref();
    });
    await expectRefused(url, new RegExp(`took longer than ${TIMEOUT_MS} ms`));
  });

  it('the document is not JSON', async () => {
    const url = route((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hello</h1>'));
    await expectRefused(url, /is not JSON \(Content-Type text\/html\)/);
  });

  it('the document body is not valid JSON', async () => {
    const url = route((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"client_id":'));
    await expectRefused(url, /is not valid JSON/);
  });

  it('the document does not exist (404)', async () => {
    await expectRefused(`${docs.origin}/oauth/missing.json`, /HTTP 404/);
  });

  it('the document URL redirects (the hop is not followed)', async () => {
    const target = route(documentFor());
    const url = route((_req, res) => res.writeHead(302, { location: target }).end());
    await expectRefused(url, /redirect \(HTTP 302\)/);
    expect(docs.hits(new URL(target).pathname)).toBe(0);
  });

  it('the document carries a client secret', async () => {
    const url = route(documentFor({ client_secret: 's3cr3t' }));
    await expectRefused(url, /contains a client secret/);
  });

  it('the document asks for a secret-based token endpoint auth method', async () => {
    const url = route(documentFor({ token_endpoint_auth_method: 'client_secret_basic' }));
    await expectRefused(url, /only &quot;none&quot; is supported/);
  });

  it('the document has no client_name or no redirect_uris', async () => {
    await expectRefused(route(documentFor({ client_name: undefined })), /has no client_name/);
    await expectRefused(route(documentFor({ redirect_uris: [] })), /redirect_uris/);
  });

  it.each([
    ['a fragment', (o: string) => `${o}/oauth/client.json#frag`, /must not contain a fragment/],
    ['no path', (o: string) => `${o}/`, /must contain a path/],
    ['dot segments', (o: string) => `${o}/oauth/%2e%2e/client.json`, /\. or \.\. path segments/],
    ['credentials', (o: string) => `${o.replace('://', '://user:pw@')}/client.json`, /user name or password/],
  ])('the client_id has %s', async (_what, make, reason) => {
    const before = docs.hits('/oauth/client.json') + docs.hits('/');
    await expectRefused(make(docs.origin), reason);
    expect(docs.hits('/oauth/client.json') + docs.hits('/')).toBe(before); // refused before any fetch
  });
});

describe('CIMD_ALLOW_LOOPBACK_HTTP', () => {
  it('logs a warning at start when on', () => {
    expect(t.logs()).toMatch(/"level":40.*CIMD_ALLOW_LOOPBACK_HTTP is on/);
  });

  it('off (the default): refuses http document URLs and loopback addresses before connecting', async () => {
    const strict = await buildTestApp();
    try {
      expect(strict.logs()).not.toContain('CIMD_ALLOW_LOOPBACK_HTTP');
      const user = await signUpUser(strict);
      const pkce = await createPkcePair();
      const url = route(documentFor());
      const http = await authorize(strict, authorizeQuery(url, pkce.codeChallenge), user);
      expect(http.statusCode).toBe(400);
      expect(http.body).toContain('must be an https URL');
      const loopback = await authorize(strict, authorizeQuery('https://127.0.0.1:9/oauth/client.json', pkce.codeChallenge), user);
      expect(loopback.statusCode).toBe(400);
      expect(loopback.body).toMatch(/host is a loopback/);
      expect(docs.hits(new URL(url).pathname)).toBe(0);
    } finally {
      await strict.close();
    }
  });
});
