// POST /register — dynamic client registration (RFC 7591 §3.1). The spec has already validated the body's
// shape; this endpoint applies the rules a schema can't: redirect URIs on the trusted list, consistent
// grant and response types (RFC 7591 §2.1), then stores the client and echoes what was registered
// (RFC 7591 §3.2.1). Unknown metadata is ignored (RFC 7591 §2).
import type { ClientRegistrationRequest, ClientRegistrationResponse, RegisterClientData, RegisterClientResponses } from '@reminderit/sdk';
import { recordAudit } from '../audit.ts';
import type { TrustedRedirect } from '../config.ts';
import type { AppContext } from '../context.ts';
import { invalidClientMetadata, invalidRedirectUri } from '../errors.ts';
import { operation } from '../http/operation.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { sweepExpiredClientsSoon } from './client-expiry.ts';
import { type CreatedClient, createClient } from './clients.ts';
import { checkRedirectUriShape, matchTrustedRedirect } from './redirect-uris.ts';
import { SUPPORTED_SCOPES } from './scopes.ts';

/** The registered client metadata: the registration response minus the credentials. */
type RegisteredMetadata = Omit<ClientRegistrationResponse, 'client_id' | 'client_id_issued_at' | 'client_secret' | 'client_secret_expires_at'>;

/** The only grant and response type this server supports (OAuth 2.1: authorization code + PKCE). */
const GRANTED_GRANT_TYPES = ['authorization_code'];
const GRANTED_RESPONSE_TYPES = ['code'];

/** Label of keys minted for a loopback client that gave no usable `client_name`. */
const LOOPBACK_FALLBACK_LABEL = 'Local MCP client';

/** Optional informational URIs echoed when they are http(s); others are dropped (RFC 7591 §3.2.1 lets us). */
const INFORMATIONAL_URIS = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri'] as const;

/** Step 1: a per-IP fixed window; shared egress IPs (Claude.ai) get a generous budget (config). */
async function rateLimit(ctx: AppContext, ip: string): Promise<void> {
  await enforceRateLimit(ctx, `register:${ip}`, ctx.config.rateLimits.register);
}

