// Two app instances over one database and one KV, as two servers behind a load balancer: a shared MemoryKv
// (with a ManualClock), or two Redis connections under one fresh prefix (REDIS_URL + DATABASE_URL). The
// in-process caches fed by KV channels (key cache, client cache) are proved with these.
import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { Kv } from '../../src/store/kv/kv.ts';
import { MemoryKv } from '../../src/store/kv/memory-kv.ts';
import { RedisKv } from '../../src/store/kv/redis-kv.ts';
import { type ListeningTestApp, listenTestApp } from './listening-app.ts';
import { TEST_STORAGE_TIMEOUT_MS, testDatabases } from './test-databases.ts';

export interface Pair {
  a: ListeningTestApp;
  b: ListeningTestApp;
  clock: ManualClock | undefined;
}

export type Backend = 'memory' | 'redis';

export const backends = [
  { name: 'in-memory KV', backend: 'memory' as const, available: true },
  { name: 'Redis', backend: 'redis' as const, available: process.env.REDIS_URL !== undefined && process.env.DATABASE_URL !== undefined },
];

/**
 * What two instances share: a fresh database (PGlite for memory, Postgres for redis) and a ManualClock, and
 * each its KV (`twoKvs`); what to release goes onto `cleanups`.
 */
export async function sharedStores(backend: Backend, cleanups: (() => Promise<void>)[]) {
  const [pglite, postgres] = testDatabases();
  const db = backend === 'memory' ? await pglite!.open() : await postgres!.open();
  cleanups.push(() => db.dispose());
  const clock = new ManualClock(Date.now());
  const { kvA, kvB, close } = await twoKvs(backend, clock);
  cleanups.push(close);
  return { db, clock, kvA, kvB };
}

/** Two instances' KV: one shared MemoryKv on `clock`, or two Redis connections under one fresh prefix. */
export async function twoKvs(backend: Backend, clock: ManualClock): Promise<{ kvA: Kv; kvB: Kv; close: () => Promise<void> }> {
  if (backend === 'memory') {
    const shared = new MemoryKv({ clock });
    return { kvA: shared, kvB: shared, close: () => shared.close() };
  }
  const prefix = `test:${randomUUID()}:`;
  const kvA = await RedisKv.connect({ url: process.env.REDIS_URL!, prefix, timeoutMs: TEST_STORAGE_TIMEOUT_MS });
  const kvB = await RedisKv.connect({ url: process.env.REDIS_URL!, prefix, timeoutMs: TEST_STORAGE_TIMEOUT_MS });
  return { kvA, kvB, close: async () => void (await Promise.all([kvA.close(), kvB.close()])) };
}

/**
 * Registers the cleanup (after each test) and returns the factory: `twoInstances(backend, env, wrap)`;
 * `wrap` lets a test interpose on B's KV.
 */
export function useTwoInstances(): (backend: Backend, env?: Record<string, string>, wrap?: (kv: Kv) => Kv) => Promise<Pair> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return async (backend, env = {}, wrap = (kv) => kv) => {
    const { db, clock, kvA, kvB } = await sharedStores(backend, cleanups);
    // Redis expires by its own clock, so the apps get the real one there (no TTL steps in those tests).
    const appClock = backend === 'memory' ? clock : undefined;
    // One PUBLIC_URL for both, as behind a load balancer (keys are bound to its MCP resource).
    const shared = { PUBLIC_URL: 'http://localhost:3000', ...env };
    const a = await listenTestApp({ db, kv: kvA, clock: appClock, env: shared });
    const b = await listenTestApp({ db, kv: wrap(kvB), clock: appClock, env: shared });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    return { a, b, clock: appClock };
  };
}

/** `kv` with its subscription epoch replaced (methods still run on `kv` itself: its fields are private). */
export const withEpoch = (kv: Kv, epoch: () => number | null): Kv =>
  new Proxy(kv, {
    get: (target, name) => {
      if (name === 'subscriptionEpoch') return epoch;
      const value = Reflect.get(target, name) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
