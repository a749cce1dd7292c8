// What an MCP client depends on in a JSON-RPC answer, which the OpenAPI spec leaves to the MCP transport
// (JsonRpcMessage.result is open): for tools/list each tool's name, title, description, annotations, execution
// hints, argument names with their types, defaults and which are required, and its output members; for
// tools/call whether it failed and the shape of its structured content; for errors the JSON-RPC code.
import { type Shape, shapeOf } from './json-shape.ts';

type Json = Record<string, any>;

const argumentsOf = (schema: Json | undefined) => ({
  properties: Object.fromEntries(
    Object.entries((schema?.properties ?? {}) as Record<string, Json>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, p]) => [name, { type: p.type ?? null, enum: p.enum ?? null, default: p.default ?? null }]),
  ),
  required: [...((schema?.required ?? []) as string[])].sort(),
});

function toolShape(tool: Json) {
  return {
    name: tool.name,
    title: tool.title ?? null,
    description: tool.description ?? null,
    annotations: tool.annotations ?? null,
    execution: tool.execution ?? null,
    input: argumentsOf(tool.inputSchema),
    output: Object.keys((tool.outputSchema?.properties ?? {}) as Json).sort(),
  };
}

export function mcpShape(text: string): unknown {
  const message = JSON.parse(text) as Json;
  if (message.error) return { error: message.error.code };
  const result = (message.result ?? {}) as Json;
  if (Array.isArray(result.tools)) {
    return { tools: (result.tools as Json[]).map(toolShape).sort((a, b) => String(a.name).localeCompare(String(b.name))) };
  }
  const structured: Shape | null = result.structuredContent === undefined ? null : shapeOf(result.structuredContent);
  return { isError: result.isError === true, structured };
}
