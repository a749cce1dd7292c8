// The protected MCP endpoint `/mcp`: MCP Streamable HTTP transport, stateless.
//
// Bearer authentication (RFC 6750; 401 + RFC 9728 `resource_metadata` challenge) has already run in
// http/security.ts. Here: the audience check and the scopes of any `tools/call` in the body (shared with
// the REST API, keys/require-scope.ts), then one fresh McpServer + transport per POST, closed as soon
// as the response is produced. No session ids, nothing kept in memory between requests: any instance
// behind the load balancer answers any request.
//
// The transport runs in JSON-response mode and its web-standard Response is relayed through the normal
// reply path (no hijack), so the app's response headers, error handler and request logging all apply.
// Streaming (SSE) would only carry server-to-client requests and notifications, which a stateless
// server cannot correlate with a later POST anyway.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { McpRequestData, McpRequestErrors, McpRequestResponses, McpStreamData, McpStreamErrors } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { NO_STORE } from '../http/cache-control.ts';
import { methodNotAllowed } from '../errors.ts';
import type { KeyAuth } from '../http/auth.ts';
import { operation, type OperationInput, type RawResult } from '../http/operation.ts';
import { requireAudience, requireScopes } from '../keys/require-scope.ts';
import { createMcpServer } from './mcp-server.ts';
import { scopesNeededBy } from './required-scopes.ts';
import { transportRefusal } from './transport-refusal.ts';


/**
 * The request headers the transport reads (content negotiation and protocol version). Credentials
 * (`Authorization`, cookies) never reach the MCP layer, so no tool can echo or log them.
 */
const FORWARDED_HEADERS = ['accept', 'content-type', 'mcp-protocol-version'] as const;

export function mcpHandlers(ctx: AppContext) {
  return {
    mcpRequest: operation<McpRequestData, McpRequestResponses & McpRequestErrors>(async (input) => {
      const key = requireAudience(ctx, input.auth);
      requireScopes(ctx, key, scopesNeededBy(input.body));
      return answerMcp(ctx, key, input);
    }),

    // Streamable HTTP lets a client open a server-to-client SSE stream with GET; a stateless server has
    // nothing to push on it. The transport spec allows 405 for exactly this.
    mcpStream: operation<McpStreamData, McpStreamErrors>(async ({ auth }) => {
      requireAudience(ctx, auth);
      throw methodNotAllowed('This MCP server is stateless and offers no SSE stream; use POST.', { allow: 'POST' });
    }),
  };
}

/** One POST: a fresh server bound to the key and a fresh stateless transport, closed afterwards. */
async function answerMcp(ctx: AppContext, key: KeyAuth, input: OperationInput<McpRequestData>): Promise<RawResult> {
  const server = createMcpServer(ctx, key, input.raw.log);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined, // stateless: no Mcp-Session-Id
    enableJsonResponse: true,
  });
  try {
    await server.connect(transport);
    // The body was parsed and validated against the contract already; the transport reuses it.
    const response = await transport.handleRequest(webRequest(ctx, input.headers), { parsedBody: input.body });
    const body = await response.text();
    if (!response.ok) {
      const refusal = transportRefusal(response.status, body);
      if (refusal) throw refusal;
      throw new Error(`MCP transport answered ${response.status}: ${body.slice(0, 200)}`); // logged, opaque 500
    }
    return {
      status: response.status,
      headers: NO_STORE,
      body: body === '' ? undefined : body,
      contentType: response.headers.get('content-type') ?? undefined,
    };
  } finally {
    await server.close(); // closes the transport too
  }
}

/** The bodiless web-standard Request the transport inspects (it reads headers, and the URL for requestInfo). */
function webRequest(ctx: AppContext, headers: OperationInput<McpRequestData>['headers']): Request {
  const forwarded = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) forwarded.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(ctx.config.mcpResource, { method: 'POST', headers: forwarded });
}
