// The official MCP clients doing the OAuth themselves, as a real MCP client would: the v2 client
// (@modelcontextprotocol/client) in `auto` negotiation (→ 2026-07-28) and pinned to 2026-07-28, and the v1
// client (@modelcontextprotocol/sdk, a 2025-era client → 2025-11-25). Each StreamableHTTPClientTransport meets
// the 401, discovers (RFC 9728 → RFC 8414), registers (RFC 7591), sends the browser to /authorize with PKCE +
// resource + scope; the "browser" (an OAuthClientProvider whose redirectToAuthorization signs up and consents
// through the consent API) brings back the code; finishAuth redeems it; then the client lists the tools and
// calls every one: creates, lists and cancels a reminder, and whoami.
// The v1 client runs twice: redirecting to Claude.ai's callback, and to a loopback listener on a random
// port, as desktop clients and MCP Inspector do (RFC 8252).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2, UnauthorizedError as UnauthorizedErrorV2 } from '@modelcontextprotocol/client';
import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createClient, listApiKeys, type Reminder, type ReminderPage } from '@reminderit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndAllow } from './support/browser-consent.ts';
import { cookieFetch } from './support/cookie-fetch.ts';
import { CLAUDE_CALLBACK } from './support/flow.ts';
import { type ListeningTestApp, listenTestApp } from './support/listening-app.ts';
import { InMemoryOAuthClientStorage } from './support/oauth-client-storage.ts';

/** What the user's browser saw on its way through sign-up and consent, for assertions. */
interface BrowserVisit {
  authorizeUrl: URL;
  consent: { label: string | null; isLoopback: boolean; scopes: string[]; resource: string };
  callback: URL;
}

/**
 * An MCP client's OAuth state, in memory, plus a scripted user: `redirectToAuthorization` opens the
 * authorization URL in a cookie-keeping "browser", signs up, allows on the consent page (consent API +
 * CSRF token) and follows `redirect_to` to the client's callback, then checks `state` and `iss`
 * (RFC 9207; the SDK leaves it to the application) before keeping the code.
 */
class ScriptedOAuthProvider extends InMemoryOAuthClientStorage implements OAuthClientProvider {
  readonly #issuer: string;
  readonly #metadata: OAuthClientMetadata;
  readonly #receiveCallback: (redirectTo: string) => Promise<URL>;
  code: string | undefined;
  visit: BrowserVisit | undefined;
  /** The user's browser after consent (its session cookie opens the API Keys page). */
  browser: ReturnType<typeof cookieFetch> | undefined;

  constructor(opts: { issuer: string; metadata: OAuthClientMetadata; receiveCallback: (redirectTo: string) => Promise<URL> }) {
    super();
    this.#issuer = opts.issuer;
    this.#metadata = opts.metadata;
    this.#receiveCallback = opts.receiveCallback;
  }

  get redirectUrl(): string {
    return this.#metadata.redirect_uris[0]!;
  }
  get clientMetadata(): OAuthClientMetadata {
    return this.#metadata;
  }

