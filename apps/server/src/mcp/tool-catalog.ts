// Every tool this server offers, built once at start: the `tools/list` definitions (JSON Schema 2020-12,
// MCP 2025-11-25's default dialect, derived from each tool's zod input/output schemas) in a fixed order —
// MCP 2026-07-28 asks for a deterministic listing so clients can cache it — and the lookup `tools/call` uses.
// A new tool is a file in tools/ plus one line in TOOLS.
import type { Tool } from '@modelcontextprotocol/server';
import type { Scope } from '@reminderit/sdk';
import { z } from 'zod';
import { cancelReminder } from './tools/cancel-reminder.ts';
import { createReminder } from './tools/create-reminder.ts';
import { listReminders } from './tools/list-reminders.ts';
import type { McpTool } from './tools/tool.ts';
import { whoami } from './tools/whoami.ts';

/** Every tool, in listing order. */
export const TOOLS: readonly McpTool[] = [createReminder, listReminders, cancelReminder, whoami];

/** A JSON Schema of an object, as `tools/list` carries it (`type: "object"` required by MCP). */
function objectSchema(schema: z.ZodObject, io: 'input' | 'output'): Tool['inputSchema'] {
  // `input`: what a caller may send (members with defaults are optional); `output`: what a result holds.
  return z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Tool['inputSchema'];
}

/** The `tools/list` result's `tools`, frozen: every request shares this one array. */
export const TOOL_DEFINITIONS: readonly Tool[] = Object.freeze(
  TOOLS.map(
    (t): Tool => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: objectSchema(t.input, 'input'),
      outputSchema: objectSchema(t.output, 'output'),
      annotations: t.annotations,
    }),
  ),
);

const BY_NAME: ReadonlyMap<string, McpTool> = new Map(TOOLS.map((t) => [t.name, t]));

export function findTool(name: string): McpTool | undefined {
  return BY_NAME.get(name);
}

/** Tool name → the scope a `tools/call` of it needs (tools absent here need none). */
export const TOOL_SCOPES: ReadonlyMap<string, Scope> = new Map(TOOLS.flatMap((t): [string, Scope][] => (t.scope ? [[t.name, t.scope]] : [])));

/**
 * MCP 2026-07-28 caching hints (`ttlMs`, `cacheScope` on cacheable results): the listing is the same for
 * every key (scopes are enforced on `tools/call`) and changes only with a deployment.
 */
export const LIST_CACHE_HINT = { ttlMs: 5 * 60_000, cacheScope: 'public' } as const;
