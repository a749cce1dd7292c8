// Registration hygiene: a client unused for 90 days expires, so clients that register afresh on every new
// connection (RFC 7591 allows it; Claude does it when CIMD is not offered) do not pile up in oauth_clients.
//
// - Use renews: /authorize, /token and /revoke write `last_used_at`, at most once a day per client (one guarded
//   UPDATE, so concurrent instances write it once).
// - An expired client is unknown at once (findClient filters on `last_used_at`), whether or not it was swept.
// - The sweep is one `DELETE … WHERE last_used_at < cutoff`: idempotent and safe when several instances run it
//   together (each row is deleted once; a client renewed meanwhile no longer matches). At most one instance runs
//   it per hour (a KV `setIfAbsent` lease), in the background of a registration, never delaying the response.
// - Keys minted for a swept client keep working until the user revokes them (api_keys.client_id is set null;
//   the key keeps its own label): the user granted them, and deleting a registration record must not cut off a
//   connector that still works. The client itself can no longer revoke them through /revoke (it is unknown);
//   the user can, on the API Keys page.
import type { AppContext } from '../context.ts';
import { and, eq, lt } from '../store/db/drizzle.ts';
import { type OAuthClientRow, oauthClients } from '../store/db/schema.ts';

const DAY_MS = 86_400_000;
/** A client not used for this long is expired. */
export const CLIENT_IDLE_EXPIRY_MS = 90 * DAY_MS;
/** `last_used_at` is rewritten at most this often per client. */
export const CLIENT_TOUCH_INTERVAL_MS = DAY_MS;
/** At most one sweep per this interval, across instances. */
export const CLIENT_SWEEP_INTERVAL_MS = 3_600_000;

const SWEEP_LEASE_KEY = 'clients:sweep';

/** The oldest `last_used_at` a live client can have now. */
export function clientExpiryCutoff(ctx: Pick<AppContext, 'clock'>): Date {
  return new Date(ctx.clock.now() - CLIENT_IDLE_EXPIRY_MS);
}

/**
 * Records that `client` was used, when its `last_used_at` is more than a day old: no round trip otherwise.
 * The row changed, so every instance's client cache drops it (client-cache.ts).
 */
export async function touchClient(ctx: Pick<AppContext, 'db' | 'clock' | 'clients'>, client: OAuthClientRow): Promise<void> {
  const now = ctx.clock.now();
  if (now - client.lastUsedAt.getTime() < CLIENT_TOUCH_INTERVAL_MS) return;
  const stale = new Date(now - CLIENT_TOUCH_INTERVAL_MS);
  await ctx.db.db
    .update(oauthClients)
    .set({ lastUsedAt: new Date(now) })
    .where(and(eq(oauthClients.id, client.id), lt(oauthClients.lastUsedAt, stale)));
  await ctx.clients?.changed(client.id);
}

/** Deletes every expired client; resolves how many rows this call deleted. */
export async function sweepExpiredClients(ctx: Pick<AppContext, 'db' | 'clock' | 'clients'>): Promise<number> {
  const deleted = await ctx.db.db
    .delete(oauthClients)
    .where(lt(oauthClients.lastUsedAt, clientExpiryCutoff(ctx)))
    .returning({ id: oauthClients.id });
  // Cached copies of these rows are already refused by their own last_used_at; dropped anyway.
  if (deleted.length > 0) await ctx.clients?.changedAll();
  return deleted.length;
}

/**
 * Runs the sweep in the background when no instance has run it in the last hour. Errors (a storage outage)
 * are reported to `onError` and retried at the next registration after the lease expires. The promise (never
 * rejected) is for tests; callers do not wait for it.
 */
export function sweepExpiredClientsSoon(ctx: Pick<AppContext, 'db' | 'clock' | 'kv' | 'clients'>, onError: (err: unknown) => void): Promise<void> {
  return (async () => {
    // Both stores put their own deadline on every call (store/db/deadlines.ts, store/kv/redis-kv.ts).
    const leased = await ctx.kv.setIfAbsent(SWEEP_LEASE_KEY, String(ctx.clock.now()), CLIENT_SWEEP_INTERVAL_MS);
    if (leased) await sweepExpiredClients(ctx);
  })().catch(onError);
}
