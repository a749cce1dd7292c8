// Discovery (RFC 8414, RFC 9728), registration (RFC 7591), authorize (RFC 6749 §4.1 + PKCE), token, revoke
// (RFC 7009). Enough of each rule for clients and contract tests to see realistic answers.
import type {
  AuthorizationServerMetadata,
  AuthorizeData,
  AuthorizeErrors,
  ClientRegistrationResponse,
  ConsentRequest,
  GetAuthorizationServerMetadataData,
  GetAuthorizationServerMetadataErrors,
  GetAuthorizationServerMetadataResponses,
  GetMcpProtectedResourceMetadataData,
  GetMcpProtectedResourceMetadataErrors,
  GetMcpProtectedResourceMetadataResponses,
  GetProtectedResourceMetadataData,
  GetProtectedResourceMetadataErrors,
  GetProtectedResourceMetadataResponses,
  ProtectedResourceMetadata,
  RegisterClientData,
  RegisterClientErrors,
  RegisterClientResponses,
  RevokeTokenData,
  RevokeTokenErrors,
  RevokeTokenResponses,
  Scope,
  TokenData,
  TokenErrors,
  TokenResponses,
} from '@reminderit/sdk';
import { consentPagePath, loginPagePath } from '@reminderit/sdk';
import { allScopes, scopeDescriptions } from '../fixtures.ts';
import { isRecord, oauthError, type Router, readForm, readJson } from '../respond.ts';
import { type MockState, newKeySecret, randomId, randomToken } from '../state.ts';
import { redirectWith } from './consent.ts';