/** Step 2: the client metadata this server will register, or invalid_redirect_uri / invalid_client_metadata. */
function validateMetadata(body: ClientRegistrationRequest): RegisteredMetadata {
  const redirectUris = [...new Set(body.redirect_uris)];
  redirectUris.forEach((uri, i) => {
    const problem = checkRedirectUriShape(uri);
    if (problem) throw invalidRedirectUri(`redirect_uris[${i}] ${problem}.`);
  });

  // RFC 7591 §2: grant_types defaults to ["authorization_code"], response_types to ["code"].
  const grantTypes = body.grant_types ?? GRANTED_GRANT_TYPES;
  const responseTypes = body.response_types ?? GRANTED_RESPONSE_TYPES;
  // RFC 7591 §2.1: response type `code` needs grant type `authorization_code`; as it is the only response
  // type and the only grant this server has, a client without it could never get a key.
  if (!grantTypes.includes('authorization_code')) {
    throw invalidClientMetadata('grant_types must include authorization_code.');
  }
  if (responseTypes.length === 0 || responseTypes.some((t) => t !== 'code')) {
    throw invalidClientMetadata('response_types may only contain code.');
  }

  const metadata: RegisteredMetadata = {
    redirect_uris: redirectUris,
    // RFC 7591 §3.2.1: the server may replace requested values; other grants (e.g. refresh_token, which
    // Claude.ai asks for) are not supported here, so the echo says what the client actually got.
    grant_types: [...GRANTED_GRANT_TYPES],
    response_types: [...GRANTED_RESPONSE_TYPES],
    // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic.
    token_endpoint_auth_method: body.token_endpoint_auth_method ?? 'client_secret_basic',
    scope: registeredScope(body.scope),
  };
  const clientName = cleanClientName(body.client_name);
  if (clientName !== undefined) metadata.client_name = clientName;
  for (const field of INFORMATIONAL_URIS) {
    const uri = body[field];
    if (uri !== undefined && /^https?:\/\//i.test(uri)) metadata[field] = uri;
  }
  if (body.contacts !== undefined) metadata.contacts = [...body.contacts];
  if (body.software_id !== undefined) metadata.software_id = body.software_id;
  if (body.software_version !== undefined) metadata.software_version = body.software_version;
  return metadata;
}

/**
 * RFC 7591 §2 `scope` (space-separated, RFC 6749 §3.3): the requested scopes this server supports. Unknown
 * scopes never fail registration (Claude.ai sends `claudeai`); with none known, every supported scope.
 */
function registeredScope(requested: string | undefined): string {
  const asked = new Set((requested ?? '').split(' ').filter(Boolean));
  const known = SUPPORTED_SCOPES.filter((s) => asked.has(s));
  return (known.length > 0 ? known : SUPPORTED_SCOPES).join(' ');
}

/** `client_name` as shown to users: no control or format (bidi) characters, whitespace collapsed. */
function cleanClientName(name: string | undefined): string | undefined {
  const cleaned = name
    ?.replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned ? cleaned : undefined;
}

/**
 * Step 3: every redirect URI must be on the trusted list (RFC 7591 §2: the server may restrict them).
 * Returns the label for the client's keys: the list entry's label for the first URI, or for loopback
 * clients their own `client_name`.
 */
function checkTrustedRedirects(trusted: readonly TrustedRedirect[], metadata: RegisteredMetadata): string {
  const entries = metadata.redirect_uris.map((uri, i) => {
    const entry = matchTrustedRedirect(trusted, uri);
    if (!entry) {
      throw invalidRedirectUri(`redirect_uris[${i}] (host ${new URL(uri).host}) is not on this server's list of allowed redirect URIs.`);
    }
    return entry;
  });
  const first = entries[0];
  return first !== undefined && first.kind !== 'loopback' ? first.label : (metadata.client_name ?? LOOPBACK_FALLBACK_LABEL);
}

/** Step 4: the row (secret hashed) and its audit event. */
async function storeClient(ctx: AppContext, metadata: RegisteredMetadata, label: string): Promise<CreatedClient> {
  const created = await createClient(ctx, {
    redirectUris: metadata.redirect_uris,
    clientName: metadata.client_name,
    label,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
    metadata,
  });
  await recordAudit(ctx, 'client_registered', {
    clientId: created.client.id,
    data: { label, redirect_uris: metadata.redirect_uris, token_endpoint_auth_method: metadata.token_endpoint_auth_method },
  });
  return created;
}

/** Step 5: RFC 7591 §3.2.1 client information response; the secret appears here once and never again. */
function respond({ client, clientSecret }: CreatedClient, metadata: RegisteredMetadata) {
  const body: ClientRegistrationResponse = {
    client_id: client.id,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    // `0`: the secret never expires (RFC 7591 §3.2.1).
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret, client_secret_expires_at: 0 }),
    ...metadata,
  };
  // RFC 7591 §3.2.1 (by reference to RFC 6749 §5.1): responses holding credentials are not cached.
  // The response holds the client secret: as token responses (RFC 6749 §5.1), no-store (the default) + no-cache.
  return { status: 201 as const, body, headers: { pragma: 'no-cache' } };
}

export function registerHandlers(ctx: AppContext) {
  return {
    registerClient: operation<RegisterClientData, RegisterClientResponses>(async ({ body, raw }) => {
      await rateLimit(ctx, raw.ip);
      const metadata = validateMetadata(body);
      const label = checkTrustedRedirects(ctx.config.trustedRedirects, metadata);
      const created = await storeClient(ctx, metadata, label);
      // Registration hygiene: expired clients are deleted in the background (at most hourly, one instance).
      void sweepExpiredClientsSoon(ctx, (err) => raw.log.warn({ err }, 'sweeping expired OAuth clients failed'));
      return respond(created, metadata);
    }),
  };
}
