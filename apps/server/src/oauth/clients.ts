// OAuth clients from dynamic client registration (RFC 7591): create and look up rows of `oauth_clients`.
// The client secret is returned once, at creation, and stored only as its SHA-256 (design: secrets are
// never stored).
import { eq } from 'drizzle-orm';
import type { ClientRegistrationResponse } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import type { Database } from '../store/db/open-db.ts';
import { randomToken, sha256Hex } from '../crypto.ts';
import { oauthClients, type OAuthClientRow } from '../store/db/schema.ts';

export type TokenEndpointAuthMethod = ClientRegistrationResponse['token_endpoint_auth_method'];

/** Spec bound on `client_id`; longer values cannot name a client, so they are not looked up. */
const MAX_CLIENT_ID_LENGTH = 255;

/** RFC 7591 §2: the methods that authenticate with a client secret (RFC 6749 §2.3.1). */
export function usesClientSecret(method: TokenEndpointAuthMethod): boolean {
  return method === 'client_secret_post' || method === 'client_secret_basic';
}

export interface NewClientFields {
  redirectUris: string[];
  clientName: string | undefined;
  /** Label for keys minted for this client, e.g. "Claude (web connector)". */
  label: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** The registered metadata as echoed in the registration response (RFC 7591 §3.2.1), without secrets. */
  metadata: Record<string, unknown>;
}

export interface CreatedClient {
  client: OAuthClientRow;
  /** The plaintext secret for confidential clients: returned once, never stored. */
  clientSecret: string | undefined;
}

/**
 * Stores a new client. `client_id` has 128 bits of randomness (RFC 6749 §10.10 / RFC 6819 §5.1.4.2.2:
 * credentials must not be guessable); confidential clients get a 256-bit secret.
 */
export async function createClient(ctx: Pick<AppContext, 'db' | 'clock'>, fields: NewClientFields): Promise<CreatedClient> {
  const clientSecret = usesClientSecret(fields.tokenEndpointAuthMethod) ? randomToken(32) : undefined;
  const [client] = await ctx.db.db
    .insert(oauthClients)
    .values({
      id: randomToken(16),
      secretHash: clientSecret === undefined ? null : sha256Hex(clientSecret),
      clientName: fields.clientName ?? null,
      label: fields.label,
      redirectUris: fields.redirectUris,
      tokenEndpointAuthMethod: fields.tokenEndpointAuthMethod,
      metadata: fields.metadata,
      createdAt: new Date(ctx.clock.now()),
    })
    .returning();
  if (!client) throw new Error('oauth_clients insert returned no row');
  return { client, clientSecret };
}

/**
 * Registered clients are never updated or deleted, so a found row is kept (per database handle, the most
 * recently used CLIENT_CACHE_SIZE): each step of a flow (authorize, consent, token) needs the client, and
 * after the first only this map is read. Unknown ids are not remembered (another instance may register it).
 */
const CLIENT_CACHE_SIZE = 1000;
const clientCache = new WeakMap<Database, Map<string, OAuthClientRow>>();

/** The registered client with this `client_id`, or undefined. */
export async function findClient(ctx: Pick<AppContext, 'db'>, clientId: string): Promise<OAuthClientRow | undefined> {
  // No stored id is empty, over the bound, or holds U+0000 (which PostgreSQL text cannot even be compared with).
  if (clientId === '' || clientId.length > MAX_CLIENT_ID_LENGTH || clientId.includes('\u0000')) return undefined;
  let cache = clientCache.get(ctx.db);
  if (!cache) {
    cache = new Map();
    clientCache.set(ctx.db, cache);
  }
  const cached = cache.get(clientId);
  if (cached) {
    cache.delete(clientId); // most recently used last
    cache.set(clientId, cached);
    return cached;
  }
  const [client] = await ctx.db.db.select().from(oauthClients).where(eq(oauthClients.id, clientId)).limit(1);
  if (client) {
    cache.set(clientId, client);
    if (cache.size > CLIENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return client;
}
