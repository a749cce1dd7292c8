// openapi-backend set up for an OpenAPI 3.1 document: its definition check knows only the 3.0 meta-schema
// (the spec is linted by Redocly in CI instead) and its Ajv is draft-07, so requests are validated with
// Ajv 2020-12 (the JSON Schema dialect of OpenAPI 3.1) plus formats.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend, type OpenAPIRouter, type Operation, type Options, type Request } from 'openapi-backend';

// ajv-formats is CommonJS: under Node's ESM interop the default import is module.exports, whose `default`
// property is the plugin itself.
const addFormats = addFormatsModule.default;

// openapi-backend's own dependencies (not ours): the path-parameter parser and cookie parser its
// parseRequest uses, so the compiled parseRequest below gives byte-for-byte the same results.
const fromOpenApiBackend = createRequire(fileURLToPath(import.meta.resolve('openapi-backend')));
const bath = (fromOpenApiBackend('bath-es5') as { default: (template: string) => { params: (path: string) => Record<string, string> | null } }).default;
const cookie = fromOpenApiBackend('cookie') as { parse: (header: string) => Record<string, string | undefined> };

/** OpenAPI's numeric and binary formats carry no extra constraint for a JSON validator. */
const OPENAPI_ONLY_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'];

export class OpenApi31Backend extends OpenAPIBackend {
  constructor(opts: Omit<Options, 'customizeAjv'>) {
    super({
      ...opts,
      // Compile each operation's validators on its first request instead of all of them at start: a server
      // (and every test app) is up in a fraction of the CPU time, and an operation pays its few ms once.
      // quick also skips openapi-backend's definition check, which validateDefinition() below skips anyway.
      quick: true,
      customizeAjv: (_draft07, ajvOpts) => {
        const ajv = new Ajv2020({ ...ajvOpts, strict: false, allErrors: true });
        addFormats(ajv);
        for (const format of OPENAPI_ONLY_FORMATS) ajv.addFormat(format, true);
        return ajv as never;
      },
    });
  }

  /**
   * After openapi-backend's init, its parseRequest (once per request: http/spec-router.ts, whose validation
   * reuses the parsed request, http/request-validation.ts) is compiled once per operation
   * (compileParseRequest). Routing itself is Fastify's (one route per operation).
   */
  override async init() {
    await super.init();
    compileParseRequest(this.router);
    return this;
  }

  /** Skips the 3.0-only meta-schema check (see above); Redocly lints the 3.1 document. */
  override validateDefinition() {
    return this.document;
  }
}

/** A JSON-like value copied as lodash's cloneDeep copies it (plain objects and arrays deep, the rest as is). */
function cloneQuery<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneQuery) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
  for (const key of Object.keys(value)) copy[key] = cloneQuery((value as Record<string, unknown>)[key]);
  return copy as T;
}

type ParsedRequest = ReturnType<OpenAPIRouter['parseRequest']>;

/**
 * openapi-backend's router.parseRequest, with what it recomputed on every call done once: the path-parameter
 * parser of each operation path is built once (bath-es5 compiles its RegExps per call), the query copy
 * skips the URLSearchParams serialisation it throws away and lodash's generic cloneDeep, and headers are
 * lower-cased in one loop. Same inputs, same output (router.js parseRequest / parseRequestQuery, 5.21).
 */
function compileParseRequest(router: OpenAPIRouter): void {
  const paramParsers = new Map<string, (path: string) => Record<string, string> | null>();
  const parseQuery = router.parseRequestQuery.bind(router);
  router.parseRequestQuery = ((req: Request) =>
    typeof req.query === 'object' ? cloneQuery(req.query) : parseQuery(req)) as OpenAPIRouter['parseRequestQuery'];

  router.parseRequest = ((req: Request, operation?: Operation): ParsedRequest => {
    let requestBody: unknown = req.body;
    if (req.body && typeof req.body !== 'object') {
      try {
        requestBody = JSON.parse(String(req.body));
      } catch {
        // as openapi-backend: a malformed body is reported by validation, if the operation validates it
      }
    }
    const headers: Record<string, string | string[]> = {};
    const raw = (req.headers ?? {}) as Record<string, string | string[]>;
    for (const name of Object.keys(raw)) headers[name.toLowerCase()] = raw[name] as string | string[];
    const cookieHeader = headers.cookie;
    const cookies = cookie.parse(Array.isArray(cookieHeader) ? cookieHeader.join('; ') : (cookieHeader ?? ''));
    const query = router.parseRequestQuery(req) as Record<string, unknown>;
    const normalized = router.normalizeRequest(req);
    let params: Record<string, string> = {};
    if (operation) {
      let parser = paramParsers.get(operation.path);
      if (!parser) {
        parser = bath(operation.path).params;
        paramParsers.set(operation.path, parser);
      }
      params = parser(router.normalizePath(normalized.path)) ?? {};
      for (const name in query) {
        if (!query[name]) continue;
        const parameter = operation.parameters?.find((p) => !('$ref' in p) && p?.in === 'query' && p?.name === name) as
          | { content?: Record<string, unknown>; explode?: boolean; style?: string }
          | undefined;
        if (!parameter) continue;
        const rawValue = query[name];
        if (parameter.content?.['application/json']) {
          if (typeof rawValue === 'string') {
            try {
              query[name] = JSON.parse(rawValue);
            } catch {
              // left raw: validation reports it as a parse error
            }
          }
        } else if (parameter.explode === false) {
          if (Array.isArray(rawValue) && rawValue.length > 1) continue;
          const value: unknown = Array.isArray(rawValue) ? rawValue[0] : rawValue;
          if (typeof value !== 'string') continue;
          let decoded = value.replace(/%2C/g, ',');
          if (parameter.style === 'spaceDelimited') decoded = decoded.replace(/ /g, ',').replace(/%20/g, ',');
          if (parameter.style === 'pipeDelimited') decoded = decoded.replace(/\|/g, ',').replace(/%7C/g, ',');
          query[name] = decoded.split(',');
        }
      }
    }
    return { ...normalized, params, headers, query, cookies, requestBody } as ParsedRequest;
  }) as OpenAPIRouter['parseRequest'];
}
