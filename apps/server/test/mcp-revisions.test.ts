// /mcp speaks MCP 2026-07-28 and the 2025 revisions: the era comes from the body (a `_meta` envelope →
// 2026-07-28), Claude's two header/envelope mismatches are served in the era the body shows (logged once
// per client), any other mismatch gets the spec's JSON-RPC error carrying the request id; and the
// DNS-rebinding guard (Origin, Host) runs before anything else.
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, obtainCode } from './support/flow.ts';
import { buildTestApp, useTestApp } from './support/test-app.ts';

const ACCEPT = 'application/json, text/event-stream';
const MODERN = '2026-07-28';

const t = useTestApp();
let key: string;

beforeAll(async () => {
  key = (await exchangeCode(t, await obtainCode(t))).json().access_token;
});

/** The per-request envelope a 2026-07-28 client puts in `params._meta`. */
const envelope = (revision = MODERN) => ({
  'io.modelcontextprotocol/protocolVersion': revision,
  'io.modelcontextprotocol/clientInfo': { name: 'revision-test', version: '0.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
});

function post(payload: unknown, headers: Record<string, string | undefined> = {}, bearer: string = key) {
  const sent = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
  return t.app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${bearer}`, ...sent },
    payload: payload as object,
  });
}

const modernToolsList = (id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: { _meta: envelope() } });
const modernHeaders = { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' };

describe('MCP 2026-07-28', () => {
  it('answers server/discover with the tools capability and the revisions it serves', async () => {
    const res = await post(
      { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: envelope() } },
      { 'mcp-protocol-version': MODERN, 'mcp-method': 'server/discover' },
    );
    expect(res.statusCode).toBe(200);
    const { result } = res.json();
    expect(result.supportedVersions).toContain(MODERN);
    expect(result.capabilities.tools).toBeDefined();
  });

  it('lists every tool in a fixed order with caching hints (ttlMs, cacheScope)', async () => {
    const first = await post(modernToolsList(), modernHeaders);
    const second = await post(modernToolsList(2), modernHeaders);
    expect(first.statusCode).toBe(200);
    const { result } = first.json();
    expect(result.tools.map((tool: { name: string }) => tool.name)).toEqual(['create_reminder', 'list_reminders', 'cancel_reminder', 'whoami']);
    expect(result).toMatchObject({ ttlMs: 300_000, cacheScope: 'public' });
    expect(second.json().result.tools).toEqual(result.tools);
  });

  it('answers an unknown tool with -32602 carrying the request id', async () => {
    const res = await post(
      { jsonrpc: '2.0', id: 'call-9', method: 'tools/call', params: { name: 'nope', arguments: {}, _meta: envelope() } },
      { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'nope' },
    );
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: 'call-9', error: { code: -32602 } });
  });

  it.each([
    ['Mcp-Method disagrees with the body', { ...modernHeaders, 'mcp-method': 'tools/call' }],
    ['MCP-Protocol-Version names another 2025 revision', { ...modernHeaders, 'mcp-protocol-version': '2025-06-18' }],
  ])('refuses a request whose %s with 400 and a JSON-RPC error carrying the request id', async (_name, headers) => {
    const res = await post(modernToolsList(42), headers);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: 42, error: { code: expect.any(Number), message: expect.any(String) } });
  });

  it.each([['prompts/list'], ['initialize'], ['ping']])(
    'answers %s (not offered, or removed in 2026-07-28) with 404 and -32601 carrying the request id',
    async (method) => {
      const res = await post({ jsonrpc: '2.0', id: 11, method, params: { _meta: envelope() } }, { 'mcp-protocol-version': MODERN, 'mcp-method': method });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: 11, error: { code: -32601 } });
    },
  );

  it.each([
    ['no _meta at all', {}],
    ['an envelope without its protocol version', { _meta: { 'io.modelcontextprotocol/clientCapabilities': {} } }],
  ])('refuses server/discover with %s: -32602, 400 (not mismatch (a): a 2025 connection never sends it)', async (_name, params) => {
    const res = await post({ jsonrpc: '2.0', id: 12, method: 'server/discover', params }, { 'mcp-protocol-version': MODERN, 'mcp-method': 'server/discover' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ id: 12, error: { code: -32602 } });
  });

  it('refuses an envelope naming a revision it does not serve with -32022 and the supported list', async () => {
    const res = await post(
      { jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: envelope('2099-01-01') } },
      { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ id: 3, error: { code: -32022, data: { supported: expect.arrayContaining([MODERN]) } } });
  });
});

describe("Claude's header/envelope mismatches", () => {
  it('(a) serves header 2026-07-28 on a plain, envelope-less request as 2025-11-25, logged once per client', async () => {
    const own = (await exchangeCode(t, await obtainCode(t))).json().access_token as string;
    const plain = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    const before = t.logs().split('\n').length;
    for (const id of [1, 2]) {
      const res = await post({ ...plain, id }, { 'mcp-protocol-version': MODERN }, own);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.id).toBe(id);
      expect(body.result.tools).toHaveLength(4);
      expect(body.result.ttlMs).toBeUndefined(); // a 2025-era answer: no 2026 cache fields
    }
    const logged = t
      .logs()
      .split('\n')
      .slice(before - 1)
      .filter((line) => line.includes('"mismatch":"modern-header-on-legacy-body"'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"level":30'); // info
    // Another client sending the same shape gets the kept answer (listing-answers.ts), and its own log line.
    const other = (await exchangeCode(t, await obtainCode(t))).json();
    const res = await post({ ...plain, id: 3 }, { 'mcp-protocol-version': MODERN }, other.access_token);
    expect(res.json()).toMatchObject({ id: 3, result: { tools: expect.any(Array) } });
    const lines = t
      .logs()
      .split('\n')
      .filter((line) => line.includes('"mismatch":"modern-header-on-legacy-body"'));
    expect(lines.filter((line) => line.includes(logged[0]!.match(/"client":"[^"]+"/)![0]))).toHaveLength(1);
    expect(lines.length).toBeGreaterThanOrEqual(2);
  });

  it('(b) serves header 2025-11-25 on a request carrying a 2026-07-28 envelope as 2026-07-28', async () => {
    const call = { jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'whoami', arguments: {}, _meta: envelope() } };
    const res = await post(call, { 'mcp-protocol-version': '2025-11-25' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 8, result: { structuredContent: { scopes: ['reminders:read', 'reminders:write'] } } });
    const list = await post(modernToolsList(9), { 'mcp-protocol-version': '2025-11-25' });
    expect(list.json().result).toMatchObject({ ttlMs: 300_000 }); // a 2026-era answer
    expect(t.logs()).toContain('"mismatch":"legacy-header-on-modern-body"');
  });

  it('still refuses (b) when the standard headers it did send disagree with the body', async () => {
    const res = await post(modernToolsList(10), { 'mcp-protocol-version': '2025-11-25', 'mcp-method': 'prompts/list' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ id: 10, error: { code: expect.any(Number) } });
  });
});

describe('DNS-rebinding protection (Origin, Host)', () => {
  const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

  it.each([['https://claude.ai'], ['https://claude.com'], ['http://localhost:3000'], ['http://127.0.0.1:6274'], [undefined]])(
    'serves Origin %s',
    async (origin) => {
      const res = await post(list, { origin, 'mcp-protocol-version': '2025-11-25' });
      expect(res.statusCode).toBe(200);
    },
  );

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['an Origin that only starts like an allowed one', { origin: 'https://claude.ai.evil.example' }],
    ['an allowed origin with a path (not an origin)', { origin: 'https://claude.ai/' }],
    ['a foreign Host (a rebound domain)', { host: 'evil.example' }],
  ])('refuses %s with 403 forbidden before authentication', async (_name, headers) => {
    const res = await post(list, headers, 'not-even-a-key');
    expect(res.statusCode).toBe(403);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ error: 'forbidden', error_description: expect.any(String) });
  });

  it('decides each Host alike on every request (each value is parsed once and remembered)', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await post(list, { host: 'evil.example:3000' }, 'not-even-a-key')).statusCode).toBe(403);
      expect((await post(list, { host: 'localhost:3000', 'mcp-protocol-version': '2025-11-25' })).statusCode).toBe(200);
      expect((await post(list, { host: '[::1]:3000', 'mcp-protocol-version': '2025-11-25' })).statusCode).toBe(200);
      expect((await post(list, { host: 'not a host' }, 'not-even-a-key')).statusCode).toBe(403);
    }
  });

  it('accepts any loopback Host name when PUBLIC_URL is on loopback', async () => {
    const res = await post(list, { host: '127.0.0.1:3000', 'mcp-protocol-version': '2025-11-25' });
    expect(res.statusCode).toBe(200);
  });

  it('checks the forwarded host behind a proxy (TRUST_PROXY) and MCP_ALLOWED_ORIGINS', async () => {
    const proxied = await buildTestApp({
      env: { PUBLIC_URL: 'https://rmt.example', TRUST_PROXY: 'true', MCP_ALLOWED_ORIGINS: 'https://app.example' },
    });
    try {
      const call = (headers: Record<string, string>) =>
        proxied.app.inject({ method: 'POST', url: '/mcp', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, payload: list });
      // Unauthenticated: a request the guard lets through meets the 401 challenge.
      expect((await call({ host: 'internal:3000', 'x-forwarded-host': 'rmt.example' })).statusCode).toBe(401);
      expect((await call({ host: 'rmt.example', 'x-forwarded-host': 'evil.example' })).statusCode).toBe(403);
      expect((await call({ host: 'rmt.example', origin: 'https://app.example' })).statusCode).toBe(401);
      expect((await call({ host: 'rmt.example', origin: 'https://claude.ai' })).statusCode).toBe(403);
    } finally {
      await proxied.close();
    }
  });
});
