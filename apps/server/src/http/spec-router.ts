// Every request goes through the contract: each operation of openapi/openapi.yaml is a route, and path, query,
// headers and body are validated against it (openapi-backend's compiled validators) before any handler runs.

import { specPath } from '@reminderit/openapi/path';
import type { OAuthErrorCode } from '@reminderit/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Request as ApiRequest, Context } from 'openapi-backend';
import { methodNotAllowed, notFound, notImplemented, OAuthError, unauthorized, unsupportedMediaType } from '../errors.ts';
import { authFromContext, type RequestAuth } from './auth.ts';
import { OpenApi31Backend } from './openapi-backend.ts';
import type { AnyOperationHandler, RawResult } from './operation.ts';
import { compileRequestValidation, type ValidationError, type ValidationOutcome } from './request-validation.ts';
import { sendResult } from './send.ts';
import { findUnstorableString } from './storable-strings.ts';

/** Vendor extension: RFC 6749 §3.1/§3.2 — the endpoint MUST ignore unrecognized request parameters. */
const IGNORE_UNKNOWN = 'x-ignore-unknown-parameters';
/**
 * Vendor extension: the error code of a request the contract refuses, when the operation's RFC names one
 * (RFC 7591 §3.2.2: `invalid_client_metadata`, or `invalid_redirect_uri` for the `redirect_uris` member).
 * Without it, `invalid_request`.
 */
const INVALID_REQUEST_ERROR = 'x-invalid-request-error';

interface InvalidRequestError {
  default: OAuthErrorCode;
  members?: Record<string, OAuthErrorCode>;
}

type SpecOperation = Context['operation'] & { [IGNORE_UNKNOWN]?: boolean; [INVALID_REQUEST_ERROR]?: InvalidRequestError };

/** 400 with the operation's code for a refused request; `member` is the top-level body member concerned. */
function refusal(c: Context, description: string, member: string | undefined): OAuthError {
  const declared = (c.operation as SpecOperation | undefined)?.[INVALID_REQUEST_ERROR];
  const code = (member !== undefined ? declared?.members?.[member] : undefined) ?? declared?.default ?? 'invalid_request';
  return new OAuthError(400, code, description);
}

/** The top-level body member an Ajv error is about (`/requestBody/redirect_uris/0`, or a missing one). */
function memberOf(error: ValidationError | undefined): string | undefined {
  if (!error) return undefined;
  const [root, member] = error.instancePath.split('/').slice(1);
  if (root !== 'requestBody') return undefined;
  return member ?? (error.params?.missingProperty as string | undefined);
}

export interface SpecSecurity {
  /** One per security scheme of the spec; a falsy result means "not authenticated by this scheme". */
  handlers: Record<string, (c: Context, req: FastifyRequest) => Promise<unknown>>;
  /** The error for a request that satisfied none of its operation's security requirements. */
  unauthorized: (c: Context, req: FastifyRequest) => Error;
  /** Checks after authentication and validation, before the handler (CSRF). */
  beforeHandler?: (c: Context, req: FastifyRequest, auth: RequestAuth) => void;
}

const DEFAULT_SECURITY: SpecSecurity = { handlers: {}, unauthorized: () => unauthorized('Authentication required.') };

export interface SpecRouterOptions {
  security?: SpecSecurity;
  /** Answers requests that match no operation (the consent app's pages); undefined → 404. */
  fallback?: (req: FastifyRequest, reply: FastifyReply) => Promise<boolean>;
}

/**
 * A request is refused as invalid (400) only where the contract lets the operation answer 400. A bodiless
 * operation that lists none (GET /mcp: 401 or 405) reads no input, so there is nothing to validate
 * (RFC 9110 §15.5.6: the method is refused whatever the request carries). Bodies are always validated.
 */
const validates = (operation: SpecOperation): boolean => operation.requestBody !== undefined || '400' in (operation.responses ?? {});

