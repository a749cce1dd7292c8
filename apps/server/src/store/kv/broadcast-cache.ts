// A bounded in-process cache of database rows kept right across instances by a KV channel (DESIGN.md,
// "Storage": an in-process cache only where every instance is told to drop an entry). Whoever changes or
// deletes a row calls `changed(id)`: the entry goes here at once and every instance subscribed to the channel
// drops it too. Least recently used entries go first once `maxEntries` is reached; every entry expires
// `ttlMs` after it was read from the database. Behind the validated-key cache (keys/bearer-keys.ts) and the
// client cache (oauth/client-cache.ts).
//
// The bound when the broadcast cannot be relied on:
// - subscriber connection down (`Kv.subscriptionEpoch()` null): the cache is not consulted, every call loads;
//   entries from before a reconnect are discarded (new epoch), so a change missed meanwhile is not served;
// - one publish failed while subscribers stayed connected: other instances may serve the old row for at most
//   `ttlMs` (the failure goes to `onError`).
// A load that overlapped a change message is not cached.
import type { Clock } from '../../clock.ts';
import type { Kv } from './kv.ts';

/** The message that drops every entry (e.g. after a sweep deleted rows). */
const ALL = '*';

interface Entry<V> {
  value: V;
  /** The id change messages name it by (`idOf`), when that is not the cache key. */
  id: string;
  expiresAt: number;
  /** The subscription epoch the entry was stored under; any other epoch makes it invalid. */
  epoch: number;
}

export interface BroadcastCache<V> {
  /** The value cached under `key`, or else `load()`'s answer (cached when defined and nothing changed meanwhile). */
  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined>;
  /** Drops `id` here and in every instance (`ALL` drops everything); call after the change committed. */
  changed(id: string): Promise<void>;
  /** Drops every entry here and in every instance. */
  changedAll(): Promise<void>;
  readonly size: number;
  /** Ends the subscription. */
  close(): Promise<void>;
}

export interface BroadcastCacheOptions<V> {
  kv: Kv;
  /** The KV channel carrying the ids of changed rows. */
  channel: string;
  /**
   * The id that change messages name a cached value by, when it is not the cache key (the key cache is keyed
   * by the secret's hash; revocations name the key's id). Default: the cache key itself.
   */
  idOf?: (value: V) => string;
  clock: Clock;
  ttlMs: number;
  maxEntries: number;
  /** Failed subscriptions and broadcasts (no caller to reject). */
  onError: (err: unknown, what: string) => void;
}

export async function createBroadcastCache<V>(options: BroadcastCacheOptions<V>): Promise<BroadcastCache<V>> {
  const { kv, channel, clock, ttlMs, maxEntries, onError, idOf } = options;
  /** Insertion order is recency order: a hit moves the entry to the end. */
  const entries = new Map<string, Entry<V>>();
  /** With `idOf`: the cache key each id is stored under. */
  const keyById = new Map<string, string>();
  const remove = (key: string, entry: Entry<V>) => {
    entries.delete(key);
    if (keyById.get(entry.id) === key) keyById.delete(entry.id);
  };
  /** Counts change messages seen here; a load that overlapped one is not cached. */
  let changes = 0;
  const drop = (id: string) => {
    changes++;
    if (id === ALL) {
      entries.clear();
      keyById.clear();
      return;
    }
    const key = idOf ? keyById.get(id) : id;
    const entry = key === undefined ? undefined : entries.get(key);
    if (key !== undefined && entry) remove(key, entry);
  };
  const enabled = ttlMs > 0 && maxEntries > 0;
  let unsubscribe: (() => Promise<void>) | undefined;
  if (enabled) {
    try {
      unsubscribe = await kv.subscribe(channel, drop);
    } catch (err) {
      // Without the subscription the epoch stays null and the cache is never consulted.
      onError(err, `subscribing to ${channel} failed; its cache stays off`);
    }
  }
  const liveEpoch = (): number | null => (unsubscribe ? kv.subscriptionEpoch() : null);

  const cached = (key: string, epoch: number | null): V | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (epoch === null || entry.epoch !== epoch || entry.expiresAt <= clock.now()) {
      remove(key, entry);
      return undefined;
    }
    entries.delete(key);
    entries.set(key, entry);
    return entry.value;
  };

  const broadcast = async (id: string) => {
    drop(id);
    try {
      await kv.publish(channel, id);
    } catch (err) {
      onError(err, `broadcasting on ${channel} failed; other instances drop the entry within the cache's TTL`);
    }
  };

  return {
    async get(key, load) {
      const epoch = liveEpoch();
      const hit = cached(key, epoch);
      if (hit !== undefined) return hit;
      const seen = changes;
      const value = await load();
      if (value !== undefined && epoch !== null && seen === changes && liveEpoch() === epoch) {
        const previous = entries.get(key);
        if (previous) remove(key, previous);
        const valueId = idOf ? idOf(value) : key;
        entries.set(key, { value, id: valueId, expiresAt: clock.now() + ttlMs, epoch });
        if (idOf) keyById.set(valueId, key);
        while (entries.size > maxEntries) {
          const [oldest, entry] = entries.entries().next().value as [string, Entry<V>];
          remove(oldest, entry);
        }
      }
      return value;
    },
    changed: (id) => broadcast(id),
    changedAll: () => broadcast(ALL),
    get size() {
      return entries.size;
    },
    async close() {
      await unsubscribe?.().catch((err: unknown) => onError(err, `unsubscribing from ${channel} failed`));
      entries.clear();
      keyById.clear();
    },
  };
}
