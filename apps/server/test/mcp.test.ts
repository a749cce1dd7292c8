// The protected MCP endpoint: bearer API key auth with the RFC 9728 challenge, audience binding (RFC 8707),
// stateless Streamable HTTP driven by the official MCP client, GET → 405, and N instances over one database.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { mintApiKeySecret } from '../src/keys/api-key-secret.ts';
import { createBearerKeys } from '../src/keys/bearer-keys.ts';
import { mintKey, revokeKey } from '../src/keys/key-store.ts';
import { guarded, type ToolContext } from '../src/mcp/tools/tool.ts';
import { users } from '../src/store/db/schema.ts';
import { buildTestApp, type TestApp, useTestApp } from './support/test-app.ts';

const SCOPES = ['reminders:read', 'reminders:write'];
const ACCEPT = 'application/json, text/event-stream';
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '0.0.0' } },
};

const t = useTestApp();
let baseUrl: string;
let userId: string;
let emailCounter = 0;

async function listening(app: TestApp): Promise<string> {
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

async function createUser(app: TestApp): Promise<string> {
  const [user] = await app.db.db
    .insert(users)
    .values({ email: `mcp${++emailCounter}-${Date.now()}@example.com`, passwordHash: 'not-a-real-hash' })
    .returning();
  return user!.id;
}

async function newKey(resource = t.config.mcpResource) {
  return mintKey(t, { userId, clientId: null, label: 'test', scopes: SCOPES, resource });
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body: JSON.stringify(body),
  });
}

