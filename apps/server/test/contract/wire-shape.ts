// The typed shape of a response, without its values: what a partner's code, typed by the SDK, depends on. Two
// answers to the same SDK call have the same shape when they come from the same operation with the same status,
// media type and redirect path, and their JSON bodies have the same members of the same JSON types wherever the
// spec's response schema types them. Members the schema leaves open (e.g. a JSON-RPC `result`, which the MCP
// transport defines) are typed `unknown` by the SDK and count only as present.
import { findOperation, resolveRef, specResponse } from '@reminderit/openapi/spec-validator';
import type { Shape } from './json-shape.ts';
import type { Exchange } from './recording-fetch.ts';

type Schema = Record<string, any>;

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const allows = (schema: Schema, type: string) => {
  const types = ([] as unknown[]).concat(schema.type ?? []);
  return types.length === 0 || types.includes(type) || (type === 'number' && types.includes('integer'));
};

/** Shape of `value` as far as `schema` types it. */
export function typedShape(schemaOrRef: Schema | undefined, value: unknown): Shape {
  const schema = resolveRef(schemaOrRef);
  if (schema.allOf) {
    const merged = (schema.allOf as Schema[]).map(resolveRef);
    return typedShape({ type: 'object', properties: Object.assign({}, ...merged.map((s) => s.properties ?? {})) }, value);
  }
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) {
    const branch = branches.map(resolveRef).find((b) => allows(b, jsonType(value)));
    return branch ? typedShape(branch, value) : jsonType(value);
  }
  if (schema.type === undefined && schema.properties === undefined && schema.items === undefined) return 'unknown';
  if (Array.isArray(value)) {
    const kinds = new Map(value.map((v) => typedShape(schema.items, v)).map((s) => [JSON.stringify(s), s]));
    return [...kinds.values()];
  }
  if (value !== null && typeof value === 'object') {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const extra = typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : undefined;
    const members = Object.keys(value)
      .filter((k) => k in properties || extra)
      .sort()
      .map((k) => [k, typedShape(properties[k] ?? extra, (value as Record<string, unknown>)[k])]);
    return Object.fromEntries(members);
  }
  return jsonType(value);
}

export interface WireShape {
  operation: string;
  status: number;
  mediaType: string | null;
  location: string | null;
  body: Shape | null;
}

/** Shape of one exchange; bodies that are not JSON count only by their media type. */
export function wireShape(exchange: Exchange): WireShape {
  const operation = findOperation(exchange.method, exchange.path);
  const mediaType = exchange.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase() ?? null;
  const location = exchange.headers.get('location');
  let body: Shape | null = null;
  if (operation && mediaType === 'application/json' && exchange.text !== '') {
    const declared = specResponse(operation, exchange.status) ?? specResponse(operation, 'default');
    body = typedShape(declared?.response.content?.[mediaType]?.schema, JSON.parse(exchange.text));
  }
  return {
    operation: operation?.operationId ?? `${exchange.method} ${exchange.path}`,
    status: exchange.status,
    mediaType: exchange.text === '' ? null : mediaType,
    location: location === null ? null : new URL(location, 'http://origin.invalid').pathname,
    body,
  };
}
