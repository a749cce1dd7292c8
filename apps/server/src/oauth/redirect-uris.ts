// Redirect URI rules, shared by registration (RFC 7591 §2) and the authorization/token endpoints
// (RFC 6749 §3.1.2, RFC 8252 §7.3). Pure functions over strings: no I/O, no config reads.
//
// Every check compares *parsed* URLs (WHATWG, as browsers parse them), and the raw string must spell the
// scheme and authority exactly as the parser reads them, so what we check is where a browser goes.
import type { TrustedRedirect } from '../config.ts';

/** Same bound as the spec's `redirect_uris` items. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

/** RFC 8252 §7.3 / §8.3: loopback hosts a native app may listen on (any port). */
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Whitespace, control characters and backslashes: parsers disagree on them, so they are never accepted. */
const AMBIGUOUS_CHARACTERS = /[\s\\\p{Cc}]/u;

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

/**
 * Why `uri` cannot be a redirect URI, or `undefined` when its shape is acceptable. Shape only: whether it is
 * on the trusted list is `matchTrustedRedirect`.
 */
export function checkRedirectUriShape(uri: string): string | undefined {
  if (uri.length > MAX_REDIRECT_URI_LENGTH) return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  if (AMBIGUOUS_CHARACTERS.test(uri)) return 'must not contain whitespace, control characters or backslashes';
  const url = parse(uri);
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST be an absolute URI.
  if (!url) return 'must be an absolute URI';
  // RFC 6749 §3.1.2: it MUST NOT include a fragment component (even an empty one).
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password || authorityOf(uri)?.includes('@')) return 'must not contain user information';
  if (url.protocol === 'http:') {
    // RFC 8252 §7.3: plain http only for loopback interface redirects; RFC 8252 §8.3 / OAuth 2.1 §7.5.2.
    if (!LOOPBACK_HOSTNAMES.has(url.hostname)) return 'must use https (http is allowed only for 127.0.0.1, [::1] or localhost)';
  } else if (url.protocol !== 'https:') {
    return 'must use https (or http on a loopback host)';
  }
  // The raw string must spell scheme and authority exactly as parsed: this refuses percent-encoded or
  // non-ASCII hosts, numeric IPv4 shortcuts (http://2130706433/), explicit default ports, upper case and
  // the like, which a client could otherwise use to make the same URL look different (or vice versa).
  if (authorityOf(uri) !== url.host || !uri.startsWith(`${url.protocol}//`)) {
    return 'must spell its scheme and host in canonical form (lower case, no percent-encoding, no default port)';
  }
  return undefined;
}

/** The raw authority (`user@host:port`) of an absolute hierarchical URI string, or undefined. */
function authorityOf(uri: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(uri)?.[1];
}

/** An http redirect URI on a loopback host (RFC 8252 §7.3), whose port may vary between requests. */
export function isLoopbackRedirect(uri: string): boolean {
  if (checkRedirectUriShape(uri) !== undefined) return false;
  const url = parse(uri);
  return url?.protocol === 'http:' && LOOPBACK_HOSTNAMES.has(url.hostname);
}

/** `/api/` matches `/api/x`; `/api` matches `/api` and `/api/x` but not `/apix` (segment boundary). */
function pathWithin(pathname: string, prefix: string): boolean {
  if (prefix.endsWith('/')) return pathname.startsWith(prefix);
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/**
 * The raw path of `uri` is the one the parser read: no dot-segments (`/a/../b`, `/a/%2e%2e/b`) resolved away,
 * and no percent-encoded `/`, backslash or `.` that a server behind the redirect might decode into one.
 */
function pathAsWritten(uri: string, url: URL): boolean {
  const raw = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(uri)?.[1] ?? '';
  return (raw === '' ? '/' : raw) === url.pathname && !/%(2f|5c|2e)/i.test(raw);
}

/**
 * The trusted-list entry `uri` falls under, or undefined. Exact entries match the entry's URI character for
 * character (RFC 9700 §4.1.3): no extra path, no dot-segments, no query, no fragment, no encoding. Prefix
 * entries need the exact origin (scheme, host and port) and a path, as written, inside the entry's prefix;
 * the loopback entry takes http loopback URIs on any port. A URI that fails the shape check matches nothing.
 */
export function matchTrustedRedirect(list: readonly TrustedRedirect[], uri: string): TrustedRedirect | undefined {
  if (checkRedirectUriShape(uri) !== undefined) return undefined;
  const url = parse(uri);
  if (!url) return undefined;
  return list.find((entry) =>
    entry.kind === 'exact'
      ? uri === entry.uri
      : entry.kind === 'prefix'
        ? url.protocol === 'https:' && url.origin === entry.origin && pathAsWritten(uri, url) && pathWithin(url.pathname, entry.pathPrefix)
        : isLoopbackRedirect(uri),
  );
}

/** The URI with its (optional) port removed; only called on shape-checked loopback URIs. */
function withoutPort(uri: string): string {
  const url = new URL(uri);
  const authority = authorityOf(uri) ?? '';
  return `${url.protocol}//${url.hostname}${uri.slice(`${url.protocol}//`.length + authority.length)}`;
}

/**
 * The registered redirect URI that `candidate` designates, or undefined.
 *
 * RFC 6749 §3.1.2.3 / OAuth 2.1 §2.3.1 / RFC 9700 §4.1.3: simple string comparison, nothing normalised.
 * The one exception is RFC 8252 §7.3: for http loopback redirect URIs the port may differ, but scheme, host
 * (`localhost` is not `127.0.0.1`) and path + query must still match exactly.
 */
export function findRegisteredRedirect(registered: readonly string[], candidate: string): string | undefined {
  const exact = registered.find((uri) => uri === candidate);
  if (exact !== undefined) return exact;
  if (!isLoopbackRedirect(candidate)) return undefined;
  const wanted = withoutPort(candidate);
  return registered.find((uri) => isLoopbackRedirect(uri) && withoutPort(uri) === wanted);
}