  async redirectToAuthorization(authorizeUrl: URL): Promise<void> {
    const browser = cookieFetch();
    this.browser = browser;
    // GET /authorize: not signed in yet → the log-in page, which carries the consent request along.
    const { consent, redirectTo } = await signUpAndAllow(browser, this.#issuer, authorizeUrl);

    // The browser follows the redirect to the client's callback, which hands the query to the client.
    const callback = await this.#receiveCallback(redirectTo);
    expect(callback.searchParams.get('state')).toBe(this.lastState);
    expect(callback.searchParams.get('iss')).toBe(this.#issuer);
    this.code = callback.searchParams.get('code') ?? undefined;
    this.visit = {
      authorizeUrl,
      consent: { label: consent.client.label, isLoopback: consent.is_loopback, scopes: consent.scopes.map((s) => s.name), resource: consent.resource },
      callback,
    };
  }
}

/** A desktop client's loopback redirect listener: receives the browser's GET to /callback. */
async function loopbackListener(): Promise<{ redirectUri: string; received: Promise<URL>; server: Server }> {
  let deliver: (url: URL) => void = () => {};
  const received = new Promise<URL>((resolve) => {
    deliver = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in. You can close this window.');
    deliver(url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}/callback`, received, server };
}

let t: ListeningTestApp;
let base: string;

beforeAll(async () => {
  t = await listenTestApp();
  base = t.base;
});
afterAll(() => t.close());

/** What the test needs of an MCP client library: connect (maybe failing with its UnauthorizedError), redeem, call. */
interface McpClientKind {
  name: string;
  /** The protocol revision the connection must land on. */
  revision: string;
  unauthorized: new (...args: never[]) => Error;
  transport(url: URL, provider: ScriptedOAuthProvider): unknown;
  /** Redeems the code the callback received (v2 also checks `iss`, RFC 9207, from the callback's query). */
  finishAuth(transport: unknown, callback: URL): Promise<void>;
  connect(transport: unknown): Promise<{
    revision: string | undefined;
    listTools(): Promise<{ tools: { name: string }[] }>;
    callTool(call: { name: string; arguments: Record<string, unknown> }): Promise<{ isError?: boolean; structuredContent?: unknown }>;
    close(): Promise<void>;
  }>;
}

const V1: McpClientKind = {
  name: 'v1 client (@modelcontextprotocol/sdk)',
  revision: '2025-11-25',
  unauthorized: UnauthorizedError,
  transport: (url, provider) => new StreamableHTTPClientTransport(url, { authProvider: provider }),
  finishAuth: (transport, callback) => (transport as StreamableHTTPClientTransport).finishAuth(callback.searchParams.get('code')!),
  connect: async (transport) => {
    const client = new Client({ name: 'sdk-oauth-test', version: '0.0.0' });
    await client.connect(transport as StreamableHTTPClientTransport);
    const revision = (transport as StreamableHTTPClientTransport).protocolVersion;
    return {
      revision,
      listTools: () => client.listTools(),
      callTool: (call) => client.callTool(call) as Promise<{ isError?: boolean; structuredContent?: unknown }>,
      close: () => client.close(),
    };
  },
};

function v2(mode: 'auto' | { pin: '2026-07-28' }, label: string): McpClientKind {
  return {
    name: `v2 client (@modelcontextprotocol/client, ${label})`,
    revision: '2026-07-28',
    unauthorized: UnauthorizedErrorV2,
    transport: (url, provider) => new TransportV2(url, { authProvider: provider }),
    finishAuth: (transport, callback) => (transport as TransportV2).finishAuth(callback.searchParams),
    connect: async (transport) => {
      const client = new ClientV2({ name: 'sdk-v2-oauth-test', version: '0.0.0' }, { versionNegotiation: { mode } });
      await client.connect(transport as TransportV2);
      return {
        revision: client.getNegotiatedProtocolVersion(),
        listTools: () => client.listTools(),
        callTool: (call) => client.callTool(call) as Promise<{ isError?: boolean; structuredContent?: unknown }>,
        close: () => client.close(),
      };
    },
  };
}

interface Run {
  name: string;
  kind: McpClientKind;
  clientName: string;
  expectedLabel: string;
  /** The redirect URI, how the callback reaches the client, and cleanup. */
  setUp(): Promise<{ redirectUri: string; receiveCallback: (redirectTo: string) => Promise<URL>; close(): Promise<void> }>;
}

const claudeCallback = async () => ({
  redirectUri: CLAUDE_CALLBACK,
  // claude.ai is not reachable from the test: the redirect's query is what the callback would receive.
  receiveCallback: async (to: string) => new URL(to),
  close: async () => {},
});

const RUNS: Run[] = [
  {
    name: "Claude.ai's hosted callback",
    kind: V1,
    clientName: 'claudeai',
    expectedLabel: 'Claude (web connector)',
    setUp: claudeCallback,
  },
  {
    name: "Claude.ai's hosted callback",
    kind: v2('auto', 'auto negotiation'),
    clientName: 'claudeai',
    expectedLabel: 'Claude (web connector)',
    setUp: claudeCallback,
  },
  {
    name: "Claude.ai's hosted callback",
    kind: v2({ pin: '2026-07-28' }, 'pinned to 2026-07-28'),
    clientName: 'claudeai',
    expectedLabel: 'Claude (web connector)',
    setUp: claudeCallback,
  },
  {
    name: 'a loopback redirect on a random port (desktop clients, MCP Inspector)',
    kind: V1,
    clientName: 'ReminderIt desktop test',
    expectedLabel: 'ReminderIt desktop test',
    setUp: async () => {
      const listener = await loopbackListener();
      return {
        redirectUri: listener.redirectUri,
        receiveCallback: async (to) => {
          const res = await fetch(to); // the browser following the redirect to 127.0.0.1:<port>
          expect(res.status).toBe(200);
          await res.text();
          return listener.received;
        },
        close: () =>
          new Promise<void>((resolve) => {
            listener.server.close(() => resolve());
            listener.server.closeAllConnections(); // the browser's keep-alive connection
          }),
      };
    },
  },
];

describe.each(RUNS)('the official MCP $kind.name authorizing itself via $name', (run) => {
  it(`discovers, registers, gets consent and a key, lands on ${run.kind.revision} and calls every tool`, async () => {
    const { redirectUri, receiveCallback, close } = await run.setUp();
    try {
      const provider = new ScriptedOAuthProvider({
        issuer: base,
        receiveCallback,
        metadata: {
          client_name: run.clientName,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
      });
      const mcpUrl = new URL(`${base}/mcp`);

      // First connect: 401 → discovery → registration → authorization (the scripted browser) → UnauthorizedError.
      const first = run.kind.transport(mcpUrl, provider);
      await expect(run.kind.connect(first)).rejects.toBeInstanceOf(run.kind.unauthorized);
      expect(provider.code).toBeDefined();
      const visit = provider.visit!;
      expect(visit.authorizeUrl.origin + visit.authorizeUrl.pathname).toBe(`${base}/authorize`);
      expect(visit.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(visit.authorizeUrl.searchParams.get('resource')).toBe(`${base}/mcp`); // RFC 8707, from RFC 9728 metadata
      expect(visit.authorizeUrl.searchParams.get('scope')).toBe('reminders:read reminders:write'); // the 401 challenge's scope
      expect(visit.consent).toEqual({
        label: run.expectedLabel,
        isLoopback: redirectUri.startsWith('http://127.0.0.1'),
        scopes: ['reminders:read', 'reminders:write'],
        resource: `${base}/mcp`,
      });
      expect(visit.callback.origin + visit.callback.pathname).toBe(redirectUri);

      // The client redeems the code (PKCE verifier + resource) for a key.
      await run.kind.finishAuth(first, visit.callback);
      const tokens = provider.tokens()!;
      expect(tokens.access_token).toMatch(/^rmt_/);
      expect(tokens.token_type).toBe('Bearer');
      expect(tokens.scope).toBe('reminders:read reminders:write');

      // Reconnect with the key and use the tools.
      const client = await run.kind.connect(run.kind.transport(mcpUrl, provider));
      try {
        expect(client.revision).toBe(run.kind.revision);
        const { tools } = await client.listTools();
        expect(tools.map((tool) => tool.name)).toEqual(['create_reminder', 'list_reminders', 'cancel_reminder', 'whoami']);
        const me = await client.callTool({ name: 'whoami', arguments: {} });
        expect(me.structuredContent).toMatchObject({ key_label: run.expectedLabel, scopes: ['reminders:read', 'reminders:write'] });

        const due = new Date(t.clock.now() + 24 * 3_600_000).toISOString().replace('Z', '+00:00');
        const created = await client.callTool({
          name: 'create_reminder',
          arguments: { text: 'Take the bins out', due_at: due, phone_number: '+33612345678' },
        });
        expect(created.isError).toBeFalsy();
        const reminder = created.structuredContent as Reminder;
        expect(reminder).toMatchObject({ text: 'Take the bins out', channel: 'phone', status: 'scheduled' });

        const listed = (await client.callTool({ name: 'list_reminders', arguments: {} })).structuredContent as ReminderPage;
        expect(listed.reminders.map((r) => r.id)).toEqual([reminder.id]);

        const cancelled = await client.callTool({ name: 'cancel_reminder', arguments: { reminder_id: reminder.id } });
        expect(cancelled.structuredContent).toMatchObject({ id: reminder.id, status: 'cancelled' });
        const after = (await client.callTool({ name: 'list_reminders', arguments: {} })).structuredContent as ReminderPage;
        expect(after.reminders).toEqual([]);
      } finally {
        await client.close();
      }

      // REST with the same key sees the cancelled reminder.
      const res = await t.app.inject({ method: 'GET', url: '/v1/reminders?status=past', headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect((res.json() as ReminderPage).reminders).toMatchObject([{ status: 'cancelled' }]);

      // The user's API Keys page lists the key, labelled after the client.
      const { data: keys } = await listApiKeys({ client: createClient({ baseUrl: base, fetch: provider.browser! }), throwOnError: true });
      expect(keys.keys).toHaveLength(1);
      expect(keys.keys[0]).toMatchObject({ label: run.expectedLabel, scopes: ['reminders:read', 'reminders:write'], revoked_at: null });
      expect(tokens.access_token.startsWith(keys.keys[0]!.prefix)).toBe(true);
    } finally {
      await close();
    }
  });
});
