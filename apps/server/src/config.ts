// The one reader of process.env (see main.ts): a typed, validated config object built once at start.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDir } from './package-dir.ts';
import { DEFAULT_STORAGE_TIMEOUT_MS } from './store/storage-deadline.ts';

/** An entry of the trusted-redirect list: registration (RFC 7591 §2) only accepts redirect URIs it matches. */
export type TrustedRedirect =
  /** Exactly this https URI, character for character (no extra path, query or encoding); keys are labelled `label`. */
  | { kind: 'exact'; uri: string; label: string }
  /** https URIs on this origin whose path starts with pathPrefix; keys are labelled `label`. */
  | { kind: 'prefix'; origin: string; pathPrefix: string; label: string }
  /** http loopback URIs (127.0.0.1, [::1], localhost) on any port (RFC 8252 §7.3); label from client_name. */
  | { kind: 'loopback' };

export interface RateLimit {
  max: number;
  windowSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  /** Trust X-Forwarded-* from a load balancer (client IP for rate limits). */
  trustProxy: boolean;
  /** Issuer (RFC 8414 §2) and base of every endpoint URL; no trailing slash. */
  publicUrl: string;
  /** The canonical MCP resource URI (RFC 8707, RFC 9728): `${publicUrl}/mcp`. */
  mcpResource: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** PGlite data directory, used when databaseUrl is unset. */
  dataDir: string;
  /** The built consent web app (apps/consent/dist), served from this origin. */
  consentAppDir: string;
  /** Prefix for every KV key and channel (lets several deployments or test runs share one Redis). */
  kvPrefix: string;
  trustedRedirects: TrustedRedirect[];
  /** Authorization code lifetime; ≤ 60 s (design rule). */
  codeTtlSeconds: number;
  /** Pending authorization request lifetime. */
  authRequestTtlSeconds: number;
  sessionTtlSeconds: number;
  rateLimits: { register: RateLimit; login: RateLimit; token: RateLimit; authorize: RateLimit };
  /**
   * Deadline of every Postgres/PGlite/Redis call; past it the call fails as a storage outage (503
   * temporarily_unavailable). Default 1 s: a request makes at most two storage calls in a row before it
   * answers, so every request answers within 2 s in any outage.
   */
  storageTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Bearer hot path (keys/bearer-keys.ts): validated keys are cached in process for this long (0 disables
   * the cache). Revocation reaches every instance at once over the KV; this is the longest a revoked key can
   * still be accepted elsewhere if that broadcast is lost while subscribers stay connected.
   */
  keyCacheTtlSeconds: number;
  /** Most keys held by that cache (least recently used go first). */
  keyCacheMaxEntries: number;
  /** last_used_at is written in batches this often (and at shutdown). */
  keyUsageFlushSeconds: number;
  /** Cookies get `Secure` when the public URL is https. */
  secureCookies: boolean;
  /**
   * Origins a browser may call `/mcp` from (MCP Streamable HTTP: servers MUST validate `Origin`, DNS rebinding).
   * Serialized origins (`scheme://host[:port]`), compared exactly.
   */
  mcpAllowedOrigins: string[];
  /**
   * CIMD_ALLOW_LOOPBACK_HTTP: Client ID Metadata Documents may be fetched from loopback hosts (127.0.0.1, [::1],
   * localhost), over http too. For tests and local development only; a warning is logged at start when on.
   */
  cimdAllowLoopbackHttp: boolean;
}

export class ConfigError extends Error {}

/**
 * Claude's OAuth callbacks, exactly (RFC 9700 §4.1.3: exact redirect URI matching). Not the whole origin: any
 * open redirect or user-content page elsewhere on claude.ai / claude.com could otherwise receive codes.
 */
export const defaultTrustedRedirects: TrustedRedirect[] = [
  { kind: 'exact', uri: 'https://claude.ai/api/mcp/auth_callback', label: 'Claude (web connector)' },
  { kind: 'exact', uri: 'https://claude.com/api/mcp/auth_callback', label: 'Claude (web connector)' },
  { kind: 'loopback' },
];

