import type { Context } from 'openapi-backend';
import type { SessionAuth } from '../accounts/session-auth.ts';
import type { KeyAuth } from '../keys/bearer.ts';

export type { KeyAuth };

// Who a request is authenticated as, per the spec's security schemes (filled in by http/security.ts).

export interface RequestAuth {
  session?: SessionAuth;
  key?: KeyAuth;
}

/** The authenticated principals from openapi-backend's security results. */
export function authFromContext(c: Context): RequestAuth {
  const results = (c.security ?? {}) as Record<string, unknown>;
  const auth: RequestAuth = {};
  if (results.sessionCookie) auth.session = results.sessionCookie as SessionAuth;
  if (results.bearerApiKey) auth.key = results.bearerApiKey as KeyAuth;
  return auth;
}
