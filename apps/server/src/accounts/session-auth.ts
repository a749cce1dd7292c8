// The spec's `sessionCookie` security scheme: who a consent-app request is signed in as (read from the KV by
// sessions.ts when openapi-backend checks the scheme), and the twin of keys/require-scope.ts's requireKey.
import { unauthorized } from '../errors.ts';

/** `sessionCookie`: a signed-in user of the consent app. */
export interface SessionAuth {
  userId: string;
  email: string;
  csrfToken: string;
  /** SHA-256 of the session id (the KV key), for log-out. */
  sessionHash: string;
}

/** The session a cookie-authenticated handler acts for; 401 `unauthorized` when the request has none. */
export function requireSession(auth: { session?: SessionAuth }): SessionAuth {
  if (!auth.session) throw unauthorized('Sign in first.');
  return auth.session;
}