/** apps/consent/dist, found from this file so the server can start from any directory. */
const DEFAULT_CONSENT_APP_DIR = fileURLToPath(new URL('../consent/dist', packageDir));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Builds the config from an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return raw;
    } catch {
      problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
      return undefined;
    }
  };

  const bool = (name: string): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
    if (raw === 'true' || raw === '1') return true;
    problems.push(`${name} must be true or false, got ${JSON.stringify(raw)}`);
    return false;
  };

  const port = int('PORT', 3000, 0, 65535);
  const publicUrl = (url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (publicUrl.includes('?') || publicUrl.includes('#')) problems.push('PUBLIC_URL must not have a query or fragment');

  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const limit = (name: string, max: number, windowSeconds: number): RateLimit => ({
    max: int(`RATE_LIMIT_${name}_MAX`, max, 1, 1_000_000),
    windowSeconds: int(`RATE_LIMIT_${name}_WINDOW_SECONDS`, windowSeconds, 1, 86_400),
  });

  const config: Config = {
    port,
    host: env.HOST || '0.0.0.0',
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    publicUrl,
    mcpResource: `${publicUrl}/mcp`,
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    dataDir: path.resolve(cwd, env.DATA_DIR || '.data/pglite'),
    consentAppDir: env.CONSENT_APP_DIR ? path.resolve(cwd, env.CONSENT_APP_DIR) : DEFAULT_CONSENT_APP_DIR,
    kvPrefix: env.KV_PREFIX ?? 'rmt:',
    trustedRedirects: parseTrustedRedirects(env.TRUSTED_REDIRECTS, problems),
    codeTtlSeconds: int('CODE_TTL_SECONDS', 60, 1, 60),
    authRequestTtlSeconds: int('AUTH_REQUEST_TTL_SECONDS', 600, 30, 3600),
    sessionTtlSeconds: int('SESSION_TTL_SECONDS', 7 * 86_400, 60, 90 * 86_400),
    // Generous registration limit: shared egress IPs (Claude.ai) re-register often.
    // /authorize: each call may store a pending request for AUTH_REQUEST_TTL_SECONDS; one person's browser
    // makes a handful, so 120 a minute per IP bounds a flood without touching a shared office NAT.
    rateLimits: {
      register: limit('REGISTER', 300, 60),
      login: limit('LOGIN', 10, 60),
      token: limit('TOKEN', 600, 60),
      authorize: limit('AUTHORIZE', 120, 60),
    },
    storageTimeoutMs: int('STORAGE_TIMEOUT_MS', DEFAULT_STORAGE_TIMEOUT_MS, 50, 60_000),
    logLevel: logLevel as Config['logLevel'],
    keyCacheTtlSeconds: int('KEY_CACHE_TTL_SECONDS', 30, 0, 300),
    keyCacheMaxEntries: int('KEY_CACHE_MAX_ENTRIES', 10_000, 0, 1_000_000),
    keyUsageFlushSeconds: int('KEY_USAGE_FLUSH_SECONDS', 10, 1, 3600),
    secureCookies: publicUrl.startsWith('https:'),
    mcpAllowedOrigins: parseAllowedOrigins(env.MCP_ALLOWED_ORIGINS, publicUrl, problems),
    cimdAllowLoopbackHttp: bool('CIMD_ALLOW_LOOPBACK_HTTP'),
  };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return config;
}

/**
 * An https URL a trusted-redirect entry may name: no query, fragment or credentials, and written in the form the
 * WHATWG parser gives back (no dot-segments, no percent-encoded host, lower-case scheme and host, no default port).
 */
function canonicalHttpsUrl(raw: string): URL | undefined {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'https:' || u.search || u.hash || u.username || u.password || raw.includes('?') || raw.includes('#')) return undefined;
    return u.href === raw ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TRUSTED_REDIRECTS is a JSON array of `{"exact": "https://host/callback", "label": "Shown label"}`,
 * `{"prefix": "https://host/path/", "label": "Shown label"}` and `{"loopback": true}` entries. Unset → the
 * Claude callbacks (exact) and loopback.
 */
function parseTrustedRedirects(raw: string | undefined, problems: string[]): TrustedRedirect[] {
  if (raw === undefined || raw.trim() === '') return defaultTrustedRedirects;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('TRUSTED_REDIRECTS must be a JSON array');
    return [];
  }
  if (!Array.isArray(parsed)) {
    problems.push('TRUSTED_REDIRECTS must be a JSON array');
    return [];
  }
  const entries: TrustedRedirect[] = [];
  for (const item of parsed as unknown[]) {
    const entry = item as { exact?: unknown; prefix?: unknown; label?: unknown; loopback?: unknown } | null;
    if (entry?.loopback === true) {
      entries.push({ kind: 'loopback' });
      continue;
    }
    const target = entry?.exact ?? entry?.prefix;
    const kind = entry?.exact !== undefined ? 'exact' : 'prefix';
    if (typeof target !== 'string' || (entry?.exact !== undefined && entry.prefix !== undefined) || typeof entry?.label !== 'string' || entry.label === '') {
      problems.push(`TRUSTED_REDIRECTS entry ${JSON.stringify(item)} needs "exact" or "prefix", and "label" (or "loopback": true)`);
      continue;
    }
    const u = canonicalHttpsUrl(target);
    if (!u) {
      problems.push(`TRUSTED_REDIRECTS ${kind} ${JSON.stringify(target)} must be a canonical https URL without query, fragment, credentials or dot-segments`);
      continue;
    }
    entries.push(kind === 'exact' ? { kind, uri: target, label: entry.label } : { kind, origin: u.origin, pathPrefix: u.pathname, label: entry.label });
  }
  return entries;
}

/** Browser origins Claude's web app calls connectors from. */
export const CLAUDE_ORIGINS = ['https://claude.ai', 'https://claude.com'] as const;

/**
 * MCP_ALLOWED_ORIGINS is a comma-separated list of origins (`https://app.example`). Unset → PUBLIC_URL's
 * origin plus claude.ai and claude.com. Each entry must be a bare origin: no path, query or credentials.
 */
function parseAllowedOrigins(raw: string | undefined, publicUrl: string, problems: string[]): string[] {
  const own = URL.canParse(publicUrl) ? new URL(publicUrl).origin : publicUrl;
  if (raw === undefined || raw.trim() === '') return [own, ...CLAUDE_ORIGINS];
  const origins: string[] = [];
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const u = URL.canParse(entry) ? new URL(entry) : undefined;
    const bare = u && (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === entry.replace(/\/$/, '');
    if (!bare) problems.push(`MCP_ALLOWED_ORIGINS entry ${JSON.stringify(entry)} must be an http(s) origin such as https://app.example`);
    else origins.push(u.origin);
  }
  if (origins.length === 0 && problems.length === 0) problems.push('MCP_ALLOWED_ORIGINS must list at least one origin');
  return origins;
}
