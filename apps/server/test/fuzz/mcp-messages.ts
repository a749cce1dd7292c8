// JSON-RPC messages the MCP endpoint acts on, beyond what the JsonRpcPayload schema alone generates (its
// `method` is any string): tools/call of each ReminderIt tool with arguments that are right, wrong or
// hostile, so tool errors are held to the same properties (no stack trace, no internals, no 5xx).
import fc from 'fast-check';
import { hostileString, hugeString } from './schema-arbitrary.ts';

const TOOLS = ['create_reminder', 'list_reminders', 'cancel_reminder', 'whoami', 'no_such_tool'] as const;

const argumentValue = fc.oneof(
  fc.constantFrom('upcoming', 'past', 'phone', 'whatsapp', '+33612345678', '2099-01-01T09:00:00Z', '2000-01-01T00:00:00Z', 'not-a-date'),
  fc.uuid(),
  fc.integer({ min: -5, max: 500 }),
  hostileString,
  hugeString,
  fc.jsonValue({ maxDepth: 2 }),
);

const argumentsArb = fc.dictionary(
  fc.constantFrom('text', 'due_at', 'channel', 'phone_number', 'reminder_id', 'status', 'limit', 'cursor', 'extra'),
  argumentValue,
  { maxKeys: 5 },
);

const toolCall = fc.record({
  jsonrpc: fc.constant('2.0'),
  id: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.string({ maxLength: 10 })),
  method: fc.constant('tools/call'),
  params: fc.record({ name: fc.constantFrom(...TOOLS), arguments: argumentsArb }, { requiredKeys: ['name'] }),
});

const lifecycle = fc.constantFrom(
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } },
  { jsonrpc: '2.0', id: 2, method: 'tools/list' },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 3, method: 'ping' },
);

/** One message or a small batch of them. */
export const mcpPayload: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: toolCall },
  lifecycle,
  fc.array(fc.oneof(toolCall, lifecycle), { minLength: 1, maxLength: 3 }),
);