/** One operation of the contract, with everything its requests need worked out once, at start. */
interface CompiledOperation {
  operation: SpecOperation;
  handler: AnyOperationHandler | undefined;
  /** Its request validation (request-validation.ts), when it validates requests at all. */
  validate: ((parsed: Context['request'], request: ApiRequest) => ValidationOutcome) | undefined;
  /** The operation's security requirements (global ones included by openapi-backend) and the schemes they name. */
  requirements: Record<string, unknown>[];
  schemes: string[];
  /** The body media types the operation declares (none: any body is validated as sent). */
  mediaTypes: string[];
  /** For an operation that ignores undeclared query parameters (RFC 6749 §3.1, §3.2): the declared ones. */
  knownQuery: ReadonlySet<string> | undefined;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Registers one Fastify route per operation of the contract (Fastify's radix-tree router does the matching,
 * once per request), a 405 route per path for the methods the path does not declare, and the not-found
 * handler (the consent app's pages, then 404). openapi-backend loads the document and compiles the
 * validators (OpenApi31Backend); each request then runs the steps of its `handleRequest` in the same order
 * — routing, request-shape checks, security, validation (then the coerced request), the pre-handler check,
 * the handler — without its per-request lodash work.
 */
export async function routeThroughSpec(app: FastifyInstance, handlers: Record<string, AnyOperationHandler>, options: SpecRouterOptions = {}) {
  const security = options.security ?? DEFAULT_SECURITY;
  const api = new OpenApi31Backend({ definition: specPath, strict: true, coerceTypes: true, validate: true });
  await api.init();
  const { router, validator } = api;

  const byPath = new Map<string, Set<string>>();
  for (const operation of router.getOperations() as SpecOperation[]) {
    const method = operation.method.toUpperCase();
    byPath.set(operation.path, (byPath.get(operation.path) ?? new Set()).add(method));
    const requirements = (operation.security ?? []) as Record<string, unknown>[];
    const compiled: CompiledOperation = {
      operation,
      handler: operation.operationId === undefined ? undefined : handlers[operation.operationId],
      validate: validates(operation) ? compileRequestValidation(validator, router, operation) : undefined,
      requirements,
      schemes: [...new Set(requirements.flatMap((r) => Object.keys(r)))],
      mediaTypes: operation.requestBody && 'content' in operation.requestBody ? Object.keys(operation.requestBody.content) : [],
      knownQuery:
        operation[IGNORE_UNKNOWN] === true ? new Set((operation.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'query' ? [p.name] : []))) : undefined,
    };
    app.route({ method, url: fastifyPath(operation.path), handler: (req, reply) => serve(compiled, req, reply) });
  }
  // RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
  for (const [path, declared] of byPath) {
    const allow = (declared.has('GET') ? [...declared, 'HEAD'] : [...declared]).join(', ');
    const others = METHODS.filter((m) => !declared.has(m));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url: fastifyPath(path),
      handler: async () => {
        throw methodNotAllowed('Method not allowed on this endpoint.', { allow });
      },
    });
  }
  app.setNotFoundHandler(async (req, reply) => {
    if (options.fallback && (await options.fallback(req, reply))) return reply;
    throw notFound('No such endpoint.');
  });
  // Unknown media types reach the router as raw bytes, so the contract (not Fastify) decides: 415.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  async function serve(op: CompiledOperation, req: FastifyRequest, reply: FastifyReply) {
    const apiRequest: ApiRequest = {
      method: op.operation.method,
      path: req.url.split('?', 1)[0] ?? '/',
      query: op.knownQuery ? knownOnly(req.query, op.knownQuery) : { ...(req.query as Record<string, string | string[]>) },
      headers: req.headers as ApiRequest['headers'],
      body: req.body,
    };
    const c = { api, operation: op.operation, request: router.parseRequest(apiRequest, op.operation) } as Context;
    checkRequestShape(op, c, req, apiRequest);
    if (op.schemes.length > 0) await authenticate(op, c, req);
    if (op.validate) {
      const outcome = op.validate(c.request, apiRequest);
      if (outcome.errors) throw validationFailure(c, outcome.errors);
      c.request = outcome.request;
    }
    const auth = authFromContext(c);
    security.beforeHandler?.(c, req, auth);
    if (!op.handler) throw notImplemented(`${op.operation.operationId} is not implemented yet.`);
    const result = (await op.handler({
      body: c.request.requestBody,
      query: c.request.query,
      path: c.request.params,
      headers: req.headers,
      auth,
      raw: req,
      reply,
    })) as RawResult;
    return sendResult(reply, result);
  }

  /**
   * OpenAPI 3.1 §4.8.30 (Security Requirement Object): one requirement of the list must be met, and every
   * scheme of that requirement. A scheme's handler returns its principal or a falsy value; a handler that
   * throws (storage down) fails its scheme and the error is kept, so the refusal can tell an outage (503) from
   * a bad credential (401).
   */
  async function authenticate(op: CompiledOperation, c: Context, req: FastifyRequest) {
    const results: Record<string, unknown> = {};
    await Promise.all(
      op.schemes.map(async (name) => {
        const handler = security.handlers[name];
        try {
          results[name] = handler ? await handler(c, req) : undefined;
        } catch (error) {
          results[name] = { error: error || new Error('security handler rejected') };
        }
      }),
    );
    const met = (name: string) => {
      const r = results[name];
      return Boolean(r) && !(typeof r === 'object' && (r as { error?: unknown }).error);
    };
    const authorized = op.requirements.some((requirement) => Object.keys(requirement).every(met));
    c.security = { ...results, authorized };
    if (!authorized && op.requirements.length > 0) throw security.unauthorized(c, req);
  }
}