async function connectClient(url: string, secret: string, fetchImpl?: typeof fetch): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${secret}` } },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const client = new Client({ name: 'reminderit-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

beforeAll(async () => {
  baseUrl = await listening(t);
  userId = await createUser(t);
});

describe('MCP over stateless Streamable HTTP (official client)', () => {
  it('initializes, lists whoami and calls it with structured content for the key owner', async () => {
    const { secret } = await newKey();
    const client = await connectClient(baseUrl, secret);
    try {
      expect(client.getServerVersion()?.name).toBe('reminderit');
      expect(client.getInstructions()).toMatch(/ReminderIt/);

      const { tools } = await client.listTools();
      const whoami = tools.find((tool) => tool.name === 'whoami');
      expect(whoami).toBeDefined();
      expect(whoami!.annotations?.readOnlyHint).toBe(true);
      expect(whoami!.outputSchema?.properties).toHaveProperty('user_id');

      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ user_id: userId, key_label: 'test', scopes: SCOPES });
    } finally {
      await client.close();
    }
  });

  it('answers requests as JSON with Cache-Control: no-store and no Mcp-Session-Id', async () => {
    const { secret } = await newKey();
    const res = await post(baseUrl, INITIALIZE, { authorization: `Bearer ${secret}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await res.json()) as { id: number; result: { serverInfo: { name: string } } };
    expect(body.id).toBe(1);
    expect(body.result.serverInfo.name).toBe('reminderit');
  });

  it('answers a notification-only body with 202 and no body', async () => {
    const { secret } = await newKey();
    const res = await post(
      baseUrl,
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { authorization: `Bearer ${secret}`, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
  });

  it('answers tools/call without initialize on a fresh request (stateless)', async () => {
    const { secret } = await newKey();
    const res = await post(
      baseUrl,
      { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      { authorization: `Bearer ${secret}`, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: number; result: { structuredContent: { user_id: string } } };
    expect(body.id).toBe(7);
    expect(body.result.structuredContent.user_id).toBe(userId);
  });

  it('serves one client from two instances over the same database, alternating per request', async () => {
    const other = await buildTestApp({ db: t.db });
    try {
      const otherUrl = await listening(other);
      const { secret } = await newKey();
      const hits: string[] = [];
      let turn = 0;
      // A round-robin "load balancer": every request goes to the next instance.
      const roundRobin: typeof fetch = (input, init) => {
        const target = turn++ % 2 === 0 ? baseUrl : otherUrl;
        hits.push(target);
        const url = new URL(input instanceof Request ? input.url : String(input));
        return fetch(`${target}${url.pathname}${url.search}`, init);
      };
      const client = await connectClient(baseUrl, secret, roundRobin);
      try {
        await client.listTools();
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        expect(result.structuredContent).toMatchObject({ user_id: userId });
      } finally {
        await client.close();
      }
      expect(new Set(hits)).toEqual(new Set([baseUrl, otherUrl]));
    } finally {
      await other.close();
    }
  });
});

describe('MCP endpoint authentication (RFC 6750, RFC 9728, RFC 8707)', () => {
  const resourceMetadata = () => `resource_metadata="${t.config.publicUrl}/.well-known/oauth-protected-resource/mcp"`;

  it('challenges a request without a token with resource_metadata, the scopes to request and no error code', async () => {
    const res = await post(baseUrl, INITIALIZE);
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(resourceMetadata());
    expect(challenge).toContain('scope="reminders:read reminders:write"'); // MCP 2025-11-25: SHOULD
    expect(challenge).not.toContain('error=');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
  });

  it.each([
    ['a garbage token', async () => 'not-a-key'],
    ['a well-formed but unknown rmt_ key', async () => mintApiKeySecret()],
    ['a key minted for another resource [audience binding]', async () => (await newKey('https://elsewhere.example/mcp')).secret],
  ])('rejects %s with invalid_token', async (_name, token) => {
    const res = await post(baseUrl, INITIALIZE, { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(resourceMetadata());
    expect(challenge).toContain('error="invalid_token"');
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
  });

  it('rejects a revoked key on the very next request', async () => {
    const { key, secret } = await newKey();
    const before = await post(baseUrl, INITIALIZE, { authorization: `Bearer ${secret}` });
    expect(before.status).toBe(200);
    await before.text();

    await revokeKey(t, { keyId: key.id }, 'test');
    const after = await post(baseUrl, INITIALIZE, { authorization: `Bearer ${secret}` });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(((await after.json()) as { error: string }).error).toBe('invalid_token');
  });

  it('answers GET with a valid key with 405, Allow: POST and an OAuth error body', async () => {
    const { secret } = await newKey();
    const res = await fetch(`${baseUrl}/mcp`, { headers: { authorization: `Bearer ${secret}`, accept: 'text/event-stream' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
  });

  // Found by the fuzz suite: a malformed MCP-Protocol-Version (or an unknown query parameter) got 400, which
  // the contract does not list for GET /mcp; the method is refused whatever the request carries.
  it('answers GET with a malformed MCP-Protocol-Version or extra query parameters with 405 too', async () => {
    const { secret } = await newKey();
    for (const [url, version] of [
      ['/mcp', 'x'.repeat(100)],
      ['/mcp?foo=bar', '2025-06-18'],
    ] as const) {
      const res = await fetch(`${baseUrl}${url}`, {
        headers: { authorization: `Bearer ${secret}`, accept: 'text/event-stream', 'mcp-protocol-version': version },
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    }
    const anonymous = await fetch(`${baseUrl}/mcp`, { headers: { 'mcp-protocol-version': 'x'.repeat(100) } });
    expect(anonymous.status).toBe(401);
  });

  it('challenges GET without a token like POST', async () => {
    const res = await fetch(`${baseUrl}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(resourceMetadata());
  });

  it('never logs the bearer token', async () => {
    const { secret } = await newKey();
    const res = await post(baseUrl, INITIALIZE, { authorization: `Bearer ${secret}` });
    await res.text();
    expect(t.logs()).not.toContain(secret);
  });
});

describe('MCP tool failures', () => {
  it('turns an unexpected tool error into an opaque isError result and logs it', async () => {
    const logged: unknown[] = [];
    const log = { error: (obj: unknown) => logged.push(obj) } as unknown as Parameters<typeof guarded>[0]['log'];
    const key = { keyId: 'k1', userId, clientId: null, label: 'test', scopes: SCOPES, resource: t.config.mcpResource };
    const outages: unknown[] = [];
    const bearer = await createBearerKeys({ config: t.config, db: t.db, kv: t.kv, clock: t.clock, onError: () => {} });
    onTestFinished(() => bearer.close());
    const app: ToolContext['app'] = { config: t.config, db: t.db, kv: t.kv, clock: t.clock, bearer };
    const tool = { app, key, log, storageOutage: (err: unknown) => outages.push(err) };
    const run = guarded(tool, 'boom', async () => {
      throw new Error('connection to postgres://secret@db failed');
    });
    const result = await run();
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain('postgres://');
    expect(logged).toHaveLength(1);
    expect(outages).toHaveLength(0);
  });
});
