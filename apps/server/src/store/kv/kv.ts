/**
 * The small key-value interface behind short-lived server state: pending authorization requests, auth codes
 * (keyed by hash), sessions, rate-limit buckets and the key-revocation broadcast (see DESIGN.md, "Storage").
 *
 * Two implementations pass one shared test suite (test/kv.test.ts): `RedisKv` (node-redis, shared across
 * server instances) and `MemoryKv` (single process, for development and tests). Pick one with `openKv()`.
 *
 * Every write carries a TTL: nothing in this store lives forever.
 */
export interface Kv {
  /** Stores `value` under `key`, replacing any previous value and TTL; it expires after `ttlMs` (SET PX). */
  set(key: string, value: string, ttlMs: number): Promise<void>;

  /**
   * Stores `value` only if `key` holds no (unexpired) value (SET NX PX).
   * Resolves true if this call stored it, false if the key already existed (its value and TTL are untouched).
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;

  /** The value stored under `key`, or null if there is none or it has expired. */
  get(key: string): Promise<string | null>;

  /**
   * Atomically reads and deletes `key` (GETDEL): of any number of concurrent callers, across instances,
   * exactly one gets the value and the others get null. The primitive behind one-time codes.
   */
  take(key: string): Promise<string | null>;

  /**
   * Atomically stores `value` under `key` (TTL `ttlMs`) and resolves the value it replaced, or null
   * (SET key value PX ttl GET). Of concurrent swaps, across instances, each sees exactly the value the one
   * before it wrote: the primitive behind replay detection of one-time codes.
   */
  swap(key: string, value: string, ttlMs: number): Promise<string | null>;

  /**
   * `swap`, but only when `key` holds a value (SET key value XX PX ttl GET): resolves the value it replaced,
   * or null — and then stores nothing. Of concurrent calls, across instances, each sees exactly the value
   * the one before it wrote. Lets one-time codes mark their use without marking codes that never existed.
   */
  swapIfPresent(key: string, value: string, ttlMs: number): Promise<string | null>;

  /**
   * Atomically, if `from` still holds exactly `expected`: deletes `from` and stores `value` under `to` (TTL
   * `ttlMs`), resolving true; otherwise changes nothing and resolves false. Of concurrent exchanges of one
   * `from`, across instances, at most one succeeds. Lets consent take the pending request it read and checked
   * and store the code it issues in one round trip (consent/decide-consent.ts).
   */
  exchange(from: string, expected: string, to: string, value: string, ttlMs: number): Promise<boolean>;

  /** Deletes `key`; a no-op when it does not exist. */
  del(key: string): Promise<void>;

  /**
   * Fixed-window counter: increments `key` and resolves the new count. The TTL is set when the key is created
   * (count 1) and is not extended by later increments, so the count resets `ttlMs` after the first increment.
   * Rejects if `key` holds a value that is not an integer.
   */
  incr(key: string, ttlMs: number): Promise<number>;

  /**
   * Sends `message` to every current subscriber of `channel`, in every instance sharing the store.
   * Fire-and-forget: resolves whether or not anyone listens, and a failing subscriber never affects it.
   */
  publish(channel: string, message: string): Promise<void>;

  /**
   * Calls `onMessage` for each message published to `channel` from now on (asynchronously, in publish order).
   * Resolves once the subscription is active, with a function that ends it (idempotent).
   * An exception thrown by `onMessage` is contained: it is reported via the implementation's `onError`.
   */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;

  /**
   * Whether messages to this store's subscriptions are being delivered: `null` while they may be missed
   * (the subscriber connection is down, or nothing subscribed yet), otherwise a number that changes each time
   * the subscriptions were re-established — a cache fed by a channel drops what it holds from an older epoch,
   * since messages published in between were lost (store/kv/broadcast-cache.ts).
   */
  subscriptionEpoch(): number | null;

  /** Resolves when the store is reachable; throws otherwise (readiness checks). */
  ping(): Promise<void>;

  /** Releases connections and drops subscriptions. Idempotent; other calls reject afterwards. */
  close(): Promise<void>;
}

/** Receives errors that have no caller to reject: connection trouble, exceptions thrown by subscribers. */
export type KvErrorHandler = (err: unknown) => void;

/** Throws a RangeError unless `ttlMs` is a positive (safe) integer number of milliseconds. */
export function assertTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive integer, got ${String(ttlMs)}`);
  }
}