/** `/api/consent/{requestId}` → `/api/consent/:requestId` (Fastify's path syntax). */
const fastifyPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** A request the contract refuses: RFC 7591 §3.2.2 — a redirect_uris problem anywhere in the body decides the registration error. */
function validationFailure(c: Context, errors: readonly ValidationError[]): OAuthError {
  const members = errors.map((e) => memberOf(e));
  return refusal(c, describeValidationErrors(errors), members.find((m) => m === 'redirect_uris') ?? members[0]);
}

/**
 * Checks the contract can't express to openapi-backend: the body's media type must be one the operation
 * declares (it validates whichever body it gets), and no string that storage cannot hold. (OAuth endpoints'
 * undeclared query parameters were dropped before parsing: knownOnly.)
 */
function checkRequestShape(op: CompiledOperation, c: Context, req: FastifyRequest, apiRequest: ApiRequest) {
  const declared = op.mediaTypes;
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && declared.length > 0) {
    const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    if (!declared.includes(mediaType)) {
      throw unsupportedMediaType(`Content-Type must be ${declared.join(' or ')}.`);
    }
  }
  if (op.validate) refuseUnstorableStrings(c, req, apiRequest);
}

/** RFC 6749 §3.1, §3.2: the declared query parameters of an OAuth endpoint; the rest are ignored. */
function knownOnly(query: unknown, known: ReadonlySet<string>): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(query as Record<string, string | string[]>)) if (known.has(name)) kept[name] = value;
  return kept;
}

/**
 * NUL and ill-formed UTF-16 in the body, the query, the path or a header value would fail on the insert (they
 * used to surface as 500s): refused up front with the operation's 400 code (storable-strings.ts).
 */
function refuseUnstorableStrings(c: Context, req: FastifyRequest, apiRequest: ApiRequest): void {
  const found =
    findUnstorableString(apiRequest.body, 'body') ??
    findUnstorableString(apiRequest.query, 'query') ??
    findUnstorableString(c.request?.params, 'path') ??
    findUnstorableString(req.headers, 'header');
  if (!found) return;
  throw refusal(c, `${found.where} ${found.problem}.`, /^body\.([^.[]+)/.exec(found.where)?.[1]);
}

/** `requestBody/redirect_uris/0 must match format "uri"` → `body.redirect_uris[0] must match format "uri"`. */
export function describeValidationErrors(errors: readonly ValidationError[]): string {
  const parts = errors.slice(0, 3).map((e) => {
    const where = e.instancePath
      .replace(/^\/requestBody/, 'body')
      .replace(/^\//, '')
      .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
      .replace(/\//g, '.');
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String(e.params?.additionalProperty)})`
        : e.keyword === 'enum'
          ? ` (${(e.params?.allowedValues as unknown[] | undefined)?.join(', ')})`
          : '';
    return `${where || 'request'} ${e.message ?? 'is invalid'}${extra}`;
  });
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `Invalid request: ${parts.join('; ')}${more}.`;
}
