// The contract as a response checker, shared by every suite that holds something to it (the mocks'
// conform test, the server's response validation, the SDK ⇄ server ⇄ mocks contract suite): every
// operation of openapi.yaml and an Ajv 2020 validator for each response (status + media type) it declares.

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { contractText } from './contract.js';

// ajv-formats is CommonJS: the default import is module.exports, whose `default` is the plugin itself.
const addFormats = addFormatsModule.default;

const SPEC_ID = 'https://reminderit.test/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Json = Record<string, any>;

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  /** Matches a concrete request path (`{param}` → one segment). */
  pattern: RegExp;
  /** The statuses the spec lists for it. */
  statuses: number[];
}

export const spec: Json = parse(contractText());

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// The document's OpenAPI-only members are not JSON Schema keywords; only the schemas inside are compiled.
ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
ajv.addSchema(spec, SPEC_ID);

export const operations: SpecOperation[] = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  METHODS.filter((m) => item[m]).map((method) => ({
    operationId: item[method].operationId as string,
    method: method.toUpperCase(),
    path,
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
    statuses: Object.keys(item[method].responses)
      .filter((s) => s !== 'default')
      .map(Number),
  })),
);

export function findOperation(method: string, pathname: string): SpecOperation | undefined {
  return operations.find((op) => op.method === method && op.pattern.test(pathname));
}

/** RFC 6901 pointer segment, then URI-fragment encoded. */
const segment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

/** Follows local `$ref`s (`#/components/...`) into the spec until a node that is not a reference. */
export function resolveRef(node: Json | undefined): Json {
  let current = node ?? {};
  while (typeof current.$ref === 'string') current = deref(current).node;
  return current;
}

function deref(node: Json): { node: Json; pointer?: string } {
  const ref = node.$ref as string | undefined;
  if (!ref) return { node };
  const pointer = ref.slice(1);
  const target = pointer
    .split('/')
    .slice(1)
    .reduce<Json>((n, s) => n[s.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  return { node: target, pointer };
}

export interface SpecResponse {
  /** The response object (after `$ref`), e.g. its `headers` and `content`. */
  response: Json;
  /** Header name → { required, validate } for the header's schema. */
  headers: Array<{ name: string; required: boolean; validate: ValidateFunction }>;
  /** Media type → validator of the body's schema. Empty when the spec declares no body. */
  content: Map<string, ValidateFunction>;
}

const cache = new Map<string, SpecResponse | undefined>();

function compilePointer(pointer: string): ValidateFunction {
  return ajv.compile({ $ref: `${SPEC_ID}#${pointer}` });
}

/** What the spec declares for `operation` answering `status`, or undefined when it does not list it. */
export function specResponse(operation: SpecOperation, status: number | 'default'): SpecResponse | undefined {
  const key = `${operation.operationId} ${status}`;
  if (cache.has(key)) return cache.get(key);
  const raw = spec.paths[operation.path][operation.method.toLowerCase()].responses[String(status)] as Json | undefined;
  let result: SpecResponse | undefined;
  if (raw) {
    const { node: response, pointer } = deref(raw);
    const base = pointer ?? `/paths/${segment(operation.path)}/${operation.method.toLowerCase()}/responses/${String(status)}`;
    const headers = Object.entries((response.headers ?? {}) as Json).map(([name, h]) => {
      const { node: header, pointer: headerPointer } = deref(h as Json);
      const at = headerPointer ?? `${base}/headers/${segment(name)}`;
      return { name, required: header.required === true, validate: compilePointer(`${at}/schema`) };
    });
    const content = new Map<string, ValidateFunction>(
      Object.keys((response.content ?? {}) as Json).map((media) => [media, compilePointer(`${base}/content/${segment(media)}/schema`)]),
    );
    result = { response, headers, content };
  }
  cache.set(key, result);
  return result;
}

export function formatErrors(validate: ValidateFunction): string {
  return ajv.errorsText(validate.errors, { separator: '\n  ' });
}

/** A response as seen on the wire; header names are matched case-insensitively. */
export interface WireResponse {
  status: number;
  headers: Headers;
  /** The body as text, or undefined when it is not available as text (a stream): then it is not checked. */
  body: string | undefined;
}

/**
 * Everything in `res` that the spec does not allow for `operation`: the status must be listed (or a
 * `default` response declared), each header the response declares must be present when required and valid
 * when present, and the body must be valid for the response's media type (or absent when none is declared).
 * Returns one line per violation; empty when the response conforms.
 */
export function checkResponse(operation: SpecOperation, res: WireResponse): string[] {
  const declared = specResponse(operation, res.status) ?? specResponse(operation, 'default');
  if (!declared) return [`the spec lists no ${res.status} response (${operation.statuses.join(', ')})`];
  const problems: string[] = [];
  for (const header of declared.headers) {
    const value = res.headers.get(header.name);
    if (value === null) {
      if (header.required) problems.push(`required header ${header.name} is missing`);
      continue;
    }
    const valid = header.validate(value) || (/^\d+$/.test(value) && header.validate(Number(value)));
    if (!valid) problems.push(`header ${header.name}: ${value}: ${formatErrors(header.validate)}`);
  }
  if (res.body === undefined) return problems;
  if (declared.content.size === 0) {
    if (res.body !== '') problems.push(`the spec declares no body, got: ${res.body.slice(0, 200)}`);
    return problems;
  }
  const mediaType = res.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase() ?? '(none)';
  const validate = declared.content.get(mediaType);
  if (!validate) {
    problems.push(`media type ${mediaType} is not one of ${[...declared.content.keys()].join(', ')}`);
    return problems;
  }
  let parsed: unknown = res.body;
  if (/^application\/(.+\+)?json$/.test(mediaType)) {
    try {
      parsed = JSON.parse(res.body);
    } catch {
      problems.push(`${mediaType} body is not JSON: ${res.body.slice(0, 200)}`);
      return problems;
    }
  }
  if (!validate(parsed)) problems.push(`body (${mediaType}): ${formatErrors(validate)}\n  ${res.body.slice(0, 500)}`);
  return problems;
}
