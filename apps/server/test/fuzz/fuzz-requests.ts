// Requests for one operation of openapi.yaml, derived from its parameters and request body: path, query and
// header parameters and a body that are either valid for the contract or mutated (see schema-arbitrary.ts),
// sent with a realistic auth context (bearer key with every scope, or session cookie + CSRF) or garbage.

import { type SpecOperation, spec } from '@reminderit/openapi/spec-validator';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { mcpPayload } from './mcp-messages.ts';
import { hostileString, hugeString, invalidValue, resolve, type Schema, validValue } from './schema-arbitrary.ts';

/** Credentials and known ids the fuzzer may use; ids let valid requests reach real rows now and then. */
export interface FuzzContext {
  bearer: string;
  cookie: string;
  csrf: string;
  /** Path or query parameter name → values that exist (a reminder, a key, a pending consent request, a client). */
  knownIds: Record<string, string[]>;
}

export interface FuzzRequest {
  /** What the generator meant; `valid` requests may still be refused (unknown id, stale auth). */
  intent: 'valid' | 'invalid';
  /** Which parts an invalid request broke. */
  broken: Broken;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** The bearer secret sent, if any: it must never come back. */
  sentSecret?: string;
  /** Spread over many client addresses so per-IP rate limits (429, also checked) don't hide deeper paths. */
  remoteAddress: string;
}

type Auth = 'bearer' | 'session' | 'none';

export interface Broken {
  path: boolean;
  query: boolean;
  headers: boolean;
  body: boolean;
  auth: boolean;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
  example?: unknown;
}

export function operationNode(op: SpecOperation): Schema {
  return spec.paths[op.path][op.method.toLowerCase()];
}

function parametersOf(op: SpecOperation): Parameter[] {
  const shared = (spec.paths[op.path].parameters ?? []) as Schema[];
  const own = (operationNode(op).parameters ?? []) as Schema[];
  return [...shared, ...own].map((p) => resolve(p) as Parameter);
}

function authOf(op: SpecOperation): Auth {
  const security = (operationNode(op).security ?? spec.security ?? []) as Array<Record<string, unknown>>;
  const schemes = security.flatMap((s) => Object.keys(s));
  return schemes.includes('bearerApiKey') ? 'bearer' : schemes.includes('sessionCookie') ? 'session' : 'none';
}

/** Header values must be printable ASCII (no CR/LF, no control characters) for inject() to send them at all. */
const headerSafe = (s: string) => s.replace(/[^\u0020-\u007e]/g, '?');

/** Garbage credentials: well-formed but unknown, malformed, or in the wrong scheme. */
const garbageBearer = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{20,60}$/).map((s) => `Bearer rmt_${s}`),
  hostileString.map((s) => `Bearer ${s}`),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'bearer rmt_', 'Bearer rmt_ rmt_', 'Token abc'),
);
const garbageCookie = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{10,60}$/).map((s) => `rmt_session=${s}`),
  hostileString.map((s) => `rmt_session=${headerSafe(s)}`),
  fc.constant('rmt_session='),
);

function authHeaders(auth: Auth, ctx: FuzzContext, garbage: boolean): fc.Arbitrary<{ headers: Record<string, string>; secret?: string }> {
  if (auth === 'bearer') {
    if (!garbage) return fc.constant({ headers: { authorization: `Bearer ${ctx.bearer}` }, secret: ctx.bearer });
    return fc.oneof(
      fc.constant({ headers: {} }),
      garbageBearer.map((h) => ({ headers: { authorization: headerSafe(h) }, secret: h.startsWith('Bearer rmt_') ? h.slice(7) : undefined })),
      // a session cookie where a bearer key is needed
      fc.constant({ headers: { cookie: ctx.cookie, 'x-csrf-token': ctx.csrf } }),
    );
  }
  if (auth === 'session') {
    if (!garbage) return fc.constant({ headers: { cookie: ctx.cookie } });
    return fc.oneof(
      fc.constant({ headers: {} }),
      garbageCookie.map((cookie) => ({ headers: { cookie: headerSafe(cookie) } })),
      // a bearer key where a session is needed
      fc.constant({ headers: { authorization: `Bearer ${ctx.bearer}` }, secret: ctx.bearer }),
    );
  }
  // Public endpoints: sometimes send credentials they do not need, valid or not.
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ headers: {} }) },
    garbageBearer.map((h) => ({ headers: { authorization: headerSafe(h) } })),
  );
}

/** Valid values of a parameter: from its schema, its `example`, and values known to exist (a client id). */
function validParam(param: Parameter, known: string[] = []): fc.Arbitrary<unknown> {
  const samples = [...(param.example === undefined ? [] : [param.example]), ...known];
  return samples.length > 0 ? fc.oneof(validValue(param.schema), fc.constantFrom(...samples)) : validValue(param.schema);
}

