// The user's side of the flow, without a browser: what the consent web app does when a person signs up and
// clicks "Allow", done through the server's own account and consent API (session cookie + CSRF token).
// A real partner never does this: its user's browser opens the authorize URL and consents on ReminderIt.
import { CONSENT_APP_ROUTES, type ConsentRequest, createClient, decideConsent, getConsentRequest, signUp, unwrap, withTypedErrors } from '@reminderit/sdk';

const SESSION_COOKIE = 'rmt_session';

export interface HeadlessUser {
  email: string;
  password: string;
}

export interface Consented {
  /** What the consent page showed (client name, redirect host, scopes); absent when /authorize refused. */
  request?: ConsentRequest;
  /** Where the browser is sent next: the partner's redirect_uri with `code`, `state` and `iss`. */
  redirectTo: string;
}

function sessionFrom(response: Response): string {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === SESSION_COOKIE) return pair.slice(eq + 1).trim();
  }
  throw new Error(`sign-up set no ${SESSION_COOKIE} cookie`);
}

/** Signs a new user up, opens the authorize URL as that user and approves the request. */
export async function consentAsNewUser(baseUrl: string, authorizeUrl: string, user: HeadlessUser): Promise<Consented> {
  const browser = withTypedErrors(createClient({ baseUrl }));
  const { data: session, response } = await signUp({ client: browser, body: user, throwOnError: true });
  // The generated account/consent operations send the session as the `rmt_session` cookie via `auth`.
  const sessionId = sessionFrom(response);
  browser.setConfig({ auth: sessionId });

  // GET /authorize with the session: a valid request is stored and the browser sent to the consent page.
  const authorized = await fetch(authorizeUrl, {
    redirect: 'manual',
    headers: { cookie: `${SESSION_COOKIE}=${sessionId}` },
  });
  const location = authorized.headers.get('location');
  if (authorized.status !== 302 || location === null) {
    throw new Error(`GET /authorize answered ${authorized.status}, expected a redirect to the consent page`);
  }
  const next = new URL(location, baseUrl);
  const requestId = next.searchParams.get('request_id');
  // An invalid request (bad scope, resource, …) is redirected straight back to the partner with ?error=.
  if (next.pathname !== CONSENT_APP_ROUTES.consent || requestId === null) return { redirectTo: next.toString() };

  const request = await unwrap(getConsentRequest({ client: browser, path: { requestId } }));
  const outcome = await unwrap(
    decideConsent({
      client: browser,
      path: { requestId },
      headers: { 'X-CSRF-Token': session.csrf_token },
      body: { decision: 'allow' },
    }),
  );
  return { request, redirectTo: outcome.redirect_to };
}
