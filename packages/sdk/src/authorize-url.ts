// Builds the URL a partner sends the user's browser to (RFC 6749 §4.1.1 + RFC 7636 §4.3 + RFC 8707 §2).
import type { AuthorizeData } from './gen/types.gen.js';

export interface AuthorizeUrlOptions {
  /** The server's authorization_endpoint (from its RFC 8414 metadata), or its issuer URL. */
  authorizationEndpoint: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
  /** Space-separated scopes, e.g. "reminders:read reminders:write". */
  scope?: string;
  /** The protected resource the key is for (RFC 8707), e.g. "https://api.example/mcp". */
  resource?: string;
}

export function buildAuthorizeUrl(opts: AuthorizeUrlOptions): string {
  const url = new URL(opts.authorizationEndpoint);
  if (!url.pathname.endsWith('/authorize')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/authorize`;
  const query: AuthorizeData['query'] = {
    response_type: 'code',
    client_id: opts.clientId,
    redirect_uri: opts.redirectUri,
    code_challenge: opts.codeChallenge,
    code_challenge_method: 'S256',
    state: opts.state,
    ...(opts.scope === undefined ? {} : { scope: opts.scope }),
    ...(opts.resource === undefined ? {} : { resource: opts.resource }),
  };
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.toString();
}
