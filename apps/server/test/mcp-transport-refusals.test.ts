// What the MCP transport refuses on its own (content negotiation, protocol version, batches) still answers in
// the API's one error shape `{ error, error_description }` with the status the transport chose — and the
// response-contract hook checks each answer against the spec (mcpRequest: 400, 406).
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, obtainCode } from './support/flow.ts';
import { useTestApp } from './support/test-app.ts';

const t = useTestApp();
let key: string;

beforeAll(async () => {
  key = (await exchangeCode(t, await obtainCode(t))).json().access_token;
});

const TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

function post(headers: Record<string, string>, payload: unknown = TOOLS_LIST, bearer: string | null = key) {
  return t.app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers },
    payload: payload as object,
  });
}

describe('refusals of the MCP transport', () => {
  it.each([
    ['only application/json', { accept: 'application/json' }],
    ['only text/html', { accept: 'text/html' }],
    ['no Accept header', {}],
  ])('answers 406 invalid_request for %s (Streamable HTTP needs both JSON and SSE)', async (_name, headers) => {
    const res = await post(headers);
    expect(res.statusCode).toBe(406);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('text/event-stream') });
  });

  it('answers 400 invalid_request naming the supported versions for an unknown MCP-Protocol-Version', async () => {
    const res = await post({ accept: 'application/json, text/event-stream', 'mcp-protocol-version': '1999-01-01' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/Unsupported protocol version: 1999-01-01 \(supported versions: .*2025-06-18/);
  });

  it('answers 400 invalid_request for a batch that puts initialize next to other requests', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
    };
    const res = await post({ accept: 'application/json, text/event-stream' }, [initialize, { ...TOOLS_LIST, id: 2 }]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('initialization') });
  });

  it('checks the key before negotiating: no key is 401 with the discovery challenge, whatever the Accept', async () => {
    const res = await post({ accept: 'text/html' }, TOOLS_LIST, null);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('resource_metadata=');
  });

  it('still answers a well-formed request with 200 and the JSON-RPC result', async () => {
    const res = await post({ accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { tools: expect.any(Array) } });
  });
});
