// The user's part of the authorization code flow as a browser does it over HTTP: the authorize URL without a
// session lands on the log-in page (carrying the consent request along), a new user signs up, reads the
// consent request and clicks Allow — through the generated SDK, as the consent app does.
import { randomBytes } from 'node:crypto';
import { CONSENT_APP_ROUTES, type ConsentRequest, createClient, decideConsent, getConsentRequest, type Session, signUp } from '@reminderit/sdk';
import { expect } from 'vitest';

export interface BrowserConsent {
  /** The new user's session (its CSRF token, for later account calls from the same browser). */
  session: Session;
  /** What the consent page showed. */
  consent: ConsentRequest;
  /** Where Allow sends the browser: the client's redirect URI with `code`, `state` and `iss`. */
  redirectTo: string;
}

/** `browser` (a cookieFetch) opens `authorizeUrl` signed out, signs up as `email` (a fresh one by default) and allows. */
export async function signUpAndAllow(
  browser: typeof fetch,
  base: string,
  authorizeUrl: string | URL,
  email = `user-${randomBytes(6).toString('hex')}@example.com`,
): Promise<BrowserConsent> {
  const api = createClient({ baseUrl: base, fetch: browser });
  const toLogin = await browser(authorizeUrl);
  expect(toLogin.status).toBe(302);
  const login = new URL(toLogin.headers.get('location')!, base);
  expect(login.pathname).toBe(CONSENT_APP_ROUTES.login);
  const requestId = new URL(login.searchParams.get('next')!, base).searchParams.get('request_id')!;

  const { data: session, response } = await signUp({ client: api, throwOnError: true, body: { email, password: 'correct horse battery staple' } });
  expect(response.status).toBe(201);
  const { data: consent } = await getConsentRequest({ client: api, throwOnError: true, path: { requestId } });
  const { data: outcome } = await decideConsent({
    client: api,
    throwOnError: true,
    path: { requestId },
    body: { decision: 'allow' },
    headers: { 'X-CSRF-Token': session.csrf_token },
  });
  return { session, consent, redirectTo: outcome.redirect_to };
}
