// openapi-backend set up for an OpenAPI 3.1 document: its definition check knows only the 3.0 meta-schema
// (the spec is linted by Redocly in CI instead) and its Ajv is draft-07, so requests are validated with
// Ajv 2020-12 (the JSON Schema dialect of OpenAPI 3.1) plus formats.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend, type OpenAPIRouter, type Operation, type Options, type Request } from 'openapi-backend';

// ajv-formats is CommonJS: under Node's ESM interop the default import is module.exports, whose `default`
// property is the plugin itself.
const addFormats = addFormatsModule.default;

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
   * After openapi-backend's init, its router is compiled once: the operation list (which it rebuilds with
   * lodash on every call, twice per request) is kept, and matching is a map lookup for literal paths and one
   * precompiled pattern per templated path (it builds a RegExp per operation per request). The rules are
   * openapi-backend's own (router.js matchOperation): an exact path with the method wins; otherwise the
   * matching paths, most literal characters first, are searched for the method; no path → 404, no method
   * → 405.
   */
  override async init() {
    await super.init();
    compileRouter(this.router);
    return this;
  }

  /** Skips the 3.0-only meta-schema check (see above); Redocly lints the 3.1 document. */
  override validateDefinition() {
    return this.document;
  }
}

interface Template {
  pattern: RegExp;
  /** Literal characters of the path template (openapi-backend's specificity order). */
  specificity: number;
  operations: Map<string, Operation>;
}

function compileRouter(router: OpenAPIRouter): void {
  const operations = router.getOperations();
  const exact = new Map<string, Map<string, Operation>>();
  const templates = new Map<string, Template>();
  for (const op of operations) {
    const byMethod = exact.get(op.path) ?? new Map<string, Operation>();
    exact.set(op.path, byMethod);
    if (!byMethod.has(op.method)) byMethod.set(op.method, op);
    let template = templates.get(op.path);
    if (!template) {
      const pattern = op.path
        .replace(/\{[^}]+\}/g, '\0')
        .split('\0')
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+');
      template = { pattern: new RegExp(`^${pattern}$`), specificity: op.path.replace(/\{.*?\}/g, '').length, operations: new Map() };
      templates.set(op.path, template);
    }
    if (!template.operations.has(op.method)) template.operations.set(op.method, op);
  }
  // Stable sort, as lodash's orderBy: equally specific paths keep their order in the document.
  const ordered = [...templates.values()].sort((a, b) => b.specificity - a.specificity);
  const byId = new Map(operations.map((op) => [op.operationId, op]));

  // Private in its typings; the same check its own matchOperation makes first.
  const underApiRoot = (path: string) => (router as unknown as { isUnderApiRoot(p: string): boolean }).isUnderApiRoot(path);
  router.getOperations = () => operations;
  router.getOperation = (operationId: string) => byId.get(operationId);
  router.matchOperation = ((req: Request, strict?: boolean) => {
    const normalized = router.normalizeRequest(req);
    if (!underApiRoot(normalized.path)) {
      if (strict) throw Error('404-notFound: no route matches request');
      return undefined;
    }
    const path = router.normalizePath(normalized.path);
    const hit = exact.get(path)?.get(normalized.method);
    if (hit) return hit;
    let pathMatched = false;
    for (const template of ordered) {
      if (!template.pattern.test(path)) continue;
      pathMatched = true;
      const op = template.operations.get(normalized.method);
      if (op) return op;
    }
    if (strict) throw Error(pathMatched ? '405-methodNotAllowed: this method is not registered for the route' : '404-notFound: no route matches request');
    return undefined;
  }) as OpenAPIRouter['matchOperation'];
}
