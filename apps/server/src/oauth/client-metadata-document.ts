// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document-00; MCP authorization
// 2025-11-25 "Client ID Metadata Documents", SHOULD from 2026-07-28): a `client_id` that is an https URL
// names a JSON document, published by the client, holding its metadata (RFC 7591 §2 names). The server
// fetches it SSRF-safely (safe-fetch.ts), validates it, caches it in the KV (every instance shares it) and
// mirrors the last validated document into oauth_clients under the URL, so /token, /revoke, consent and the
// keys' foreign key work as for a registered client. Nothing is stored for a document that fails.
import type { AppContext } from '../context.ts';
import { sha256Hex } from '../crypto.ts';
import { type OAuthClientRow, oauthClients } from '../store/db/schema.ts';
import { checkRedirectUriShape, findRegisteredRedirect, matchTrustedRedirect } from './redirect-uris.ts';
import { FetchRefusedError, type SafeFetchOptions, safeFetch, systemResolver } from './safe-fetch.ts';

/** Defaults (the bounds): 5 s for the whole fetch, 5 KB of body. */
export const CLIENT_METADATA_FETCH: Omit<SafeFetchOptions, 'allowLoopback'> = { resolve: systemResolver, timeoutMs: 5000, maxBytes: 5 * 1024 };

/** Cache lifetime bounds (draft §4.3: servers SHOULD respect HTTP caching headers, within their own bounds). */
export const CACHE_MIN_MS = 60_000;
export const CACHE_MAX_MS = 86_400_000;
/** When the response says nothing about freshness. */
export const CACHE_DEFAULT_MS = 5 * 60_000;

/** Same bound as every other client_id (spec `maxLength: 255`). */
const MAX_CLIENT_ID_URL_LENGTH = 255;
const MAX_REDIRECT_URIS = 20;
const MAX_CLIENT_NAME_LENGTH = 200;
/** Methods that need a shared secret (RFC 7591 §2): draft §4.1 — a document MUST NOT use them. */
const SECRET_FIELDS = ['client_secret', 'client_secret_expires_at'] as const;

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The validated document, as cached and mirrored. */
export interface ClientMetadataDocument {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: 'none';
  client_uri?: string;
  logo_uri?: string;
}

/** Why a document cannot be used; `message` is shown on the authorization error page. */
export class MetadataDocumentError extends Error {}

/** A `client_id` that names a metadata document rather than a registered client (issued ids never hold `:`). */
export function isMetadataDocumentClientId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/** The host (and port) of a metadata-document client's URL: the app's verified identity; undefined otherwise. */
export function metadataDocumentHost(clientId: string): string | undefined {
  return isMetadataDocumentClientId(clientId) && URL.canParse(clientId) ? new URL(clientId).host : undefined;
}

/** Draft §3: https, a path, no fragment, no credentials, no dot segments, written in canonical form. */
export function checkClientIdUrl(clientId: string, allowLoopbackHttp: boolean): URL {
  const fail = (why: string) => new MetadataDocumentError(`The app's client_id ${why}.`);
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH) throw fail(`is longer than ${MAX_CLIENT_ID_URL_LENGTH} characters`);
  if (!URL.canParse(clientId)) throw fail('is not a valid URL');
  const url = new URL(clientId);
  const loopback = allowLoopbackHttp && LOOPBACK_HOSTNAMES.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw fail('must be an https URL');
  if (clientId.includes('#')) throw fail('must not contain a fragment');
  if (url.username || url.password) throw fail('must not contain a user name or password');
  if (url.pathname === '/' || url.pathname === '') throw fail('must contain a path (e.g. https://app.example/oauth/client.json)');
  if (/\/\.\.?(?:\/|$)/.test(clientId.split('?')[0]!) || /%2e/i.test(clientId)) throw fail('must not contain . or .. path segments');
  // Compared character for character with the document's client_id, so it must be written as parsed.
  if (url.href !== clientId) throw fail('must be written in canonical form (lower-case scheme and host, no default port)');
  return url;
}

/** Draft §4.3 / RFC 9111 §4.2.1: freshness from max-age, else Expires − Date, clamped to [1 min, 24 h]. */
export function cacheLifetimeMs(headers: Record<string, string | string[] | undefined>, now: number): number {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const clamp = (ms: number) => Math.min(CACHE_MAX_MS, Math.max(CACHE_MIN_MS, ms));
  const cacheControl = (header('cache-control') ?? '').toLowerCase();
  if (/(?:^|,)\s*(?:no-store|no-cache)\b/.test(cacheControl)) return CACHE_MIN_MS;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/.exec(cacheControl)?.[1];
  if (maxAge !== undefined) return clamp(Number(maxAge) * 1000);
  const expires = Date.parse(header('expires') ?? '');
  if (!Number.isNaN(expires)) {
    const date = Date.parse(header('date') ?? '');
    return clamp(expires - (Number.isNaN(date) ? now : date));
  }
  return CACHE_DEFAULT_MS;
}

