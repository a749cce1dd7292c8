// Authorization responses back to the client's redirect URI (RFC 6749 §4.1.2 / §4.1.2.1), always with
// `iss` (RFC 9207 §2) and `state` when the client sent one. The redirect URI's own query is kept (§3.1.2).
import type { OAuthErrorCode } from '@reminderit/sdk';
export function redirectWithParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.append(name, value);
  }
  return url.toString();
}

export function authorizationError(redirectUri: string, issuer: string, state: string | undefined, error: OAuthErrorCode, description: string): string {
  return redirectWithParams(redirectUri, { error, error_description: description, state, iss: issuer });
}
