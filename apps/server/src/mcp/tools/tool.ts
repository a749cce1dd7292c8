// What every MCP tool gets, and the guard that keeps its failures inside the process.
//
// An exception escaping a tool would become a JSON-RPC error carrying its message — a database error would
// reach the model verbatim. Tools therefore run inside
// `guarded()`: a ToolError, or a client error from the shared domain code (the same 4xx `OAuthError` the REST
// API answers with, e.g. a due time in the past), is a message meant for the caller; anything else is
// logged and answered with an opaque failure (the design's "internals never leave the process", applied
// to MCP). A storage outage is neither: it is reported to the endpoint (`storageOutage`), which answers the
// whole HTTP request 503 temporarily_unavailable + Retry-After like every other route (DESIGN.md), so the
// client retries instead of telling the model the call failed.
import { type CallToolResult, ProtocolError, ProtocolErrorCode, type ToolAnnotations } from '@modelcontextprotocol/server';
import type { Scope } from '@reminderit/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { isStorageUnavailable, OAuthError } from '../../errors.ts';
import type { KeyAuth } from '../../keys/bearer.ts';

/** Per request: the app's dependencies, the authenticated key, and the request's logger. */
export interface ToolContext {
  app: AppContext;
  key: KeyAuth;
  log: FastifyBaseLogger;
  /** Told of a storage outage a tool hit; the endpoint then answers the request 503 (mcp-endpoint.ts). */
  storageOutage(err: unknown): void;
}

/**
 * A tool as the server holds it; tool-catalog.ts turns the list into the `tools/list` definitions (JSON
 * Schemas derived from `input`/`output` once, at start) and dispatches `tools/call`. Tool files declare one
 * with defineTool.
 */
export interface McpTool<I extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /**
   * The scope a `tools/call` of this tool needs, or null. Enforced by the endpoint before the call reaches
   * the MCP layer (HTTP 403 `insufficient_scope`, so clients can step up); `tools/list` shows every tool.
   */
  scope: Scope | null;
  /** The arguments; validated before `run` (defaults applied). */
  input: I;
  /** The `structuredContent` every successful result carries. */
  output: z.ZodObject;
  annotations: ToolAnnotations;
  run(args: z.output<I>, tool: ToolContext): Promise<CallToolResult>;
}

/** What a tool file writes: the description, the schemas, and `run` typed by them. */
export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodObject> extends Omit<McpTool<I>, 'output' | 'run'> {
  output: O;
  /**
   * The tool's work on validated arguments. Returns the result's `structuredContent`, typed by `output` (a
   * field it lacks or misspells fails to compile); defineTool mirrors it as JSON text for clients that only
   * read `content`. A failure meant for the caller is a thrown ToolError (see guarded).
   */
  run(args: z.output<I>, tool: ToolContext): Promise<z.output<O>>;
}

/** Declares a tool: argument and result types are inferred from its zod `input` and `output`. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(definition: ToolDefinition<I, O>): McpTool {
  const { run, ...rest } = definition;
  const tool: McpTool<I> = { ...rest, run: async (args, context) => structuredResult(await run(args, context)) };
  return tool as unknown as McpTool;
}

/** A failure whose message is written for the caller (the model and the user), e.g. a missing scope. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/** `isError` results are tool-level failures the model can read (MCP spec: tools, "Error Handling"). */
export function toolFailure(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** A successful result with structured content, mirrored as JSON text for clients that only read `content`. */
function structuredResult<T extends Record<string, unknown>>(structuredContent: T): CallToolResult & { structuredContent: T } {
  return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
}

/**
 * Wraps a tool callback: caller-facing errors pass through, a storage outage is reported to the endpoint and
 * answered with an opaque JSON-RPC error (which the endpoint replaces by the 503), anything else is logged and made opaque.
 */
export function guarded<A extends unknown[]>(
  tool: ToolContext,
  name: string,
  run: (...args: A) => Promise<CallToolResult>,
): (...args: A) => Promise<CallToolResult> {
  return async (...args) => {
    try {
      return await run(...args);
    } catch (err) {
      if (err instanceof ToolError) return toolFailure(err.message);
      if (err instanceof OAuthError && err.status < 500) return toolFailure(err.description);
      // Protocol-level errors (ProtocolError) carry codes and messages meant for the client.
      if (err instanceof ProtocolError) throw err;
      if (isStorageUnavailable(err)) {
        tool.storageOutage(err);
        // Replaced by the endpoint's 503; opaque should it ever be relayed.
        throw new ProtocolError(ProtocolErrorCode.InternalError, 'Storage is temporarily unavailable.');
      }
      tool.log.error({ err, tool: name, keyId: tool.key.keyId }, 'mcp tool failed');
      return toolFailure('The tool hit an unexpected error. Try again later.');
    }
  };
}
