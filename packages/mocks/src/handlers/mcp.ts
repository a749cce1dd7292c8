// mcpRequest, mcpStream: a stateless MCP endpoint that answers initialize, ping, tools/list and tools/call
// (whoami, list_reminders, create_reminder, cancel_reminder), with the server's per-tool scope checks.
import type { JsonRpcMessage, McpRequestData, McpRequestErrors, McpRequestResponses, McpStreamData, McpStreamErrors, Scope } from '@reminderit/sdk';
import { bearerChallenge, bearerKey } from '../auth.ts';
import type { StoredApiKey } from '../fixtures.ts';
import { isRecord, oauthError, type Router, readJson } from '../respond.ts';
import type { MockState } from '../state.ts';
import { findTool, mockTools, toolArguments } from './mcp-tools.ts';

function answer(state: MockState, key: StoredApiKey, message: JsonRpcMessage): JsonRpcMessage {
  const id = message.id ?? null;
  switch (message.method) {
    case 'initialize':
      return {
        jsonrpc: '2.0',
        id,
        result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'reminderit', version: '0.1.0' } },
      };
    case 'ping':
      return { jsonrpc: '2.0', id, result: {} };
    case 'tools/list':
      return { jsonrpc: '2.0', id, result: { tools: mockTools.map((t) => t.definition) } };
    case 'tools/call': {
      const name = isRecord(message.params) ? message.params.name : undefined;
      const tool = findTool(name);
      if (tool) return { jsonrpc: '2.0', id, result: tool.call(state, key, toolArguments(message.params)) };
      // As the server answers it (MCP tools, "Error Handling"): an unknown tool is a protocol error.
      return { jsonrpc: '2.0', id, error: { code: -32602, message: `Unknown tool: ${String(name)}` } };
    }
    default:
      return { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } };
  }
}

/** The scopes the payload's `tools/call`s need. */
function scopesNeeded(messages: JsonRpcMessage[]): Scope[] {
  const needed = new Set<Scope>();
  for (const m of messages) {
    const name = m.method === 'tools/call' && isRecord(m.params) ? m.params.name : undefined;
    const scope = findTool(name)?.scope;
    if (scope) needed.add(scope);
  }
  return [...needed];
}

/** MCP protocol revisions the server's transport (MCP SDK 1.x) accepts in `MCP-Protocol-Version`. */
const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

/** What the Streamable HTTP transport refuses before any method runs, as the server answers it. */
function transportRefusal(request: Request) {
  const accept = request.headers.get('Accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return oauthError(406, 'invalid_request', 'Not Acceptable: Client must accept both application/json and text/event-stream');
  }
  const version = request.headers.get('MCP-Protocol-Version');
  if (version !== null && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return oauthError(
      400,
      'invalid_request',
      `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
    );
  }
  return undefined;
}

const isMessage = (value: unknown): value is JsonRpcMessage => isRecord(value) && value.jsonrpc === '2.0';

export function mcpHandlers(on: Router, state: MockState) {
  return [
    on<McpRequestData, McpRequestResponses & McpRequestErrors>('post', '/mcp', async ({ request, url }) => {
      const auth = bearerKey(state, request);
      if ('error' in auth) return auth.error;
      const refused = transportRefusal(request);
      if (refused) return refused;
      const body = await readJson(request);
      const batch = Array.isArray(body);
      const messages: unknown[] = batch ? body : [body];
      if (messages.length === 0 || !messages.every(isMessage)) {
        return oauthError(400, 'invalid_request', 'Invalid request: the body must be a JSON-RPC 2.0 message or batch.');
      }
      // A tool the key may not use is an HTTP-level 403 challenge, so clients can step up (MCP authorization).
      const missing = scopesNeeded(messages).find((scope) => !auth.key.scopes.includes(scope));
      if (missing) {
        const reply = oauthError(403, 'insufficient_scope', `This call needs the ${missing} scope.`);
        return { ...reply, headers: { 'WWW-Authenticate': bearerChallenge(url.origin, 'insufficient_scope', missing) } };
      }
      // Requests (method + id) get answers; notifications and responses do not.
      const requests = messages.filter((m) => m.method !== undefined && m.id !== undefined);
      if (requests.length === 0) return { status: 202 };
      const answers = requests.map((m) => answer(state, auth.key, m));
      return { status: 200, body: batch ? answers : answers[0]! };
    }),

    on<McpStreamData, McpStreamErrors>('get', '/mcp', ({ request }) => {
      const auth = bearerKey(state, request);
      if ('error' in auth && auth.error.status === 401) return auth.error;
      return {
        ...oauthError(405, 'invalid_request', 'This MCP server is stateless and offers no SSE stream; use POST.'),
        headers: { Allow: 'POST' },
      };
    }),
  ];
}
