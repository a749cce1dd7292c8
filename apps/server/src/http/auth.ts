import type { Context } from 'openapi-backend';
import type { KeyAuth } from '../keys/bearer.ts';

export type { KeyAuth };

// Who a request is authenticated as, per the spec's security schemes (filled in by http/security.ts).

/** `sessionCookie`: a signed-in user of the consent app. */
export interface SessionAuth {
  userId: string;
  email: string;
  csrfToken: string;
  /** SHA-256 of the session id (the KV key), for log-out. */
  sessionHash: string;
}

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