/** Draft §4.1: the document's own rules; returns what this server keeps of it. */
export function validateDocument(raw: string, url: string): ClientMetadataDocument {
  const fail = (why: string) => new MetadataDocumentError(`The app's client metadata document ${why}.`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw fail('is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('is not a JSON object');
  const doc = json as Record<string, unknown>;
  // Draft §4.1: client_id MUST equal the document's URL exactly (simple string comparison).
  if (doc.client_id !== url) throw fail(`names a different client_id than its own URL (${url})`);
  // Draft §4.1: symmetric secrets cannot be published; only `none` (PKCE) is supported here.
  if (SECRET_FIELDS.some((field) => field in doc)) throw fail('contains a client secret, which a public document must not');
  const method = doc.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') throw fail(`asks for token_endpoint_auth_method ${JSON.stringify(method)}; only "none" is supported`);
  const name = typeof doc.client_name === 'string' ? cleanName(doc.client_name) : undefined;
  if (!name) throw fail('has no client_name');
  const uris = doc.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_REDIRECT_URIS || !uris.every((u) => typeof u === 'string')) {
    throw fail(`must list between 1 and ${MAX_REDIRECT_URIS} redirect_uris`);
  }
  for (const uri of uris as string[]) {
    const problem = checkRedirectUriShape(uri);
    if (problem) throw fail(`lists a redirect URI that ${problem}`);
  }
  if (doc.grant_types !== undefined && !(Array.isArray(doc.grant_types) && doc.grant_types.includes('authorization_code'))) {
    throw fail('does not allow the authorization_code grant');
  }
  if (doc.response_types !== undefined && !(Array.isArray(doc.response_types) && doc.response_types.every((t) => t === 'code'))) {
    throw fail('asks for response types other than code');
  }
  const kept: ClientMetadataDocument = { client_id: url, client_name: name, redirect_uris: [...new Set(uris as string[])], token_endpoint_auth_method: 'none' };
  for (const field of ['client_uri', 'logo_uri'] as const) {
    const value = doc[field];
    if (typeof value === 'string' && value.length <= 2000 && /^https:\/\//i.test(value)) kept[field] = value;
  }
  return kept;
}

/** `client_name` as shown to users: no control or format (bidi) characters, whitespace collapsed, bounded. */
function cleanName(name: string): string | undefined {
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_CLIENT_NAME_LENGTH);
  return cleaned === '' ? undefined : cleaned;
}

const cacheKey = (url: string) => `cimd:${sha256Hex(url)}`;

/** The validated document behind `url`: from the shared KV cache, else fetched, validated and cached. */
export async function loadClientMetadataDocument(
  ctx: Pick<AppContext, 'kv' | 'clock' | 'clientMetadataFetch' | 'config'>,
  url: URL,
): Promise<ClientMetadataDocument> {
  const cached = await ctx.kv.get(cacheKey(url.href));
  if (cached !== null) return JSON.parse(cached) as ClientMetadataDocument;
  let fetched: Awaited<ReturnType<typeof safeFetch>>;
  try {
    fetched = await safeFetch(url, ctx.clientMetadataFetch ?? { ...CLIENT_METADATA_FETCH, allowLoopback: ctx.config.cimdAllowLoopbackHttp });
  } catch (err) {
    if (err instanceof FetchRefusedError) throw new MetadataDocumentError(`The app's client metadata document could not be used: ${err.message}.`);
    throw err;
  }
  const doc = validateDocument(fetched.body, url.href);
  await ctx.kv.set(cacheKey(url.href), JSON.stringify(doc), cacheLifetimeMs(fetched.headers, ctx.clock.now()));
  return doc;
}

/**
 * /authorize for a metadata-document client: the document's client, and the redirect URI the request resolves
 * to, which must be in the document (RFC 6749 §3.1.2.3 rules, RFC 8252 loopback ports) **and** on the trusted
 * list. Only then is the row written (label from the trusted-list entry, as for registration).
 */
export async function identifyMetadataDocumentClient(
  ctx: AppContext,
  clientId: string,
  requestedRedirect: string | undefined,
): Promise<{ client: OAuthClientRow; redirectUri: string }> {
  const url = checkClientIdUrl(clientId, ctx.config.cimdAllowLoopbackHttp);
  const doc = await loadClientMetadataDocument(ctx, url);
  let redirectUri: string;
  if (requestedRedirect === undefined) {
    if (doc.redirect_uris.length !== 1) throw new MetadataDocumentError('The app did not say where to send you back (redirect_uri is missing).');
    redirectUri = doc.redirect_uris[0]!;
  } else {
    if (!findRegisteredRedirect(doc.redirect_uris, requestedRedirect)) {
      throw new MetadataDocumentError('The address the app wants to send you back to is not listed in its client metadata document.');
    }
    redirectUri = requestedRedirect;
  }
  const entry = matchTrustedRedirect(ctx.config.trustedRedirects, redirectUri);
  if (!entry)
    throw new MetadataDocumentError(`The address the app wants to send you back to (host ${new URL(redirectUri).host}) is not allowed by ReminderIt.`);
  const label = entry.kind === 'loopback' ? doc.client_name : entry.label;
  return { client: await mirrorClient(ctx, doc, label), redirectUri };
}

/** Upserts the oauth_clients row for a validated document (one row per URL, renewed on every use). */
async function mirrorClient(ctx: Pick<AppContext, 'db' | 'clock' | 'clients'>, doc: ClientMetadataDocument, label: string): Promise<OAuthClientRow> {
  const now = new Date(ctx.clock.now());
  const fields = {
    clientName: doc.client_name,
    label,
    redirectUris: doc.redirect_uris,
    tokenEndpointAuthMethod: 'none',
    metadata: { ...doc },
    lastUsedAt: now,
  };
  const [row] = await ctx.db.db
    .insert(oauthClients)
    .values({ id: doc.client_id, secretHash: null, createdAt: now, ...fields })
    .onConflictDoUpdate({ target: oauthClients.id, set: { ...fields, secretHash: null } })
    .returning();
  if (!row) throw new Error('oauth_clients upsert returned no row');
  await ctx.clients?.changed(row.id); // the row may have changed: every instance's client cache drops it
  return row;
}
