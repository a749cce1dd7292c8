// mcpRequest, mcpStream: a stateless MCP endpoint that answers initialize, ping, tools/list and tools/call
// (whoami, list_reminders, create_reminder, cancel_reminder), with the server's per-tool scope checks.
import type {
  JsonRpcMessage,
  McpRequestData,
  McpRequestErrors,
  McpRequestResponses,
  McpStreamData,
  McpStreamErrors,
  Scope,
} from '@reminderit/sdk';
import { bearerChallenge, bearerKey } from '../auth.ts';
import type { StoredApiKey } from '../fixtures.ts';
import { isRecord, oauthError, readJson, type Router } from '../respond.ts';
import type { MockState } from '../state.ts';
import { newReminder } from './reminders.ts';

/** The tools, and the scope a `tools/call` of each needs (checked at HTTP level: 403 `insufficient_scope`). */
const TOOL_SCOPES: Record<string, Scope | undefined> = {
  whoami: undefined,
  list_reminders: 'reminders:read',
  create_reminder: 'reminders:write',
  cancel_reminder: 'reminders:write',
};

const object = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });

const tools = [
  { name: 'whoami', description: 'The API key this session uses: its label and scopes.', inputSchema: object({}) },
  { name: 'list_reminders', description: 'List your upcoming reminders.', inputSchema: object({}) },
  {
    name: 'create_reminder',
    description: 'Schedule a reminder: a phone call (or WhatsApp message) at due_at, which must carry a UTC offset.',
    inputSchema: object(
      { text: { type: 'string' }, due_at: { type: 'string' }, channel: { enum: ['phone', 'whatsapp'] }, phone_number: { type: 'string' } },
      ['text', 'due_at', 'channel', 'phone_number'],
    ),
  },
  { name: 'cancel_reminder', description: 'Cancel a scheduled reminder.', inputSchema: object({ id: { type: 'string' } }, ['id']) },
];

const structured = (value: Record<string, unknown>) => ({ content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value });
const toolError = (text: string) => ({ content: [{ type: 'text', text }], isError: true });

function callTool(state: MockState, key: StoredApiKey, name: unknown, args: Record<string, unknown>) {
  switch (name) {
    case 'whoami':
      return structured({ label: key.label, scopes: key.scopes });
    case 'list_reminders':
      return structured({ reminders: state.reminders.filter((r) => r.status === 'scheduled') });
    case 'create_reminder': {
      const reminder = newReminder(args);
      if (!reminder) return toolError('text (1–500 characters), a future due_at with an offset, channel and an E.164 phone_number are required.');
      state.reminders.push(reminder);
      return structured(reminder);
    }
    case 'cancel_reminder': {
      const reminder = state.reminders.find((r) => r.id === args.id);
      if (!reminder) return toolError('No such reminder.');
      if (reminder.status !== 'scheduled') return toolError(`The reminder is already ${reminder.status}.`);
      reminder.status = 'cancelled';
      reminder.cancelled_at = new Date().toISOString();
      return structured(reminder);
    }
    default:
      return undefined;
  }
}

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
      return { jsonrpc: '2.0', id, result: { tools } };
    case 'tools/call': {
      const params = isRecord(message.params) ? message.params : {};
      const result = callTool(state, key, params.name, isRecord(params.arguments) ? params.arguments : {});
      if (result) return { jsonrpc: '2.0', id, result };
      return { jsonrpc: '2.0', id, error: { code: -32602, message: `Unknown tool: ${String(params.name)}` } };
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
    const scope = typeof name === 'string' ? TOOL_SCOPES[name] : undefined;
    if (scope) needed.add(scope);
  }
  return [...needed];
}

const isMessage = (value: unknown): value is JsonRpcMessage => isRecord(value) && value.jsonrpc === '2.0';

export function mcpHandlers(on: Router, state: MockState) {
  return [
    on<McpRequestData, McpRequestResponses & McpRequestErrors>('post', '/mcp', async ({ request, url }) => {
      const auth = bearerKey(state, request);
      if ('error' in auth) return auth.error;
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