const REQUEST_TTL_MS = 10 * 60_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function authorizationServerMetadata(issuer: string): AuthorizationServerMetadata {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    revocation_endpoint: `${issuer}/revoke`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
    scopes_supported: [...allScopes],
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${issuer}/docs`,
    client_id_metadata_document_supported: true,
  };
}

export function protectedResourceMetadata(issuer: string): ProtectedResourceMetadata {
  return {
    resource: `${issuer}/mcp`,
    authorization_servers: [issuer],
    scopes_supported: [...allScopes],
    bearer_methods_supported: ['header'],
    resource_name: 'ReminderIt MCP',
  };
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const isLoopback = (url: URL) => url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);

/** The default trusted-redirect list: claude.ai and claude.com over https, and http loopback. */
const CLAUDE_CALLBACKS = ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'];

function trustedRedirect(uri: string): boolean {
  const url = parseUrl(uri);
  if (!url || url.hash) return false;
  // As the server's default list: loopback, and the Claude callbacks exactly.
  return isLoopback(url) || CLAUDE_CALLBACKS.includes(uri);
}

/** Exact match, except that the port of an http loopback URI may differ (RFC 8252 §7.3). */
function redirectMatches(registered: string, given: string): boolean {
  if (registered === given) return true;
  const a = parseUrl(registered);
  const b = parseUrl(given);
  if (!a || !b || !isLoopback(a) || !isLoopback(b)) return false;
  return a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search;
}

/** The label a key minted for this client will carry. */
function labelFor(client: ClientRegistrationResponse, redirectUri: string): string | null {
  const url = parseUrl(redirectUri);
  if (url && !isLoopback(url)) return 'Claude (web connector)';
  return client.client_name ?? null;
}

const htmlPage = (title: string, message: string) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>Cannot continue</h1><p>${message}</p></body></html>`;

async function s256(verifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  let binary = '';
  for (const b of new Uint8Array(digest)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Client authentication at the token and revocation endpoints (RFC 6749 §2.3.1). */
function authenticateClient(state: MockState, request: Request, form: URLSearchParams): ClientRegistrationResponse | null {
  let clientId = form.get('client_id');
  let secret = form.get('client_secret');
  const basic = /^Basic (\S+)$/i.exec(request.headers.get('Authorization') ?? '')?.[1];
  if (basic) {
    const [id, pass] = atob(basic).split(':');
    clientId = decodeURIComponent(id ?? '');
    secret = decodeURIComponent(pass ?? '');
  }
  const client = clientId ? state.clients.get(clientId) : undefined;
  if (!client) return null;
  if (client.client_secret !== undefined && client.client_secret !== secret) return null;
  return client;
}

const invalidClient = {
  ...oauthError(401, 'invalid_client', 'Client authentication failed.'),
  headers: { 'WWW-Authenticate': 'Basic realm="ReminderIt", charset="UTF-8"' },
};

export function oauthHandlers(on: Router, state: MockState) {
  return [
    on<GetAuthorizationServerMetadataData, GetAuthorizationServerMetadataResponses & GetAuthorizationServerMetadataErrors>(
      'get',
      '/.well-known/oauth-authorization-server',
      ({ url }) => ({ status: 200, body: authorizationServerMetadata(url.origin) }),
    ),

    on<GetProtectedResourceMetadataData, GetProtectedResourceMetadataResponses & GetProtectedResourceMetadataErrors>(
      'get',
      '/.well-known/oauth-protected-resource',
      ({ url }) => ({ status: 200, body: protectedResourceMetadata(url.origin) }),
    ),

    on<GetMcpProtectedResourceMetadataData, GetMcpProtectedResourceMetadataResponses & GetMcpProtectedResourceMetadataErrors>(
      'get',
      '/.well-known/oauth-protected-resource/mcp',
      ({ url }) => ({ status: 200, body: protectedResourceMetadata(url.origin) }),
    ),

    on<RegisterClientData, RegisterClientResponses & RegisterClientErrors>('post', '/register', async ({ request }) => {
      const body = await readJson(request);
      if (!isRecord(body) || !Array.isArray(body.redirect_uris) || body.redirect_uris.length === 0) {
        // RFC 7591 §3.2.2: missing or invalid redirect URIs are invalid_redirect_uri.
        return oauthError(400, 'invalid_redirect_uri', 'redirect_uris must list at least one URI.');
      }
      const uris = body.redirect_uris.map(String);
      const untrusted = uris.find((uri) => !trustedRedirect(uri));
      if (untrusted !== undefined) return oauthError(400, 'invalid_redirect_uri', `${untrusted} is not an allowed redirect URI.`);
      const method = (body.token_endpoint_auth_method ?? 'client_secret_basic') as ClientRegistrationResponse['token_endpoint_auth_method'];
      if (!['none', 'client_secret_post', 'client_secret_basic'].includes(method)) {
        return oauthError(400, 'invalid_client_metadata', 'token_endpoint_auth_method is not supported.');
      }
      const client: ClientRegistrationResponse = {
        client_id: `c_${randomToken(20)}`,
        client_id_issued_at: Math.floor(Date.now() / 1000),
        redirect_uris: uris,
        token_endpoint_auth_method: method,
        grant_types: Array.isArray(body.grant_types) ? body.grant_types.map(String) : ['authorization_code'],
        response_types: Array.isArray(body.response_types) ? body.response_types.map(String) : ['code'],
        ...(typeof body.client_name === 'string' ? { client_name: body.client_name } : {}),
        ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
        ...(method === 'none' ? {} : { client_secret: `cs_${randomToken(40)}`, client_secret_expires_at: 0 }),
      };
      state.clients.set(client.client_id, client);
      return { status: 201, body: client, headers: { 'Cache-Control': 'no-store' } };
    }),

    on<AuthorizeData, { 302: undefined } & { 400: AuthorizeErrors[400] | string } & Omit<AuthorizeErrors, 400>>('get', '/authorize', ({ url }) => {
      const q = url.searchParams;
      const clientId = q.get('client_id');
      if (!clientId) return oauthError(400, 'invalid_request', "Invalid request: query must have required property 'client_id'.");
      const client = state.clients.get(clientId);
      const registered = client?.redirect_uris ?? [];
      const given = q.get('redirect_uri');
      const redirectUri = given === null ? (registered.length === 1 ? registered[0] : undefined) : registered.find((r) => redirectMatches(r, given)) && given;
      // Never redirect to an unverified URI: show an error page instead (RFC 6749 §4.1.2.1).
      if (!client || !redirectUri) {
        const message = client ? 'The redirect URI is not registered for this application.' : 'This application is not registered with ReminderIt.';
        return { status: 400, body: htmlPage('Authorization error', message), headers: { 'Content-Type': 'text/html; charset=utf-8' } };
      }
      const iss = url.origin;
      const fail = (error: string, description: string) => ({
        status: 302 as const,
        headers: { Location: redirectWith(redirectUri, { error, error_description: description, state: q.get('state') ?? undefined, iss }) },
      });
      if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code.');
      const challenge = q.get('code_challenge');
      if (!challenge || q.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
      const requested = (q.get('scope') ?? allScopes.join(' ')).split(' ').filter(Boolean);
      if (requested.some((s) => !allScopes.includes(s as Scope))) return fail('invalid_scope', 'Unknown scope.');
      const resource = q.get('resource') ?? `${iss}/mcp`;
      if (resource !== `${iss}/mcp`) return fail('invalid_target', `resource must be ${iss}/mcp.`);

      const target = new URL(redirectUri);
      const pending: ConsentRequest = {
        request_id: `pr_${randomToken(24)}`,
        client: {
          client_id: client.client_id,
          client_name: client.client_name ?? null,
          label: labelFor(client, redirectUri),
          metadata_document_host: null,
        },
        redirect_uri: redirectUri,
        redirect_host: target.host,
        is_loopback: isLoopback(target),
        scopes: requested.map((name) => ({ name: name as Scope, description: scopeDescriptions[name as Scope] })),
        resource,
        expires_at: new Date(Date.now() + REQUEST_TTL_MS).toISOString(),
      };
      state.pendingRequests.set(pending.request_id, pending);
      state.authorizations.set(pending.request_id, { state: q.get('state') ?? undefined, codeChallenge: challenge });
      const consentPage = consentPagePath(pending.request_id);
      const location = state.session ? consentPage : loginPagePath(consentPage);
      return { status: 302, headers: { Location: location } };
    }),

    on<TokenData, TokenResponses & TokenErrors>('post', '/token', async ({ request, url }) => {
      const form = await readForm(request);
      if (form.get('grant_type') !== 'authorization_code') {
        return oauthError(400, 'unsupported_grant_type', 'Only authorization_code is supported.');
      }
      const code = form.get('code');
      const verifier = form.get('code_verifier');
      if (!code || !verifier) return oauthError(400, 'invalid_request', 'code and code_verifier are required.');
      const client = authenticateClient(state, request, form);
      if (!client) return invalidClient;
      const issued = state.codes.get(code);
      state.codes.delete(code); // single use
      const redirectUri = form.get('redirect_uri');
      const valid =
        issued !== undefined &&
        issued.expiresAt > Date.now() &&
        issued.request.client.client_id === client.client_id &&
        (redirectUri === null || redirectUri === issued.request.redirect_uri) &&
        (issued.codeChallenge === undefined || issued.codeChallenge === (await s256(verifier)));
      if (!valid) return oauthError(400, 'invalid_grant', 'The authorization code is invalid or expired.');
      const resource = form.get('resource');
      if (resource !== null && resource !== `${url.origin}/mcp`) return oauthError(400, 'invalid_target', `resource must be ${url.origin}/mcp.`);

      const { secret, prefix } = newKeySecret();
      const scopes = issued.request.scopes.map((s) => s.name);
      state.keys.unshift({
        id: randomId(),
        label: issued.request.client.label ?? issued.request.client.client_name ?? 'OAuth client',
        prefix,
        scopes,
        created_at: new Date().toISOString(),
        last_used_at: null,
        revoked_at: null,
        client_id: client.client_id,
        client_name: client.client_name ?? null,
        secret,
      });
      return {
        status: 200,
        body: { access_token: secret, token_type: 'Bearer', scope: scopes.join(' ') },
        headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      };
    }),

    on<RevokeTokenData, RevokeTokenResponses & RevokeTokenErrors>('post', '/revoke', async ({ request }) => {
      const form = await readForm(request);
      const token = form.get('token');
      if (!token) return oauthError(400, 'invalid_request', "Invalid request: body must have required property 'token'.");
      const client = authenticateClient(state, request, form);
      if (!client) return invalidClient;
      // RFC 7009 §2.2: the same empty 200 for unknown, revoked and foreign tokens.
      const key = state.keys.find((k) => k.secret === token && k.client_id === client.client_id);
      if (key) key.revoked_at ??= new Date().toISOString();
      return { status: 200 };
    }),
  ];
}
