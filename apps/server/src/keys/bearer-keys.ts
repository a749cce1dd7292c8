// The bearer hot path: which key a presented secret is, with as little I/O as the rules allow.
//
// 1. Shape and checksum, no I/O (api-key-secret.ts): garbage never reaches storage.
// 2. The in-process cache (store/kv/broadcast-cache.ts) of keys validated in the last KEY_CACHE_TTL_SECONDS.
// 3. Otherwise one indexed lookup of the secret's SHA-256 among unrevoked keys.
// last_used_at is stamped in memory and written in batches (key-usage.ts).
//
// Revocation stays immediate in every instance: revokeKey() drops the key here and publishes its id on the
// KV channel `keys:revoked`, to which every instance subscribes and drops it too. The bound when that
// broadcast cannot be relied on:
// - subscriber connection down: the cache is not consulted at all (every request looks the key up), and
//   entries from before a reconnect are discarded (the subscription epoch changed), so a missed broadcast
//   cannot leave a revoked key cached;
// - the publish itself failed while subscribers stayed connected (Redis refused one command): other
//   instances may accept the revoked key for at most KEY_CACHE_TTL_SECONDS (the entry's age limit). The
//   failure is logged.
// A lookup that raced a revocation (the broadcast arrived while it was in flight) is not cached.
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { sha256Hex } from '../crypto.ts';
import type { Database } from '../store/db/open-db.ts';
import { createBroadcastCache } from '../store/kv/broadcast-cache.ts';
import type { Kv } from '../store/kv/kv.ts';
import { isWellFormedApiKey } from './api-key-secret.ts';
import type { KeyAuth } from './bearer.ts';
import { findActiveKeyByHash, KEY_REVOKED_CHANNEL } from './key-store.ts';
import { KeyUsage } from './key-usage.ts';

export interface BearerKeys {
  /** The unrevoked key with this secret, or undefined. Storage failures reject (→ 503, never 401). */
  verify(secret: string): Promise<KeyAuth | undefined>;
  /** Drops key `keyId` here and tells every other instance (call after the revocation committed). */
  revoked(keyId: string): Promise<void>;
  /** Writes pending last_used_at stamps now (before listing keys). */
  flushUsage(): Promise<void>;
  /** Unsubscribes and writes pending stamps. */
  close(): Promise<void>;
}

export interface BearerKeysDeps {
  config: Pick<Config, 'keyCacheTtlSeconds' | 'keyCacheMaxEntries' | 'keyUsageFlushSeconds'>;
  db: Database;
  kv: Kv;
  clock: Clock;
  /** Errors with no caller: failed background flushes, failed broadcasts. */
  onError: (err: unknown, what: string) => void;
}

export async function createBearerKeys({ config, db, kv, clock, onError }: BearerKeysDeps): Promise<BearerKeys> {
  // SHA-256 of the secret → the key; a revocation names the key's id (store/kv/broadcast-cache.ts).
  const cache = await createBroadcastCache<KeyAuth>({
    kv,
    channel: KEY_REVOKED_CHANNEL,
    clock,
    ttlMs: config.keyCacheTtlSeconds * 1000,
    maxEntries: config.keyCacheMaxEntries,
    idOf: (key) => key.keyId,
    onError,
  });
  const usage = new KeyUsage({ db, clock, flushMs: config.keyUsageFlushSeconds * 1000, onError: (err) => onError(err, 'last_used_at flush failed') });

  /** The unrevoked key with this hash, from the database. */
  const lookUp = async (hash: string): Promise<KeyAuth | undefined> => {
    const row = await findActiveKeyByHash(db, hash);
    return row && { keyId: row.id, userId: row.userId, clientId: row.clientId, label: row.label, scopes: row.scopes, resource: row.resource };
  };

  return {
    async verify(secret) {
      if (!isWellFormedApiKey(secret)) return undefined;
      // The map lookup is by hash: its timing reveals nothing about the secret.
      const hash = sha256Hex(secret);
      const key = await cache.get(hash, () => lookUp(hash));
      if (key) usage.touch(key.keyId);
      return key;
    },
    revoked: (keyId) => cache.changed(keyId),
    flushUsage: () => usage.flush(),
    async close() {
      await cache.close();
      await usage.close();
    },
  };
}
