// OAuth clients from dynamic client registration (RFC 7591): create and look up rows of `oauth_clients`.
// The client secret is returned once, at creation, and stored only as its SHA-256 (design: secrets are
// never stored).

import type { ClientRegistrationResponse } from '@reminderit/sdk';
import type { AppContext } from '../context.ts';
import { randomToken, sha256Hex } from '../crypto.ts';
import { and, eq, gte, sql } from '../store/db/drizzle.ts';
import { prepared } from '../store/db/prepared.ts';
import { type OAuthClientRow, oauthClients } from '../store/db/schema.ts';
import { clientExpiryCutoff } from './client-expiry.ts';

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
      lastUsedAt: new Date(ctx.clock.now()),
    })
    .returning();
  if (!client) throw new Error('oauth_clients insert returned no row');
  return { client, clientSecret };
}

/**
 * The registered client with this `client_id`, or undefined (also when it expired: client-expiry.ts). Served
 * from the client cache (client-cache.ts) while the cached row is not expired; otherwise one indexed lookup.
 */
export async function findClient(ctx: Pick<AppContext, 'db' | 'clock' | 'clients'>, clientId: string): Promise<OAuthClientRow | undefined> {
  // No stored id is empty, over the bound, or holds U+0000 (which PostgreSQL text cannot even be compared with).
  if (clientId === '' || clientId.length > MAX_CLIENT_ID_LENGTH || clientId.includes('\u0000')) return undefined;
  const cutoff = clientExpiryCutoff(ctx);
  const load = async () => (await liveClientById(ctx.db).execute({ clientId, cutoff: cutoff.toISOString() }))[0];
  if (!ctx.clients) return load();
  const client = await ctx.clients.get(clientId, load);
  // A cached row that expired since it was read: the database decides (a touch elsewhere may have renewed it).
  return client && client.lastUsedAt < cutoff ? load() : client;
}

const liveClientById = prepared((db) =>
  db
    .select()
    .from(oauthClients)
    .where(and(eq(oauthClients.id, sql.placeholder('clientId')), gte(oauthClients.lastUsedAt, sql.placeholder('cutoff'))))
    .limit(1)
    .prepare('live_client_by_id'),
);
