// Every request goes through the contract: openapi-backend routes it to an operation and validates path,
// query, headers and body against openapi/openapi.yaml before any handler runs.

import { specPath } from '@reminderit/openapi/path';
import type { OAuthErrorCode } from '@reminderit/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Request as ApiRequest, Context } from 'openapi-backend';
import { methodNotAllowed, notFound, notImplemented, OAuthError, unauthorized, unsupportedMediaType } from '../errors.ts';
import { authFromContext, type RequestAuth } from './auth.ts';
import { OpenApi31Backend } from './openapi-backend.ts';
import type { AnyOperationHandler, RawResult } from './operation.ts';
import { sendResult } from './send.ts';
import { findUnstorableString } from './storable-strings.ts';

/** Extra arguments openapi-backend hands to every hook and handler. */
type Args = [req: FastifyRequest, reply: FastifyReply, apiRequest: ApiRequest];

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
function memberOf(error: AjvError | undefined): string | undefined {
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
const validates = (c: Context): boolean => c.operation === undefined || c.operation.requestBody !== undefined || '400' in (c.operation.responses ?? {});

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
    validate: validates,
    handlers: {
      ...operationHandlers,
      postRoutingHandler: (c: Context, ...[req, , apiRequest]: Args) => {
        if (c.operation) checkRequestShape(c, req, apiRequest, validates(c));
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
        const errors = c.validation.errors ?? [];
        // RFC 7591 §3.2.2: a redirect_uris problem anywhere in the body decides the registration error.
        const members = errors.map((e) => memberOf(e));
        throw refusal(c, describeValidationErrors(errors), members.find((m) => m === 'redirect_uris') ?? members[0]);
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
export async function routeThroughSpec(app: FastifyInstance, handlers: Record<string, AnyOperationHandler>, options?: SpecRouterOptions) {
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
function checkRequestShape(c: Context, req: FastifyRequest, apiRequest: ApiRequest, validated: boolean) {
  const operation = c.operation as SpecOperation;
  const declared = operation.requestBody && 'content' in operation.requestBody ? Object.keys(operation.requestBody.content) : [];
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && declared.length > 0) {
    const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
    if (!declared.includes(mediaType)) {
      throw unsupportedMediaType(`Content-Type must be ${declared.join(' or ')}.`);
    }
  }
  if (validated) refuseUnstorableStrings(c, req, apiRequest);
  if (operation[IGNORE_UNKNOWN] === true && apiRequest.query && typeof apiRequest.query === 'object') {
    const known = new Set((operation.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'query' ? [p.name] : [])));
    apiRequest.query = Object.fromEntries(Object.entries(apiRequest.query).filter(([name]) => known.has(name)));
    if (c.request) c.request.query = apiRequest.query as Context['request']['query'];
  }
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
