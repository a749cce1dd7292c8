// The contract, loaded for the tests: every operation of openapi.yaml and an Ajv 2020 validator for each
// response (status + media type) it declares.
import { readFileSync } from 'node:fs';
import { specPath } from '@reminderit/openapi/path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

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

export const spec: Json = parse(readFileSync(specPath, 'utf8'));

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
    statuses: Object.keys(item[method].responses).map(Number),
  })),
);

export function findOperation(method: string, pathname: string): SpecOperation | undefined {
  return operations.find((op) => op.method === method && op.pattern.test(pathname));
}

/** RFC 6901 pointer segment, then URI-fragment encoded. */
const segment = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

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
export function specResponse(operation: SpecOperation, status: number): SpecResponse | undefined {
  const key = `${operation.operationId} ${status}`;
  if (cache.has(key)) return cache.get(key);
  const raw = spec.paths[operation.path][operation.method.toLowerCase()].responses[String(status)] as Json | undefined;
  let result: SpecResponse | undefined;
  if (raw) {
    const { node: response, pointer } = deref(raw);
    const base =
      pointer ?? `/paths/${segment(operation.path)}/${operation.method.toLowerCase()}/responses/${String(status)}`;
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
