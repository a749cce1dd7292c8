// Who is calling: the browser session (cookie + CSRF header) or a bearer API key, as the server checks them.
import type { OAuthError, Scope } from '@reminderit/sdk';
import { allScopes, type StoredApiKey } from './fixtures.ts';
import { oauthError } from './respond.ts';
import type { MockState } from './state.ts';

type ErrorReply<S extends number> = { status: S; body: OAuthError; headers?: Record<string, string> };

/** 401 unless the browser is signed in. */
export function sessionError(state: MockState): ErrorReply<401> | null {
  return state.session ? null : oauthError(401, 'unauthorized', 'Sign in to continue.');
}

/** Session check plus the CSRF header of state-changing calls: missing → 400 (contract), wrong → 403. */
export function csrfError(state: MockState, request: Request): ErrorReply<400 | 401 | 403> | null {
  if (!state.session) return oauthError(401, 'unauthorized', 'Sign in to continue.');
  const token = request.headers.get('X-CSRF-Token');
  if (token === null) return oauthError(400, 'invalid_request', "Invalid request: headers must have required property 'x-csrf-token'.");
  if (token !== state.session.csrf_token) return oauthError(403, 'forbidden', 'CSRF token mismatch.');
  return null;
}

const ALL_SCOPES = allScopes.join(' ');

/** RFC 9728 §5.1: the challenge that points clients at the protected resource metadata. */
export function bearerChallenge(origin: string, error?: string, scope?: string): string {
  let challenge = `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`;
  if (error) challenge += `, error="${error}"`;
  if (scope) challenge += `, scope="${scope}"`;
  return challenge;
}

/** The active key named by `Authorization: Bearer rmt_…`, or the 401/403 the server would answer. */
export function bearerKey(state: MockState, request: Request, scope?: Scope): { key: StoredApiKey } | { error: ErrorReply<401> | ErrorReply<403> } {
  const origin = new URL(request.url).origin;
  const header = request.headers.get('Authorization');
  if (!header) {
    const reply = oauthError(401, 'unauthorized', 'A bearer API key is required.');
    // MCP 2025-11-25: the 401 challenge names the scopes to request (every scope, as the server does).
    return { error: { ...reply, headers: { 'WWW-Authenticate': bearerChallenge(origin, undefined, ALL_SCOPES) } } };
  }
  const secret = /^Bearer (\S+)$/i.exec(header)?.[1];
  const key = state.keys.find((k) => k.secret === secret && k.revoked_at === null);
  if (!key) {
    const reply = oauthError(401, 'invalid_token', 'The API key is invalid or has been revoked.');
    return { error: { ...reply, headers: { 'WWW-Authenticate': bearerChallenge(origin, 'invalid_token', ALL_SCOPES) } } };
  }
  if (scope && !key.scopes.includes(scope)) {
    const reply = oauthError(403, 'insufficient_scope', `This call needs the ${scope} scope.`);
    return { error: { ...reply, headers: { 'WWW-Authenticate': bearerChallenge(origin, 'insufficient_scope', scope) } } };
  }
  key.last_used_at = new Date().toISOString();
  return { key };
}
