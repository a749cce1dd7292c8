// The protected MCP endpoint `/mcp`: MCP Streamable HTTP, stateless, serving MCP 2026-07-28 and the 2025
// revisions from one server factory (the MCP TypeScript SDK v2).
//
// Before anything here: the DNS-rebinding guard (dns-rebinding-guard.ts) and bearer authentication (RFC 6750;
// 401 + RFC 9728 `resource_metadata` challenge, http/security.ts). Here: the audience check and the scopes of
// any `tools/call` in the body (shared with the REST API, keys/require-scope.ts); then the era the body
// speaks (protocol-era.ts, which also absorbs Claude's two header/envelope mismatches), and the request is
// served by
// - 2026-07-28: the SDK's `createMcpHandler` in modern-only mode (`legacy: 'reject'`): `server/discover`,
//   `_meta` envelope and `Mcp-Method`/`Mcp-Name` validation, caching hints, JSON-RPC errors with the request id;
// - 2025 revisions: a fresh stateless Streamable HTTP transport in JSON-response mode.
// The SDK's own `isLegacyRequest` makes that routing decision, so it never disagrees with the handler. One
// fresh server per request, bound to the key; no session ids, no client state kept between requests: any
// instance behind the load balancer answers any request. The listing (`tools/list`, `server/discover`) is the
// same for every caller, so the SDK's answer to each request shape is kept and replayed with the request's id
// (listing-answers.ts). Streaming (SSE) would only carry server-to-client requests
// and notifications, which a stateless server cannot correlate with a later POST anyway.
//
// A tool that hits a storage outage turns the whole request into 503 temporarily_unavailable + Retry-After
// (the one error shape, as on every route), not an `isError` result: the client retries.
//
// The web-standard Response is relayed through the normal reply path (no hijack), so the app's response
// headers, error handler and request logging all apply.
import { type AuthInfo, createMcpHandler, isLegacyRequest, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import type { McpRequestData, McpRequestErrors, McpRequestResponses, McpStreamData, McpStreamErrors } from '@reminderit/sdk';
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import { methodNotAllowed } from '../errors.ts';
import { type OperationInput, operation, type RawResult } from '../http/operation.ts';
import type { KeyAuth } from '../keys/bearer.ts';
import { requireAudience, requireScopes } from '../keys/require-scope.ts';
import { createListingAnswers } from './listing-answers.ts';
import { createMcpServer } from './mcp-server.ts';
import { createToleranceLog, decideEra, envelopeRevision, MODERN_REVISION } from './protocol-era.ts';
import { scopesNeededBy } from './required-scopes.ts';
import { isJsonRpcError, transportRefusal } from './transport-refusal.ts';

/**
 * The request headers the MCP layer reads (content negotiation, protocol version, the 2026-07-28 standard
 * headers). Credentials (`Authorization`, cookies) never reach it, so no tool can echo or log them.
 */
const FORWARDED_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-method', 'mcp-name'] as const;

/** What the factory needs about the caller, carried through the SDK's pass-through `authInfo`. */
interface Caller {
  key: KeyAuth;
  log: FastifyBaseLogger;
  /** Set when a tool hit a storage outage (tools/tool.ts `guarded`): the request is answered 503. */
  outage?: { error: unknown };
}

/** The MCP server for one request, bound to the caller; a tool's storage outage is noted on the caller. */
function serverFor(ctx: AppContext, caller: Caller) {
  return createMcpServer(ctx, caller.key, caller.log, (error) => {
    caller.outage ??= { error };
  });
}

/**
 * Our keys are checked by our own code (http/security.ts, keys/require-scope.ts), not the SDK's bearer
 * helpers (they refuse tokens without an expiry; a key lives until revoked). The SDK only passes this along;
 * `token` is the key's id, never its secret.
 */
function authInfoFor(caller: Caller): AuthInfo {
  const { key } = caller;
  return { token: key.keyId, clientId: key.clientId ?? key.keyId, scopes: [...key.scopes], extra: { caller } };
}

export function mcpHandlers(ctx: AppContext) {
  const modern = createMcpHandler(
    ({ authInfo }) => {
      const caller = authInfo?.extra?.caller as Caller; // always set: every fetch below passes it
      return serverFor(ctx, caller);
    },
    { legacy: 'reject' }, // responseMode 'auto': JSON, as no tool emits notifications
  );
  const logTolerance = createToleranceLog();
  const listings = createListingAnswers();

  return {
    mcpRequest: operation<McpRequestData, McpRequestResponses & McpRequestErrors>(async (input) => {
      const key = requireAudience(ctx, input.auth);
      requireScopes(ctx, key, scopesNeededBy(input.body));
      const caller: Caller = { key, log: input.raw.log };
      const forwarded = forwardedHeaders(input.headers);
      // The era decision is a function of body and headers, so a kept answer's shape (the same two) implies it.
      const listing = listings.listingRequest(input.body, forwarded);
      const kept = listing && listings.answer(listing);
      if (kept) {
        if (kept.tolerated) logTolerance(input.raw.log, key.clientId ?? key.keyId, kept.tolerated);
        return kept;
      }
      const { headers, tolerated } = decideEra(input.body, forwarded);
      if (tolerated) logTolerance(input.raw.log, key.clientId ?? key.keyId, tolerated);
      const request = new Request(ctx.config.mcpResource, { method: 'POST', headers });
      const legacy = await isLegacyRequest(request, input.body);
      const response = legacy
        ? await serveLegacy(ctx, caller, request, input.body)
        : await modern.fetch(request, { authInfo: authInfoFor(caller), parsedBody: input.body });
      // DESIGN.md: a storage outage is 503 temporarily_unavailable + Retry-After on every route, so the
      // client retries the call rather than reporting a failed tool to the model (error-handling.ts).
      if (caller.outage) throw caller.outage.error;
      // A refusal is a JSON-RPC error only for a request that claims 2026-07-28 (envelope or header).
      const claimsModern = envelopeRevision(input.body) !== undefined || headers.get('mcp-protocol-version') === MODERN_REVISION;
      const result = await relay(response, !legacy && claimsModern);
      if (listing) listings.keep(listing, result, tolerated);
      return result;
    }),

    // Streamable HTTP lets a 2025 client open a server-to-client SSE stream with GET; a stateless server has
    // nothing to push on it (and 2026-07-28 has no GET stream). The transport spec allows 405 for exactly this.
    mcpStream: operation<McpStreamData, McpStreamErrors>(async ({ auth }) => {
      requireAudience(ctx, auth);
      throw methodNotAllowed('This MCP server is stateless and offers no SSE stream; use POST.', { allow: 'POST' });
    }),
  };
}

/** One 2025-era POST: a fresh server bound to the key and a fresh stateless JSON transport, closed afterwards. */
async function serveLegacy(ctx: AppContext, caller: Caller, request: Request, body: unknown): Promise<Response> {
  const server = serverFor(ctx, caller);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined, // stateless: no Mcp-Session-Id
    enableJsonResponse: true,
  });
  try {
    await server.connect(transport);
    // The body was parsed and validated against the contract already; the transport reuses it.
    return await transport.handleRequest(request, { parsedBody: body });
  } finally {
    await server.close(); // closes the transport too
  }
}

