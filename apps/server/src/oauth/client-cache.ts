// The client rows /authorize and /token look up on every flow, cached in process (store/kv/broadcast-cache.ts:
// bounded, CLIENT_CACHE_TTL_MS, dropped in every instance through the KV channel `clients:changed`). Every
// path that changes or deletes an oauth_clients row announces it (clients.ts, client-expiry.ts,
// client-metadata-document.ts). A cached row is served only while it is not expired by its own
// `last_used_at` (client-expiry.ts); otherwise the database decides.
import type { Clock } from '../clock.ts';
import type { OAuthClientRow } from '../store/db/schema.ts';
import { type BroadcastCache, createBroadcastCache } from '../store/kv/broadcast-cache.ts';
import type { Kv } from '../store/kv/kv.ts';

export type ClientCache = BroadcastCache<OAuthClientRow>;

/** The KV channel carrying the ids of changed or deleted clients to every instance. */
export const CLIENTS_CHANGED_CHANNEL = 'clients:changed';
/** How long a client row is served from memory at most (a missed broadcast is bounded by this). */
export const CLIENT_CACHE_TTL_MS = 30_000;
export const CLIENT_CACHE_MAX_ENTRIES = 10_000;

export function createClientCache(deps: { kv: Kv; clock: Clock; onError: (err: unknown, what: string) => void }): Promise<ClientCache> {
  return createBroadcastCache<OAuthClientRow>({
    ...deps,
    channel: CLIENTS_CHANGED_CHANNEL,
    ttlMs: CLIENT_CACHE_TTL_MS,
    maxEntries: CLIENT_CACHE_MAX_ENTRIES,
  });
}
