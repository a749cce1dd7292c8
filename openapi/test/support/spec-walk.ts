// Find things to mutate in a parsed OpenAPI document, so the tests pick their targets from whatever the spec
// contains today instead of naming operations.

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export type Doc = Record<string, any>;
export type OperationRef = { path: string; method: string; operation: Record<string, any> };

/** JSON Pointer (RFC 6901 §3) of the given tokens, in the `#/…` form Redocly reports. */
export const pointer = (...tokens: string[]) => `#/${tokens.map((token) => token.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

export function operations(doc: Doc): OperationRef[] {
  const found: OperationRef[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    for (const method of METHODS) if (item[method]) found.push({ path, method, operation: item[method] });
  }
  return found;
}

const hasExample = (mediaType: Record<string, any>) => 'example' in mediaType || 'examples' in mediaType;

/** First media type (of a `content` map) that carries an example, or undefined. */
export function mediaTypeWithExample(content: Record<string, any> | undefined): string | undefined {
  return Object.entries(content ?? {}).find(([, mediaType]) => hasExample(mediaType))?.[0];
}

export function dropExample(mediaType: Record<string, any>): void {
  delete mediaType.example;
  delete mediaType.examples;
}

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
