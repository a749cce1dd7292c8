// DNS-rebinding protection for `/mcp` (MCP Streamable HTTP, "Security Warning": servers MUST validate the
// `Origin` header; a page on a rebound domain must not reach the endpoint as if it were same-origin).
//
// An `onRequest` hook, so it runs before authentication, spec validation and the MCP layer:
// - `Origin` present and not on `MCP_ALLOWED_ORIGINS` → 403 `forbidden` (RFC 6454 origins, compared exactly).
//   Clients outside a browser send no `Origin` and pass.
// - `Host` (behind a proxy with TRUST_PROXY, the forwarded host) must name PUBLIC_URL's host; port-agnostic,
//   as the MCP SDK's own guards are. When PUBLIC_URL is a loopback host, any loopback name is that host, and
//   a page served from loopback (any port) is an allowed Origin too: a rebound page never has one.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { forbidden } from '../errors.ts';

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function hostnameOf(host: string): string | undefined {
  return URL.canParse(`http://${host}`) ? new URL(`http://${host}`).hostname.toLowerCase() : undefined;
}

/** Host values seen, parsed once each (a deployment sees a handful; the bound keeps junk from piling up). */
const HOSTNAME_MEMO_MAX = 256;

/** hostnameOf through a bounded memo: a URL parse per /mcp request was ~2 % of tools/list. */
function memoHostnameOf(memo: Map<string, string | undefined>) {
  return (host: string): string | undefined => {
    if (memo.has(host)) return memo.get(host);
    const hostname = hostnameOf(host);
    if (memo.size >= HOSTNAME_MEMO_MAX) memo.clear();
    memo.set(host, hostname);
    return hostname;
  };
}

/** The hostnames `Host` may name for this deployment. */
export function allowedHostnames(config: Pick<Config, 'publicUrl'>): ReadonlySet<string> {
  const own = new URL(config.publicUrl).hostname.toLowerCase();
  return LOOPBACK_HOSTNAMES.has(own) ? LOOPBACK_HOSTNAMES : new Set([own]);
}

/** An http(s) origin on a loopback name, when this deployment itself is on loopback. */
function isLoopbackOrigin(origin: string, hostnames: ReadonlySet<string>): boolean {
  if (hostnames !== LOOPBACK_HOSTNAMES || !URL.canParse(origin)) return false;
  const u = new URL(origin);
  return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTNAMES.has(u.hostname) && u.origin === origin;
}

/** Why the request must be refused, or undefined when its Origin and Host are acceptable. */
export function rebindingRefusal(
  req: Pick<FastifyRequest, 'headers' | 'host'>,
  config: Pick<Config, 'publicUrl' | 'mcpAllowedOrigins'>,
  hostnames = allowedHostnames(config),
  parseHost: (host: string) => string | undefined = hostnameOf,
): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !config.mcpAllowedOrigins.includes(origin) && !isLoopbackOrigin(origin, hostnames)) {
    return 'This origin may not call the MCP endpoint.';
  }
  const hostname = parseHost(req.host);
  if (hostname === undefined || !hostnames.has(hostname)) return 'The Host header does not name this server.';
  return undefined;
}

export function installDnsRebindingGuard(app: FastifyInstance, config: Config): void {
  const hostnames = allowedHostnames(config);
  const parseHost = memoHostnameOf(new Map());
  app.addHook('onRequest', (req, _reply, done) => {
    if (!req.url.startsWith('/mcp')) return done();
    const path = req.url.split('?', 1)[0];
    if (path !== '/mcp' && path !== '/mcp/') return done();
    const refusal = rebindingRefusal(req, config, hostnames, parseHost);
    if (!refusal) return done();
    req.log.info({ origin: req.headers.origin, host: req.host }, 'mcp request refused: dns rebinding guard');
    done(forbidden(refusal));
  });
}
