// A bounded in-process cache of validated keys for the bearer hot path: SHA-256 of the secret → who it
// authenticates. Least recently used entries go first once `maxEntries` is reached; every entry expires
// `ttlMs` after it was looked up in the database. Entries are also dropped on revocation (bearer-keys.ts)
// and ignored once the KV subscriptions that carry revocations are down or were re-established
// (`Kv.subscriptionEpoch`): a revocation missed meanwhile cannot keep a key alive here.
import type { Clock } from '../clock.ts';
import type { KeyAuth } from './bearer.ts';

interface Entry {
  key: KeyAuth;
  expiresAt: number;
  /** The subscription epoch the entry was stored under; any other epoch makes it invalid. */
  epoch: number;
}

export class KeyCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: Clock;
  /** Insertion order is recency order: a hit moves the entry to the end. */
  readonly #byHash = new Map<string, Entry>();
  readonly #hashById = new Map<string, string>();

  constructor(opts: { ttlMs: number; maxEntries: number; clock: Clock }) {
    this.#ttlMs = opts.ttlMs;
    this.#maxEntries = opts.maxEntries;
    this.#clock = opts.clock;
  }

  get enabled(): boolean {
    return this.#ttlMs > 0 && this.#maxEntries > 0;
  }

  /** The key cached under `hash`, if fresh and stored under the current subscription `epoch`. */
  get(hash: string, epoch: number | null): KeyAuth | undefined {
    const entry = this.#byHash.get(hash);
    if (!entry) return undefined;
    if (epoch === null || entry.epoch !== epoch || entry.expiresAt <= this.#clock.now()) {
      this.#remove(hash, entry);
      return undefined;
    }
    this.#byHash.delete(hash);
    this.#byHash.set(hash, entry);
    return entry.key;
  }

  set(hash: string, key: KeyAuth, epoch: number): void {
    if (!this.enabled) return;
    const previous = this.#byHash.get(hash);
    if (previous) this.#remove(hash, previous);
    this.#byHash.set(hash, { key, expiresAt: this.#clock.now() + this.#ttlMs, epoch });
    this.#hashById.set(key.keyId, hash);
    while (this.#byHash.size > this.#maxEntries) {
      const [oldest, entry] = this.#byHash.entries().next().value as [string, Entry];
      this.#remove(oldest, entry);
    }
  }

  /** Drops the entry of key `keyId` (revoked). */
  deleteKey(keyId: string): void {
    const hash = this.#hashById.get(keyId);
    const entry = hash === undefined ? undefined : this.#byHash.get(hash);
    if (hash !== undefined && entry) this.#remove(hash, entry);
    this.#hashById.delete(keyId);
  }

  get size(): number {
    return this.#byHash.size;
  }

  #remove(hash: string, entry: Entry): void {
    this.#byHash.delete(hash);
    if (this.#hashById.get(entry.key.keyId) === hash) this.#hashById.delete(entry.key.keyId);
  }
}
