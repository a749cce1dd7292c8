// openapi-backend set up for an OpenAPI 3.1 document: its definition check knows only the 3.0 meta-schema
// (the spec is linted by Redocly in CI instead) and its Ajv is draft-07, so requests are validated with
// Ajv 2020-12 (the JSON Schema dialect of OpenAPI 3.1) plus formats.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenAPIBackend, type Options } from 'openapi-backend';

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

  /** Skips the 3.0-only meta-schema check (see above); Redocly lints the 3.1 document. */
  override validateDefinition() {
    return this.document;
  }
}