/**
 * The 2026-07-28 refusals that stay JSON-RPC error responses (that revision's clients read them in-band):
 * 400 for header mismatch, bad envelope or unsupported version; 404 + -32601 for a method this server does
 * not have or the revision removed (`initialize`, `ping`, …).
 */
const MODERN_JSON_RPC_STATUSES = new Set([400, 404]);

/** The SDK's answer as this endpoint's response; other refusals become the API's one error shape (transport-refusal.ts). */
async function relay(response: Response, modern: boolean): Promise<RawResult> {
  const body = await response.text();
  if (!response.ok) {
    if (modern && MODERN_JSON_RPC_STATUSES.has(response.status) && isJsonRpcError(body)) {
      return { status: response.status, body, contentType: 'application/json' };
    }
    const refusal = transportRefusal(response.status, body);
    if (refusal) throw refusal;
    throw new Error(`MCP transport answered ${response.status}: ${body.slice(0, 200)}`); // logged, opaque 500
  }
  return {
    status: response.status,
    body: body === '' ? undefined : body,
    contentType: response.headers.get('content-type') ?? undefined,
  };
}

/** The forwarded request headers, in FORWARDED_HEADERS order (a fixed order: part of a listing's shape). */
function forwardedHeaders(headers: OperationInput<McpRequestData>['headers']): [string, string][] {
  const forwarded: [string, string][] = [];
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) forwarded.push([name, Array.isArray(value) ? value.join(', ') : value]);
  }
  return forwarded;
}
