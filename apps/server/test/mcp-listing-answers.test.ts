// The kept listing answers (src/mcp/listing-answers.ts): a `tools/list` or `server/discover` request of a shape
// already answered gets exactly what the MCP SDK answers to it — same status, content type and body byte for
// byte, its own id — in both protocol eras; refusals and errors are never kept.
import { describe, expect, it } from 'vitest';
import { createListingAnswers } from '../src/mcp/listing-answers.ts';
import { exchangeCode, obtainCode } from './support/flow.ts';
import { type TestApp, useTestApp } from './support/test-app.ts';

const ACCEPT = 'application/json, text/event-stream';
const MODERN = '2026-07-28';
const envelope = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'listing-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

/** Two apps, each with a key: `warm` has answered the shape once already, `cold` answers it through the SDK. */
const warm = useTestApp();
const cold = useTestApp({}, { each: true });

async function keyOf(t: TestApp): Promise<string> {
  return (await exchangeCode(t, await obtainCode(t))).json().access_token;
}

function post(t: TestApp, key: string, payload: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${key}`, ...headers },
    payload: payload as object,
  });
}

const cases: [string, (id: string | number) => unknown, Record<string, string>][] = [
  ['tools/list, MCP 2025-06-18', (id) => ({ jsonrpc: '2.0', id, method: 'tools/list' }), { 'mcp-protocol-version': '2025-06-18' }],
  ['tools/list, no protocol header', (id) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} }), {}],
  [
    'tools/list, MCP 2026-07-28',
    (id) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: { _meta: envelope } }),
    { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' },
  ],
  [
    'server/discover, MCP 2026-07-28',
    (id) => ({ jsonrpc: '2.0', id, method: 'server/discover', params: { _meta: envelope } }),
    { 'mcp-protocol-version': MODERN, 'mcp-method': 'server/discover' },
  ],
];

describe.each(cases)('%s', (_name, body, headers) => {
  it('answers a repeated shape byte for byte as the SDK does, with the request id', async () => {
    const warmKey = await keyOf(warm);
    const first = await post(warm, warmKey, body(1), headers);
    expect(first.statusCode).toBe(200);
    const replayed = await post(warm, warmKey, body('req-7'), headers);
    const fromSdk = await post(cold, await keyOf(cold), body('req-7'), headers);
    expect(replayed.statusCode).toBe(fromSdk.statusCode);
    expect(replayed.headers['content-type']).toBe(fromSdk.headers['content-type']);
    expect(replayed.body).toBe(fromSdk.body);
    expect(replayed.json().id).toBe('req-7');
    expect(replayed.json().result).toEqual(first.json().result);
  });
});

describe('what is kept', () => {
  const headers = new Headers({ accept: ACCEPT });
  const answers = () => createListingAnswers();

  it('keeps only results carrying the request id', () => {
    const kept = answers();
    const request = kept.listingRequest({ jsonrpc: '2.0', id: 5, method: 'tools/list' }, headers)!;
    kept.keep(request, {
      status: 400,
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, error: { code: -32602, message: 'no' } }),
      contentType: 'application/json',
    });
    kept.keep(request, {
      status: 200,
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, error: { code: -32603, message: 'no' } }),
      contentType: 'application/json',
    });
    kept.keep(request, { status: 200, body: JSON.stringify({ jsonrpc: '2.0', id: 6, result: {} }), contentType: 'application/json' });
    kept.keep(request, { status: 200, body: 'not json', contentType: 'application/json' });
    expect(kept.answer(request)).toBeUndefined();
    kept.keep(request, { status: 200, body: JSON.stringify({ result: { tools: [] }, jsonrpc: '2.0', id: 5 }), contentType: 'application/json' });
    expect(kept.answer({ ...request, id: 'x' })?.body?.toString()).toBe('{"result":{"tools":[]},"jsonrpc":"2.0","id":"x"}');
  });

  it.each([
    ['a tools/call', { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami' } }],
    ['a notification', { jsonrpc: '2.0', method: 'tools/list' }],
    ['a batch', [{ jsonrpc: '2.0', id: 1, method: 'tools/list' }]],
    ['a fractional id', { jsonrpc: '2.0', id: 1.5, method: 'tools/list' }],
  ])('never takes %s', (_name, body) => {
    expect(answers().listingRequest(body, headers)).toBeUndefined();
  });

  it('tells shapes apart by headers and by everything in the body but the id', () => {
    const kept = answers();
    const shape = (body: unknown, h: Headers) => kept.listingRequest(body, h)?.shape;
    const base = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect(shape(base, headers)).toBe(shape({ ...base, id: 'other' }, headers));
    expect(shape(base, headers)).not.toBe(shape({ ...base, params: { cursor: 'x' } }, headers));
    expect(shape(base, headers)).not.toBe(shape(base, new Headers({ accept: ACCEPT, 'mcp-protocol-version': '2025-06-18' })));
  });

  it('holds a bounded number of shapes, dropping the oldest', () => {
    const kept = answers();
    const request = (n: number) => kept.listingRequest({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: String(n) } }, headers)!;
    const ok = JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} });
    for (let n = 0; n <= 256; n++) kept.keep(request(n), { status: 200, body: ok, contentType: 'application/json' });
    expect(kept.answer(request(0))).toBeUndefined();
    expect(kept.answer(request(1))).toBeDefined();
    expect(kept.answer(request(256))).toBeDefined();
  });
});
