// The official MCP v2 client (@modelcontextprotocol/client) identifying itself with a Client ID Metadata
// Document (its provider's `clientMetadataUrl`), as Claude.ai does: it sees
// `client_id_metadata_document_supported: true` in the RFC 8414 metadata, skips /register and sends the URL as
// client_id. The document is served over https from 127.0.0.1 (the SDK accepts only https URLs) with a throw-away
// certificate the server is told to trust; CIMD_ALLOW_LOOPBACK_HTTP lets the server fetch from loopback.
import { Client, type OAuthClientMetadata, type OAuthClientProvider, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiKeys, auditEvents, oauthClients } from '../src/store/db/schema.ts';
import { signUpAndAllow } from './support/browser-consent.ts';
import { cookieFetch } from './support/cookie-fetch.ts';
import { type DocumentServer, json, startDocumentServer } from './support/document-server.ts';
import { CLAUDE_CALLBACK } from './support/flow.ts';
import { type ListeningTestApp, listenTestApp } from './support/listening-app.ts';
import { InMemoryOAuthClientStorage } from './support/oauth-client-storage.ts';

let docs: DocumentServer;
let t: ListeningTestApp;
let documentUrl: string;

beforeAll(async () => {
  docs = await startDocumentServer({ https: true });
  documentUrl = docs.route('/oauth/mcp-oauth-client-metadata', (req, res, url) =>
    json(
      {
        client_id: url,
        client_name: 'Claude',
        client_uri: 'https://claude.ai',
        redirect_uris: [CLAUDE_CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      { 'cache-control': 'max-age=3600' },
    )(req, res, url),
  );
  t = await listenTestApp({ env: { CIMD_ALLOW_LOOPBACK_HTTP: 'true' }, clientMetadataFetch: { ca: docs.ca } });
});
afterAll(async () => {
  await t.close();
  await docs.close();
});

/** OAuth state in memory + a scripted user who signs up and allows on the consent page. */
class MetadataDocumentProvider extends InMemoryOAuthClientStorage implements OAuthClientProvider {
  readonly clientMetadataUrl: string;
  callback: URL | undefined;
  consentClient: unknown;

  constructor(clientMetadataUrl: string) {
    super();
    this.clientMetadataUrl = clientMetadataUrl;
  }
  get redirectUrl() {
    return CLAUDE_CALLBACK;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'Claude', redirect_uris: [CLAUDE_CALLBACK], token_endpoint_auth_method: 'none' };
  }

  async redirectToAuthorization(authorizeUrl: URL): Promise<void> {
    const { consent, redirectTo } = await signUpAndAllow(cookieFetch(), t.base, authorizeUrl);
    this.consentClient = consent.client;
    const callback = new URL(redirectTo); // claude.ai is not reachable: the query is what it would get
    expect(callback.searchParams.get('state')).toBe(this.lastState);
    expect(callback.searchParams.get('iss')).toBe(t.base);
    this.callback = callback;
  }
}

it('the v2 client with clientMetadataUrl authorizes without /register, gets a key and calls a tool', async () => {
  const provider = new MetadataDocumentProvider(documentUrl);
  const requested: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    requested.push(new Request(input, init).url);
    return fetch(input, init);
  };
  const mcpUrl = new URL(`${t.base}/mcp`);
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: recordingFetch });
  await expect(new Client({ name: 'cimd-test', version: '0.0.0' }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);

  expect(provider.clientInformation()?.client_id).toBe(documentUrl);
  expect(provider.consentClient).toEqual({
    client_id: documentUrl,
    client_name: 'Claude',
    label: 'Claude (web connector)',
    metadata_document_host: new URL(docs.origin).host,
  });
  await transport.finishAuth(provider.callback!.searchParams);
  const tokens = provider.tokens()!;
  expect(tokens.access_token).toMatch(/^rmt_/);

  const client = new Client({ name: 'cimd-test', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider, fetch: recordingFetch }));
  try {
    const me = await client.callTool({ name: 'whoami', arguments: {} });
    expect(me.structuredContent).toMatchObject({ key_label: 'Claude (web connector)' });
  } finally {
    await client.close();
  }

  // Never registered: no /register call, no registration event, one client row — the document's URL.
  expect(requested.some((u) => new URL(u).pathname === '/register')).toBe(false);
  expect(requested.some((u) => new URL(u).pathname === '/token')).toBe(true);
  expect(await t.db.db.select().from(auditEvents).where(eq(auditEvents.type, 'client_registered'))).toEqual([]);
  expect((await t.db.db.select().from(oauthClients)).map((c) => c.id)).toEqual([documentUrl]);
  const [key] = await t.db.db.select().from(apiKeys);
  expect(key).toMatchObject({ clientId: documentUrl, label: 'Claude (web connector)' });
  expect(docs.hits('/oauth/mcp-oauth-client-metadata')).toBe(1);
});
