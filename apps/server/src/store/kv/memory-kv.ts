/**
 * In-process `Kv` for development and tests (no REDIS_URL). Single process only: nothing here is shared with
 * a second server instance.
 *
 * Expiry is judged against the injected clock on every access, so a `ManualClock` can expire entries; expired
 * entries are also swept on writes (amortized O(1) per write) so memory stays bounded by the live entries.
 */
import { type Clock, systemClock } from '../../clock.ts';
import { assertTtl, type Kv, type KvErrorHandler } from './kv.ts';

interface Entry {
  value: string;
  /** Clock time (ms) at which the entry stops existing. */
  expiresAt: number;
}

/** One subscription; a fresh object each time, so subscribing the same function twice gives two deliveries. */
interface Subscription {
  onMessage: (message: string) => void;
}

/** Sweep at least this many writes apart, so small stores are not swept on every write. */
const MIN_WRITES_BETWEEN_SWEEPS = 64;

export interface MemoryKvOptions {
  clock?: Clock;
  /** Receives exceptions thrown by subscribers (default: ignored). */
  onError?: KvErrorHandler;
}

export class MemoryKv implements Kv {
  readonly #clock: Clock;
  readonly #onError: KvErrorHandler;
  readonly #entries = new Map<string, Entry>();
  readonly #channels = new Map<string, Set<Subscription>>();
  #writesSinceSweep = 0;
  #closed = false;

  constructor({ clock = systemClock, onError = () => {} }: MemoryKvOptions = {}) {
    this.#clock = clock;
    this.#onError = onError;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#assertOpen();
    assertTtl(ttlMs);
    this.#write(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    this.#assertOpen();
    assertTtl(ttlMs);
    if (this.#live(key)) return false;
    this.#write(key, value, ttlMs);
    return true;
  }

  async get(key: string): Promise<string | null> {
    this.#assertOpen();
    return this.#live(key)?.value ?? null;
  }

  async take(key: string): Promise<string | null> {
    this.#assertOpen();
    // No await between the read and the delete: atomic on the single JS thread.
    const entry = this.#live(key);
    if (!entry) return null;
    this.#entries.delete(key);
    return entry.value;
  }

  async swap(key: string, value: string, ttlMs: number): Promise<string | null> {
    this.#assertOpen();
    assertTtl(ttlMs);
    // No await between the read and the write: atomic on the single JS thread.
    const previous = this.#live(key)?.value ?? null;
    this.#write(key, value, ttlMs);
    return previous;
  }

  async swapIfPresent(key: string, value: string, ttlMs: number): Promise<string | null> {
    this.#assertOpen();
    assertTtl(ttlMs);
    // No await between the read and the write: atomic on the single JS thread.
    const previous = this.#live(key)?.value ?? null;
    if (previous !== null) this.#write(key, value, ttlMs);
    return previous;
  }

  async exchange(from: string, expected: string, to: string, value: string, ttlMs: number): Promise<boolean> {
    this.#assertOpen();
    assertTtl(ttlMs);
    // No await between the read and the writes: atomic on the single JS thread.
    if (this.#live(from)?.value !== expected) return false;
    this.#entries.delete(from);
    this.#write(to, value, ttlMs);
    return true;
  }

  async del(key: string): Promise<void> {
    this.#assertOpen();
    this.#entries.delete(key);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    this.#assertOpen();
    assertTtl(ttlMs);
    const entry = this.#live(key);
    if (!entry) {
      this.#write(key, '1', ttlMs);
      return 1;
    }
    // Like Redis INCR: only integer values count, and the existing expiry is kept (fixed window).
    if (!/^-?\d+$/.test(entry.value) || !Number.isSafeInteger(Number(entry.value))) {
      throw new Error(`value of ${key} is not an integer`);
    }
    const count = Number(entry.value) + 1;
    entry.value = String(count);
    return count;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    const subscriptions = this.#channels.get(channel);
    if (!subscriptions) return;
    for (const subscription of [...subscriptions]) {
      queueMicrotask(() => {
        // Unsubscribed (or closed) after publishing but before delivery: drop, as Redis would.
        if (!this.#channels.get(channel)?.has(subscription)) return;
        try {
          subscription.onMessage(message);
        } catch (err) {
          this.#report(err);
        }
      });
    }
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>> {
    this.#assertOpen();
    const subscription: Subscription = { onMessage };
    let subscriptions = this.#channels.get(channel);
    if (!subscriptions) {
      subscriptions = new Set();
      this.#channels.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    return async () => {
      const current = this.#channels.get(channel);
      if (!current?.delete(subscription)) return;
      if (current.size === 0) this.#channels.delete(channel);
    };
  }

  /** In one process nothing is ever missed: epoch 0 while open. */
  subscriptionEpoch(): number | null {
    return this.#closed ? null : 0;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries.clear();
    this.#channels.clear();
  }

  /** The entry under `key` if it has not expired; an expired one is deleted on the way. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #write(key: string, value: string, ttlMs: number): void {
    this.#entries.set(key, { value, expiresAt: this.#clock.now() + ttlMs });
    this.#sweepIfDue();
  }

  /**
   * Drops expired entries once the writes since the last sweep reach half the store's size: each sweep costs
   * O(size) but is paid for by size/2 writes, and expired entries can never outnumber the live ones by much.
   */
  #sweepIfDue(): void {
    this.#writesSinceSweep += 1;
    if (this.#writesSinceSweep < Math.max(MIN_WRITES_BETWEEN_SWEEPS, this.#entries.size / 2)) return;
    this.#writesSinceSweep = 0;
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  #report(err: unknown): void {
    try {
      this.#onError(err);
    } catch {
      // An error handler that throws must not turn into an uncaught exception.
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('MemoryKv is closed');
  }

  /** Entries currently held, expired ones included until swept (tests check that memory stays bounded). */
  get size(): number {
    return this.#entries.size;
  }
}
