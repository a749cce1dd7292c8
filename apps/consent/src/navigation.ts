// Client-side routing by `location.pathname` (no router library), and the one place the app leaves itself.
import { CONSENT_APP_PATHS, CONSENT_APP_ROUTES, loginPagePath } from '@reminderit/sdk';
import { useMemo, useSyncExternalStore } from 'react';

const NAVIGATE_EVENT = 'rmt:navigate';

let navigatedInApp = false;
window.addEventListener('popstate', () => {
  navigatedInApp = true;
});

/** Whether the page on screen was reached by an in-app navigation (not by loading the document). */
export const hasNavigatedInApp = () => navigatedInApp;

/**
 * Full-page navigations (to an OAuth client's redirect URI, or to a server route such as /authorize).
 * Tests replace `assign` to observe where the app sends the browser.
 */
export const browser = {
  assign(url: string): void {
    window.location.assign(url);
  },
};

/** In-app navigation: updates the URL and re-renders the matching page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  navigatedInApp = true;
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const currentPath = () => window.location.pathname + window.location.search;

export interface AppLocation {
  pathname: string;
  query: URLSearchParams;
  /** pathname + search, e.g. `/consent?request_id=…`. */
  path: string;
}

export function useLocation(): AppLocation {
  const path = useSyncExternalStore(subscribe, currentPath);
  return useMemo(() => {
    const url = new URL(path, window.location.origin);
    return { pathname: url.pathname, query: url.searchParams, path };
  }, [path]);
}

/**
 * `next` if it is a path on this origin, else `/keys`. Rejects `//host` and `/\host` (protocol-relative to
 * a browser), backslashes and control characters (the URL parser strips tabs and newlines, so `/\t/host`
 * would become `//host`), then double-checks by resolving it against this origin.
 */
export function safeNext(next: string | null | undefined): string {
  const fallback = CONSENT_APP_ROUTES.keys;
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : fallback;
  } catch {
    return fallback;
  }
}

/** Goes to a same-origin path: in-app for the app's pages (CONSENT_APP_PATHS, which the server answers with index.html), a full navigation for server routes (/authorize). */
export function goTo(path: string): void {
  const { pathname } = new URL(path, window.location.origin);
  if ((CONSENT_APP_PATHS as readonly string[]).includes(pathname)) navigate(path);
  else browser.assign(path);
}

/** The log-in page, coming back to where the user is now. */
export function loginPathHere(): string {
  return loginPagePath(currentPath());
}

export function redirectToLogin(): void {
  navigate(loginPathHere(), { replace: true });
}
