// Which scopes a POSTed MCP payload needs, read from the JSON-RPC body before it reaches the MCP layer:
// every `tools/call` of a scoped tool, in a single message or a batch (2025-03-26 clients may batch).
// The endpoint turns a shortfall into HTTP 403 `insufficient_scope` — an HTTP-level challenge is what MCP
// clients act on for step-up authorization; a JSON-RPC error inside a 200 would not trigger it.
import type { Scope } from '@reminderit/sdk';
import { TOOL_SCOPES } from './tool-catalog.ts';

export function scopesNeededBy(payload: unknown): Scope[] {
  const messages: unknown[] = Array.isArray(payload) ? payload : [payload];
  const needed = new Set<Scope>();
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const { method, params } = message as { method?: unknown; params?: unknown };
    if (method !== 'tools/call' || typeof params !== 'object' || params === null) continue;
    const name = (params as { name?: unknown }).name;
    const scope = typeof name === 'string' ? TOOL_SCOPES.get(name) : undefined;
    if (scope) needed.add(scope);
  }
  return [...needed];
}