/** encodeURIComponent, with lone surrogates (which it refuses) replaced by U+FFFD as a UTF-8 encoder would. */
const encodeSegment = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Path parameter values: valid for the schema, a known id, or hostile text (encoded, or raw and malformed). */
function pathValue(param: Parameter, ctx: FuzzContext, valid: boolean): fc.Arbitrary<string> {
  if (valid) return validParam(param, ctx.knownIds[param.name]).map(String).map(encodeSegment);
  return fc.oneof(
    invalidValue(param.schema).map((v) => encodeSegment(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
    fc.constantFrom('%', '%E0%A4%A', '%ZZ', '..', '%2e%2e', '%00', ';', 'a%2Fb', '%F0%9F%92%A5', 'x'.repeat(3000)),
  );
}

/** A query parameter value as sent on the wire (arrays: the parameter repeated). */
function queryValue(param: Parameter, ctx: FuzzContext, valid: boolean): fc.Arbitrary<string | string[]> {
  const one = (valid ? validParam(param, ctx.knownIds[param.name]) : invalidValue(param.schema)).map((v) =>
    typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
  );
  if (valid) return one;
  return fc.oneof({ weight: 4, arbitrary: one }, fc.array(one, { minLength: 2, maxLength: 3 }));
}

function buildQuery(values: Array<[string, string | string[]]>): string {
  const q = new URLSearchParams();
  for (const [name, value] of values) for (const v of Array.isArray(value) ? value : [value]) q.append(name, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Body: the media type the operation declares (or another), its text valid, mutated or malformed. */
function bodyArb(op: SpecOperation, ctx: FuzzContext, valid: boolean): fc.Arbitrary<{ contentType?: string; payload?: string }> {
  const content = (operationNode(op).requestBody ? resolve(operationNode(op).requestBody).content : undefined) as Record<string, Schema> | undefined;
  const declared = content ? Object.entries(content)[0] : undefined;
  if (!declared) {
    // Operations without a body: mostly none, sometimes junk they must ignore or refuse cleanly.
    if (valid) return fc.constant({});
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      fc.record({ contentType: fc.constantFrom('application/json', 'text/plain'), payload: fc.constantFrom('{', '{"a":1}', 'garbage') }),
    );
  }
  const [mediaType, media] = declared;
  const schema = media.schema as Schema;
  const encode = (v: unknown) => (mediaType === 'application/x-www-form-urlencoded' ? formText(v) : JSON.stringify(v));
  if (valid) {
    // The schema's values, the spec's own examples (e.g. a registration with a trusted redirect URI), and
    // for /mcp the tool calls a JSON-RPC schema alone would not produce.
    const examples = Object.values((media.examples ?? {}) as Record<string, Schema>).map((e) => resolve(e).value as unknown);
    const fromSpec = examples.length > 0 ? fc.oneof(validValue(schema), fc.constantFrom(...examples)) : validValue(schema);
    const values = op.operationId === 'mcpRequest' ? fc.oneof(fromSpec, { weight: 3, arbitrary: mcpPayload }) : fromSpec;
    // Half the time, members that name something known (client_id) get a real value, to get past lookups.
    const properties = Object.keys((resolve(schema).properties ?? {}) as Schema);
    const known = Object.entries(ctx.knownIds).filter(([name, ids]) => properties.includes(name) && ids.length > 0);
    return fc.tuple(values, fc.boolean()).map(([v, useKnown]) => {
      const value =
        useKnown && known.length > 0 && v && typeof v === 'object' && !Array.isArray(v)
          ? { ...v, ...Object.fromEntries(known.map(([k, ids]) => [k, ids[0]])) }
          : v;
      return { contentType: mediaType, payload: encode(value) };
    });
  }
  const otherType = mediaType === 'application/json' ? 'application/x-www-form-urlencoded' : 'application/json';
  return fc.oneof(
    { weight: 4, arbitrary: invalidValue(schema).map((v) => ({ contentType: mediaType, payload: encode(v) })) },
    // well-formed values in the wrong encoding, or labelled with another media type
    validValue(schema).map((v) => ({ contentType: otherType, payload: encode(v) })),
    fc.record({
      contentType: fc.constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        'application/jsonx',
        ';;;',
        'application/json, text/html',
      ),
      payload: fc.oneof(validValue(schema).map(encode), hostileString),
    }),
    // malformed text in the right media type
    fc.record({
      contentType: fc.constant(mediaType),
      payload: fc.oneof(
        fc.constantFrom('', '{', '[', '{"a":', 'null', '[]', '0', '"x"', '{"__proto__":{"polluted":1}}', '\u0000', 'a=%ZZ&b', '&&&==', 'a=1&a=2&a=3'),
        hostileString,
        hugeString,
        // form endpoints: random fields, repeated ones
        fc.array(fc.tuple(fc.string({ maxLength: 10 }), hostileString), { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString()),
      ),
    }),
    fc.constant({}), // no body, no content type
  );
}

/** Form-encodes a generated value: objects field by field (arrays repeated), anything else as one field. */
function formText(value: unknown): string {
  const form = new URLSearchParams();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      for (const one of Array.isArray(v) ? v : [v]) form.append(k, typeof one === 'string' ? one : (JSON.stringify(one) ?? ''));
    }
    return form.toString();
  }
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/**
 * A whole request for `op`. 'mixed': one in four keeps every part valid with real auth, the others break
 * at least one part. 'invalid-only': what is broken is what should get it refused — bad credentials, a
 * malformed path id or a mutated body (operations with none of those change no data; they get any broken
 * part). A mutated body can still happen to be one the contract accepts (a label with an escape character).
 */
export function requestFor(op: SpecOperation, ctx: FuzzContext, mode: 'mixed' | 'invalid-only' = 'mixed'): fc.Arbitrary<FuzzRequest> {
  const params = parametersOf(op);
  const decisive: Array<keyof Broken> = [
    ...(authOf(op) === 'none' ? [] : ['auth' as const]),
    ...(params.some((p) => p.in === 'path') ? ['path' as const] : []),
    ...(operationNode(op).requestBody ? ['body' as const] : []),
  ];
  const anyBroken = (b: Broken) => Object.values(b).some(Boolean);
  const decisivelyBroken = (b: Broken) => (decisive.length === 0 ? anyBroken(b) : decisive.some((k) => b[k]));
  const intent =
    mode === 'invalid-only'
      ? fc.constant<'invalid'>('invalid')
      : fc.oneof(fc.constant<'valid'>('valid'), { weight: 3, arbitrary: fc.constant<'invalid'>('invalid') });
  return intent.chain((which) =>
    fc
      .record({ path: fc.boolean(), query: fc.boolean(), headers: fc.boolean(), body: fc.boolean(), auth: fc.boolean() })
      .filter((b) => which === 'valid' || (mode === 'invalid-only' ? decisivelyBroken(b) : anyBroken(b)))
      .map((b) => (which === 'valid' ? { path: false, query: false, headers: false, body: false, auth: false } : b))
      .chain((broken) => buildRequest(op, ctx, which, broken)),
  );
}

function buildRequest(op: SpecOperation, ctx: FuzzContext, intent: 'valid' | 'invalid', broken: Broken): fc.Arbitrary<FuzzRequest> {
  const params = parametersOf(op);
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const headerParams = params.filter((p) => p.in === 'header');
  const auth = authOf(op);

  const path = fc.tuple(...pathParams.map((p) => pathValue(p, ctx, !broken.path).map((v) => [p.name, v] as const)));
  const query = fc.tuple(
    ...queryParams.map((p) =>
      (p.required ? queryValue(p, ctx, !broken.query) : fc.option(queryValue(p, ctx, !broken.query), { nil: undefined, freq: 3 })).map(
        (v) => [p.name, v] as const,
      ),
    ),
  );
  const extraQuery = broken.query
    ? fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), hostileString), { maxLength: 3 })
    : fc.constant<Array<[string, string]>>([]);
  const headerValues = fc.tuple(
    ...headerParams.map((p) => {
      const value =
        p.name.toLowerCase() === 'x-csrf-token' && !broken.headers
          ? fc.constant(ctx.csrf)
          : broken.headers
            ? invalidValue(p.schema).map((v) => headerSafe(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')))
            : validValue(p.schema).map((v) => headerSafe(String(v)));
      const required = p.required === true && !broken.headers;
      return (required ? value : fc.option(value, { nil: undefined, freq: 2 })).map((v) => [p.name.toLowerCase(), v] as const);
    }),
  );
  const accept = broken.headers
    ? fc.constantFrom(undefined, '*/*', 'text/html', 'application/xml', 'application/json', 'text/event-stream', ';q=x,,,')
    : fc.constant(op.operationId === 'mcpRequest' || op.operationId === 'mcpStream' ? 'application/json, text/event-stream' : undefined);

  return fc
    .record({
      path,
      query,
      extraQuery,
      headerValues,
      accept,
      auth: authHeaders(auth, ctx, broken.auth),
      body: bodyArb(op, ctx, !broken.body),
      address: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })),
    })
    .map(({ path: pathValues, query: queryValues, extraQuery: extra, headerValues: hv, accept: acceptValue, auth: a, body, address }) => {
      let url = op.path;
      for (const [name, value] of pathValues) url = url.replace(`{${name}}`, value);
      const queryPairs = queryValues.filter((e): e is readonly [string, string | string[]] => e[1] !== undefined);
      url += buildQuery([...queryPairs.map(([k, v]) => [k, v] as [string, string | string[]]), ...extra]);
      const headers: Record<string, string> = { ...a.headers };
      for (const [name, value] of hv) if (value !== undefined) headers[name] = value;
      if (acceptValue !== undefined) headers.accept = acceptValue;
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      const remoteAddress = `198.18.${address[0]}.${address[1]}`;
      return { intent, broken, method: op.method, url, headers, payload: body.payload, sentSecret: a.secret, remoteAddress };
    });
}

/** The request for app.inject(), with the context's placeholders replaced by live credentials. */
export function toInject(req: FuzzRequest, live: (value: string) => string = (v) => v): InjectOptions {
  return {
    method: req.method as InjectOptions['method'],
    url: req.url,
    remoteAddress: req.remoteAddress,
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, live(v)])),
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  };
}
