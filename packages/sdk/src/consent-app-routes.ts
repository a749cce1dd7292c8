// The consent web app's pages (apps/consent), by name. One list for the server (it answers index.html for
// exactly these paths, and /authorize sends the browser to the consent and log-in pages), the app's own
// router, the mocks and the tests. A partner driving the flow headlessly reads the same paths.

export const CONSENT_APP_ROUTES = {
  home: '/',
  login: '/login',
  signup: '/signup',
  consent: '/consent',
  keys: '/keys',
} as const;

/** The path of one of the app's pages. */
export type ConsentAppRoute = (typeof CONSENT_APP_ROUTES)[keyof typeof CONSENT_APP_ROUTES];

/** Every page's path, in the order above. */
export const CONSENT_APP_PATHS = Object.values(CONSENT_APP_ROUTES) as readonly ConsentAppRoute[];

/** The consent page of one pending authorization request. */
export function consentPagePath(requestId: string): string {
  return `${CONSENT_APP_ROUTES.consent}?request_id=${encodeURIComponent(requestId)}`;
}

/** The log-in page; with `next` (a same-origin path), the page it returns to once signed in. */
export function loginPagePath(next?: string): string {
  return withNext(CONSENT_APP_ROUTES.login, next);
}

/** The sign-up page; with `next` (a same-origin path), the page it returns to once signed up. */
export function signupPagePath(next?: string): string {
  return withNext(CONSENT_APP_ROUTES.signup, next);
}

function withNext(page: string, next: string | undefined): string {
  return next === undefined ? page : `${page}?next=${encodeURIComponent(next)}`;
}
