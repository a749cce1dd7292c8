// A bounded in-process cache of database rows kept right across instances by a KV channel (DESIGN.md,
// "Storage": an in-process cache only where every instance is told to drop an entry). Whoever changes or
// deletes a row calls `changed(id)`: the entry goes here at once and every instance subscribed to the channel
// drops it too. Least recently used entries go first once `maxEntries` is reached; every entry expires
// `ttlMs` after it was read from the database.
//
// The bound when the broadcast cannot be relied on (as for the key cache, keys/bearer-keys.ts):
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
  expiresAt: number;
  /** The subscription epoch the entry was stored under; any other epoch makes it invalid. */
  epoch: number;
}

export interface BroadcastCache<V> {
  /** The cached value of `id`, or else `load()`'s answer (cached when defined and nothing changed meanwhile). */
  get(id: string, load: () => Promise<V | undefined>): Promise<V | undefined>;
  /** Drops `id` here and in every instance (`ALL` drops everything); call after the change committed. */
  changed(id: string): Promise<void>;
  /** Drops every entry here and in every instance. */
  changedAll(): Promise<void>;
  readonly size: number;
  /** Ends the subscription. */
  close(): Promise<void>;
}

export interface BroadcastCacheOptions {
  kv: Kv;
  /** The KV channel carrying the ids of changed rows. */
  channel: string;
  clock: Clock;
  ttlMs: number;
  maxEntries: number;
  /** Failed subscriptions and broadcasts (no caller to reject). */
  onError: (err: unknown, what: string) => void;
}

export async function createBroadcastCache<V>({ kv, channel, clock, ttlMs, maxEntries, onError }: BroadcastCacheOptions): Promise<BroadcastCache<V>> {
  /** Insertion order is recency order: a hit moves the entry to the end. */
  const entries = new Map<string, Entry<V>>();
  /** Counts change messages seen here; a load that overlapped one is not cached. */
  let changes = 0;
  const drop = (id: string) => {
    changes++;
    if (id === ALL) entries.clear();
    else entries.delete(id);
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

  const cached = (id: string, epoch: number | null): V | undefined => {
    const entry = entries.get(id);
    if (!entry) return undefined;
    if (epoch === null || entry.epoch !== epoch || entry.expiresAt <= clock.now()) {
      entries.delete(id);
      return undefined;
    }
    entries.delete(id);
    entries.set(id, entry);
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
    async get(id, load) {
      const epoch = liveEpoch();
      const hit = cached(id, epoch);
      if (hit !== undefined) return hit;
      const seen = changes;
      const value = await load();
      if (value !== undefined && epoch !== null && seen === changes && liveEpoch() === epoch) {
        entries.delete(id);
        entries.set(id, { value, expiresAt: clock.now() + ttlMs, epoch });
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
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
    },
  };
}
