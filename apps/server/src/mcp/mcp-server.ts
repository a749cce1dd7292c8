// The ReminderIt MCP server: identity, instructions and tools. Built per request (the endpoint is
// stateless), bound to the key that authenticated the request; each tool lives in its own file under tools/.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Scope } from '@reminderit/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import type { KeyAuth } from '../http/auth.ts';
import { cancelReminder } from './tools/cancel-reminder.ts';
import { createReminder } from './tools/create-reminder.ts';
import { listReminders } from './tools/list-reminders.ts';
import type { McpTool } from './tools/tool.ts';
import { whoami } from './tools/whoami.ts';

export const MCP_SERVER_NAME = 'reminderit';
export const MCP_SERVER_VERSION = '0.1.0';

const INSTRUCTIONS = [
  'ReminderIt sends reminders as real phone calls at the time the user chooses, and a WhatsApp message if the call is missed.',
  "This connection acts for one ReminderIt account, with the scopes the user granted (reminders:read to see reminders, reminders:write to create and cancel them).",
  'Use `create_reminder` to schedule one (ask for the time zone if the user did not give one), `list_reminders` to see them, `cancel_reminder` to cancel one, and `whoami` to see which account and scopes are in use.',
].join(' ');

/** Every tool, in listing order (deterministic, as MCP 2026-07-28 asks). A new tool is a file in tools/ plus one line here. */
export const TOOLS: readonly McpTool[] = [createReminder, listReminders, cancelReminder, whoami];

/** Tool name → the scope a `tools/call` of it needs (tools absent here need none). */
export const TOOL_SCOPES: ReadonlyMap<string, Scope> = new Map(
  TOOLS.flatMap((t): [string, Scope][] => (t.scope ? [[t.name, t.scope]] : [])),
);

/**
 * The SDK's Server builds a fresh Ajv instance (~0.6 ms) unless given a validator; it only validates
 * elicitation results, which a stateless server never receives. One shared instance keeps the hot path lean.
 */
const sharedValidator = new AjvJsonSchemaValidator();

export function createMcpServer(ctx: AppContext, key: KeyAuth, log: FastifyBaseLogger): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: 'ReminderIt', version: MCP_SERVER_VERSION },
    { instructions: INSTRUCTIONS, jsonSchemaValidator: sharedValidator },
  );
  // Transport and protocol failures (unacceptable Accept header, unsendable response, ...) are logged here;
  // the client only ever sees the SDK's generic JSON-RPC error.
  server.server.onerror = (err) => log.warn({ err }, 'mcp protocol error');
  const tool = { app: ctx, key, log };
  for (const { register } of TOOLS) register(server, tool);
  return server;
}
