// The JSON type tree of a value, e.g. `{ a: 'string', b: ['number'] }`: arrays take the distinct shapes of
// their elements, objects their sorted members. For bodies no schema types (an MCP tool's structured content).
export type Shape = string | Shape[] | { [member: string]: Shape };

export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return [...new Map(value.map((v) => [JSON.stringify(shapeOf(v)), shapeOf(v)])).values()];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k])]),
    );
  }
  return typeof value;
}
