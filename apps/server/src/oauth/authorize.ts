// GET /authorize — RFC 6749 §4.1.1 with PKCE (RFC 7636 §4.3, S256 only per OAuth 2.1), resource
// indicators (RFC 8707 §2) and `iss` on every response (RFC 9207).
import type { AuthorizeData, OAuthErrorCode } from '@reminderit/sdk';
import { consentPagePath, loginPagePath } from '@reminderit/sdk';
import type { FastifyRequest } from 'fastify';
import type { SessionAuth } from '../accounts/session-auth.ts';
import { readSession } from '../accounts/sessions.ts';
import type { AppContext } from '../context.ts';
import type { OperationInput, RawResult } from '../http/operation.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import type { OAuthClientRow } from '../store/db/schema.ts';
import { touchClient } from './client-expiry.ts';
import { identifyMetadataDocumentClient, isMetadataDocumentClientId, MetadataDocumentError } from './client-metadata-document.ts';
import { findClient } from './clients.ts';
import { bindBrowser } from './consent-binding.ts';
import { authorizationErrorPage } from './error-page.ts';
import { type PendingRequest, storePendingRequest } from './pending-requests.ts';
import { authorizationError } from './redirect-response.ts';
import { findRegisteredRedirect, matchTrustedRedirect } from './redirect-uris.ts';
import { resolveScopes } from './requested-scopes.ts';

type Query = AuthorizeData['query'];

/** RFC 7636 §4.2: an S256 challenge is BASE64URL of a 32-byte hash — exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** An error that can safely go back to the (verified) redirect URI. */
class RedirectableError extends Error {
  readonly code: OAuthErrorCode;
  constructor(code: OAuthErrorCode, description: string) {
    super(description);
    this.code = code;
  }
}

export function authorizeHandlers(ctx: AppContext) {
  const issuer = ctx.config.publicUrl;

  /** Step 1: the client and redirect URI must be known before anything is sent back to that URI. */
  async function identifyClient(q: Query): Promise<{ client: OAuthClientRow; redirectUri: string } | RawResult> {
    // Client ID Metadata Documents (MCP 2025-11-25): a URL client_id is fetched and checked; any failure is
    // the error page, never a redirect (nothing about the document can be trusted yet) and nothing is stored.
    if (isMetadataDocumentClientId(q.client_id)) {
      try {
        return await identifyMetadataDocumentClient(ctx, q.client_id, q.redirect_uri);
      } catch (err) {
        if (err instanceof MetadataDocumentError) return authorizationErrorPage('invalid_client', err.message);
        throw err;
      }
    }
    const client = await findClient(ctx, q.client_id);
    if (!client) return authorizationErrorPage('invalid_client', 'The app asking for access is not registered with ReminderIt.');
    let redirectUri: string;
    if (q.redirect_uri === undefined) {
      // RFC 6749 §3.1.2.3: may be omitted only when exactly one redirect URI is registered.
      if (client.redirectUris.length !== 1) {
        return authorizationErrorPage('invalid_request', 'The app did not say where to send you back (redirect_uri is missing).');
      }
      redirectUri = client.redirectUris[0]!;
    } else {
      if (!findRegisteredRedirect(client.redirectUris, q.redirect_uri)) {
        return authorizationErrorPage('invalid_request', 'The address the app wants to send you back to is not one it registered.');
      }
      redirectUri = q.redirect_uri;
    }
    // The trusted list is checked again here, not only at registration: a list tightened since (e.g. from whole
    // origins to exact callbacks) then applies to clients registered under the old one.
    if (!matchTrustedRedirect(ctx.config.trustedRedirects, redirectUri)) {
      return authorizationErrorPage('invalid_request', 'The address the app wants to send you back to is no longer allowed by ReminderIt.');
    }
    await touchClient(ctx, client);
    return { client, redirectUri };
  }

  /** Step 2: the rest of the request (errors from here on go back to the client). */
  function checkRequest(q: Query): { scopes: string[]; resource: string; codeChallenge: string } {
    if (q.response_type === undefined) throw new RedirectableError('invalid_request', 'response_type is required.');
    if (q.response_type !== 'code') throw new RedirectableError('unsupported_response_type', 'Only response_type=code is supported.');
    if (!q.code_challenge) throw new RedirectableError('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
    if (q.code_challenge_method !== 'S256') {
      throw new RedirectableError('invalid_request', 'code_challenge_method must be S256.');
    }
    if (!S256_CHALLENGE.test(q.code_challenge)) throw new RedirectableError('invalid_request', 'code_challenge is not a valid S256 challenge.');
    const resource = q.resource ?? ctx.config.mcpResource;
    if (resource !== ctx.config.mcpResource) {
      throw new RedirectableError('invalid_target', `This server only issues keys for ${ctx.config.mcpResource}.`);
    }
    const scopes = resolveScopes(q.scope);
    if (!scopes) throw new RedirectableError('invalid_scope', 'None of the requested scopes is supported.');
    return { scopes, resource, codeChallenge: q.code_challenge };
  }

  /**
   * Step 3: store the pending request, bound to this browser (and to its user when signed in:
   * consent-binding.ts), and send the browser to consent (via log-in when signed out).
   */
  async function sendToConsent(
    req: FastifyRequest,
    session: SessionAuth | undefined,
    checked: Omit<PendingRequest, 'browserHash' | 'userId' | 'expiresAt'>,
  ): Promise<RawResult> {
    const { setCookie, browserHash } = bindBrowser(ctx, req);
    const requestId = await storePendingRequest(ctx, { ...checked, browserHash, ...(session ? { userId: session.userId } : {}) });
    const consentPath = consentPagePath(requestId);
    const location = session ? consentPath : loginPagePath(consentPath);
    return { status: 302, headers: { location, 'set-cookie': setCookie } };
  }

  return {
    authorize: async ({ query, raw }: OperationInput<AuthorizeData>): Promise<RawResult> => {
      // Step 0: every call may store a pending request (KV, AUTH_REQUEST_TTL_SECONDS), so a per-IP fixed
      // window on the shared KV bounds how many one source can leave behind (RFC 6819 §4.4.1.11).
      // The session is read in the same round trip (node-redis pipelines commands sent in one tick); it is
      // only used once the window allows the request.
      const [, session] = await Promise.all([enforceRateLimit(ctx, `authorize:${raw.ip}`, ctx.config.rateLimits.authorize), readSession(ctx, raw)]);
      const identified = await identifyClient(query);
      if ('status' in identified) return identified;
      const { client, redirectUri } = identified;
      try {
        const checked = checkRequest(query);
        return await sendToConsent(raw, session, {
          clientId: client.id,
          redirectUri,
          redirectUriSent: query.redirect_uri !== undefined,
          codeChallenge: checked.codeChallenge,
          state: query.state,
          scopes: checked.scopes,
          resource: checked.resource,
        });
      } catch (err) {
        if (!(err instanceof RedirectableError)) throw err;
        const location = authorizationError(redirectUri, issuer, query.state, err.code, err.message);
        return { status: 302, headers: { location } };
      }
    },
  };
}
