// Every request goes through the contract: openapi-backend routes it to an operation and validates path,
// query, headers and body against openapi/openapi.yaml before any handler runs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context, Request as ApiRequest } from 'openapi-backend';
import { specPath } from '@reminderit/openapi/path';
import { invalidRequest, methodNotAllowed, notFound, notImplemented, unauthorized, unsupportedMediaType } from '../errors.ts';
import { OpenApi31Backend } from './openapi-backend.ts';
import { authFromContext, type RequestAuth } from './auth.ts';
import type { AnyOperationHandler, RawResult } from './operation.ts';
import { sendResult } from './send.ts';

/** Extra arguments openapi-backend hands to every hook and handler. */
type Args = [req: FastifyRequest, reply: FastifyReply, apiRequest: ApiRequest];

/** Vendor extension: RFC 6749 §3.1/§3.2 — the endpoint MUST ignore unrecognized request parameters. */
const IGNORE_UNKNOWN = 'x-ignore-unknown-parameters';

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

export async function createSpecRouter(handlers: Record<string, AnyOperationHandler>, options: SpecRouterOptions = {}) {
  const security = options.security ?? DEFAULT_SECURITY;
  const operationHandlers = Object.fromEntries(
    Object.entries(handlers).map(([operationId, handler]) => [
      operationId,
      (c: Context, req: FastifyRequest, reply: FastifyReply) =>
        handler({
          body: c.request.requestBody,
          query: c.request.query,
          path: c.request.params,
          headers: req.headers,
          auth: authFromContext(c),
          raw: req,
          reply,
        }),
    ]),
  );
  const api = new OpenApi31Backend({
    definition: specPath,
    strict: true,
    coerceTypes: true,
    // A request is refused as invalid (400) only where the contract lets the operation answer 400. A bodiless
    // operation that lists none (GET /mcp: 401 or 405) reads no input, so there is nothing to validate
    // (RFC 9110 §15.5.6: the method is refused whatever the request carries). Bodies are always validated.
    validate: (c: Context) =>
      c.operation === undefined || c.operation.requestBody !== undefined || '400' in (c.operation.responses ?? {}),
    handlers: {
      ...operationHandlers,
      postRoutingHandler: (c: Context, ...[req, , apiRequest]: Args) => {
        if (c.operation) checkRequestShape(c, req, apiRequest);
      },
      notFound: async (_c: Context, req: FastifyRequest, reply: FastifyReply): Promise<RawResult> => {
        if (options.fallback && (await options.fallback(req, reply))) return { status: 200, sent: true };
        throw notFound('No such endpoint.');
      },
      // RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
      methodNotAllowed: (_c: Context, ...[, , apiRequest]: Args) => {
        throw methodNotAllowed('Method not allowed on this endpoint.', { allow: allowedMethods(api, apiRequest.path) });
      },
      validationFail: (c: Context) => {
        throw invalidRequest(describeValidationErrors(c.validation.errors ?? []));
      },
      // A secured operation whose security requirement no registered handler satisfied (RFC 6750 §3).
      unauthorizedHandler: (c: Context, req: FastifyRequest) => {
        throw security.unauthorized(c, req);
      },
      preOperationHandler: (c: Context, req: FastifyRequest) => {
        security.beforeHandler?.(c, req, authFromContext(c));
      },
      notImplemented: (c: Context) => {
        throw notImplemented(`${c.operation.operationId} is not implemented yet.`);
      },
    },
    securityHandlers: security.handlers,
  });
  await api.init();
  return api;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function allowedMethods(api: OpenApi31Backend, path: string): string {
  const allowed = METHODS.filter((method) => api.router.matchOperation({ method, path, headers: {} }) !== undefined);
  return (allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed).join(', ');
}

/** Registers the catch-all route that hands each request to the spec router. */
export async function routeThroughSpec(
  app: FastifyInstance,
  handlers: Record<string, AnyOperationHandler>,
  options?: SpecRouterOptions,
) {
  const api = await createSpecRouter(handlers, options);
  // Unknown media types reach the router as raw bytes, so the contract (not Fastify) decides: 415.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    handler: async (req, reply) => {
      const apiRequest: ApiRequest = {
        method: req.method === 'HEAD' ? 'GET' : req.method,
        path: req.url.split('?', 1)[0] ?? '/',
        query: { ...(req.query as Record<string, string | string[]>) },
        headers: req.headers as ApiRequest['headers'],
        body: req.body,
      };
      const result = (await api.handleRequest(apiRequest, req, reply, apiRequest)) as RawResult;
      return sendResult(reply, result);
    },
  });
}

/**
 * Checks the contract can't express to openapi-backend: the body's media type must be one the operation
 * declares (it validates whichever body it gets), and OAuth endpoints drop undeclared parameters instead of
 * rejecting them (RFC 6749 §3.1, §3.2).
 */
function checkRequestShape(c: Context, req: FastifyRequest, apiRequest: ApiRequest) {
  const operation = c.operation as Context['operation'] & { [IGNORE_UNKNOWN]?: boolean };
  const declared = operation.requestBody && 'content' in operation.requestBody ? Object.keys(operation.requestBody.content) : [];
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && declared.length > 0) {
    const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    if (!declared.includes(mediaType)) {
      throw unsupportedMediaType(`Content-Type must be ${declared.join(' or ')}.`);
    }
  }
  // PostgreSQL text and jsonb cannot hold U+0000, and no field of this API means one: refuse it up front
  // rather than fail on the insert (it used to surface as a 500).
  if (containsNul(apiRequest.body)) throw invalidRequest('The request body must not contain NUL characters (U+0000).');
  if (operation[IGNORE_UNKNOWN] === true && apiRequest.query && typeof apiRequest.query === 'object') {
    const known = new Set(
      (operation.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'query' ? [p.name] : [])),
    );
    apiRequest.query = Object.fromEntries(Object.entries(apiRequest.query).filter(([name]) => known.has(name)));
    if (c.request) c.request.query = apiRequest.query as Context['request']['query'];
  }
}

/** Whether a parsed body (JSON or form fields) has U+0000 in any string, member name included. */
function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || depth > 64) return false;
  return Object.entries(value).some(([name, member]) => name.includes('\u0000') || containsNul(member, depth + 1));
}

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params?: Record<string, unknown>;
}

/** `requestBody/redirect_uris/0 must match format "uri"` → `body.redirect_uris[0] must match format "uri"`. */
export function describeValidationErrors(errors: readonly AjvError[]): string {
  const parts = errors.slice(0, 3).map((e) => {
    const where = e.instancePath
      .replace(/^\/requestBody/, 'body')
      .replace(/^\//, '')
      .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
      .replace(/\//g, '.');
    const extra =
      e.keyword === 'additionalProperties' ? ` (${String(e.params?.additionalProperty)})`
      : e.keyword === 'enum' ? ` (${(e.params?.allowedValues as unknown[] | undefined)?.join(', ')})`
      : '';
    return `${where || 'request'} ${e.message ?? 'is invalid'}${extra}`;
  });
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `Invalid request: ${parts.join('; ')}${more}.`;
}
