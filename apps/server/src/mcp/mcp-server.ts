// The ReminderIt MCP server: identity, instructions and the tools of tool-catalog.ts. Built per request (the
// endpoint is stateless, for both protocol eras), bound to the key that authenticated the request. The
// low-level `Server` serves the prebuilt catalog, so a request converts no schema.
import { type CallToolResult, ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import type { KeyAuth } from '../keys/bearer.ts';
import { findTool, LIST_CACHE_HINT, TOOL_DEFINITIONS } from './tool-catalog.ts';
import { guarded, type ToolContext, toolFailure } from './tools/tool.ts';

export const MCP_SERVER_NAME = 'reminderit';
export const MCP_SERVER_VERSION = '0.1.0';

const INSTRUCTIONS = [
  'ReminderIt sends reminders as real phone calls at the time the user chooses, and a WhatsApp message if the call is missed.',
  'This connection acts for one ReminderIt account, with the scopes the user granted (reminders:read to see reminders, reminders:write to create and cancel them).',
  'Use `create_reminder` to schedule one (ask for the time zone if the user did not give one), `list_reminders` to see them, `cancel_reminder` to cancel one, and `whoami` to see which account and scopes are in use.',
].join(' ');

/**
 * The SDK's Server builds a fresh Ajv instance unless given a validator; it only validates elicitation
 * results, which a stateless server never receives. One shared instance keeps the hot path lean.
 */
const sharedValidator = new AjvJsonSchemaValidator();

export function createMcpServer(ctx: AppContext, key: KeyAuth, log: FastifyBaseLogger, storageOutage: ToolContext['storageOutage']): Server {
  const server = new Server(
    { name: MCP_SERVER_NAME, title: 'ReminderIt', version: MCP_SERVER_VERSION },
    {
      capabilities: { tools: {} },
      instructions: INSTRUCTIONS,
      jsonSchemaValidator: sharedValidator,
      cacheHints: { 'tools/list': LIST_CACHE_HINT, 'server/discover': LIST_CACHE_HINT },
    },
  );
  // Transport and protocol failures are logged here; the client only ever sees the SDK's JSON-RPC error.
  server.onerror = (err) => log.warn({ err }, 'mcp protocol error');
  const tool: ToolContext = { app: ctx, key, log, storageOutage };

  server.setRequestHandler('tools/list', () => ({ tools: [...TOOL_DEFINITIONS] }));
  server.setRequestHandler('tools/call', async (request) => callTool(tool, request.params.name, request.params.arguments));
  return server;
}

/**
 * MCP tools, "Error Handling": an unknown tool is a protocol error (-32602 Invalid params); arguments that
 * do not match the tool's input schema are a tool execution error the model can read and correct.
 */
async function callTool(tool: ToolContext, name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
  const definition = findTool(name);
  if (!definition) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
  const parsed = definition.input.safeParse(args ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return toolFailure(`Invalid arguments for ${name}: ${issues}`);
  }
  return guarded(tool, name, () => definition.run(parsed.data, tool))();
}
