/**
 * One contract suite for both Kv backends: MemoryKv (always, on a ManualClock) and RedisKv (when REDIS_URL is
 * set, against that real server, under a random `test:<uuid>:` prefix that is scanned away afterwards).
 *
 * Time: `advance(ms)` moves the ManualClock, or really sleeps on Redis, so TTLs stay short (≤ 150 ms) and
 * the margins around them are ≥ 30 ms. Pub/sub tests never sleep to prove absence: they publish a "sync"
 * message after the one that must not arrive and wait for that instead (both backends deliver in order).
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import type { Kv } from '../src/store/kv/kv.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { openKv } from '../src/store/kv/open-kv.ts';
import { RedisKv } from '../src/store/kv/redis-kv.ts';

const REDIS_URL = process.env.REDIS_URL;

/** One test's view of a backend. */
interface Harness {
  kv: Kv;
  /** Lets `ms` milliseconds pass for the store. */
  advance(ms: number): Promise<void>;
  /** What the store reported through onError. */
  errors: unknown[];
  /** Another instance on the same store and prefix, like a second server (Redis only). */
  peer?: () => Promise<Kv>;
  /** An instance on the same store under a different prefix (Redis only). */
  otherPrefix?: () => Promise<Kv>;
  dispose(): Promise<void>;
}

interface Backend {
  implementation: typeof MemoryKv | typeof RedisKv;
  setup(): Promise<Harness>;
  /** After the whole suite. */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function memoryBackend(): Backend {
  return {
    implementation: MemoryKv,
    async setup() {
      const clock = new ManualClock();
      const errors: unknown[] = [];
      const kv = await openKv({ clock, onError: (err) => errors.push(err) });
      return {
        kv,
        errors,
        advance: async (ms) => clock.advance(ms),
        dispose: () => kv.close(),
      };
    },
    async cleanup() {},
  };
}

function redisBackend(url: string): Backend {
  const runPrefix = `test:${randomUUID()}:`;
  let namespaces = 0;
  const nextPrefix = () => `${runPrefix}${++namespaces}:`;
  return {
    implementation: RedisKv,
    async setup() {
      const prefix = nextPrefix();
      const errors: unknown[] = [];
      const opened: Kv[] = [];
      const open = async (p: string) => {
        const kv = await openKv({ redisUrl: url, prefix: p, onError: (err) => errors.push(err) });
        opened.push(kv);
        return kv;
      };
      return {
        kv: await open(prefix),
        errors,
        advance: sleep,
        peer: () => open(prefix),
        otherPrefix: () => open(nextPrefix()),
        dispose: async () => {
          await Promise.all(opened.map((kv) => kv.close()));
        },
      };
    },
    async cleanup() {
      const client = await createClient({ url })
        .on('error', () => {})
        .connect();
      try {
        for await (const keys of client.scanIterator({ MATCH: `${runPrefix}*`, COUNT: 500 })) {
          if (keys.length > 0) await client.del(keys);
        }
      } finally {
        await client.close();
      }
    },
  };
}

function kvContract(backend: Backend): void {
  let h: Harness;
  let kv: Kv;

  beforeEach(async () => {
    h = await backend.setup();
    kv = h.kv;
  });
  afterEach(async () => {
    await h.dispose();
    expect(h.errors).toEqual([]); // nothing went wrong in the background
  });
  afterAll(() => backend.cleanup());

  /** Collects messages as `<tag>:<message>`; `waitFor` resolves once a given entry has arrived. */
  function recorder() {
    const log: string[] = [];
    return {
      log,
      on: (tag: string) => (message: string) => void log.push(`${tag}:${message}`),
      waitFor: (entry: string) => vi.waitFor(() => expect(log).toContain(entry), { timeout: 2_000, interval: 5 }),
    };
  }

  it('is opened by openKv as the expected implementation', () => {
    expect(kv).toBeInstanceOf(backend.implementation);
  });

  it('set then get returns the stored value, and set overwrites', async () => {
    await kv.set('greeting', 'hello', 10_000);
    expect(await kv.get('greeting')).toBe('hello');
    await kv.set('greeting', 'hi again', 10_000);
    expect(await kv.get('greeting')).toBe('hi again');
    await kv.set('empty', '', 10_000);
    expect(await kv.get('empty')).toBe('');
  });

  it('get of a missing key returns null', async () => {
    expect(await kv.get('never-set')).toBeNull();
  });

  it('a value expires after its TTL', async () => {
    await kv.set('short', 'v', 100);
    await kv.set('long', 'v', 10_000);
    expect(await kv.get('short')).toBe('v');
    await h.advance(150);
    expect(await kv.get('short')).toBeNull();
    expect(await kv.get('long')).toBe('v');
  });

  it('set replaces the TTL along with the value', async () => {
    await kv.set('k', 'first', 150);
    await h.advance(100);
    await kv.set('k', 'second', 150);
    await h.advance(100); // past the first TTL, within the second
    expect(await kv.get('k')).toBe('second');
    await h.advance(100);
    expect(await kv.get('k')).toBeNull();
  });

  it('setIfAbsent stores only when the key is absent, and its value expires after the TTL', async () => {
    expect(await kv.setIfAbsent('lock', 'a', 100)).toBe(true);
    expect(await kv.setIfAbsent('lock', 'b', 100)).toBe(false);
    expect(await kv.get('lock')).toBe('a');
    await h.advance(150);
    expect(await kv.get('lock')).toBeNull();
    expect(await kv.setIfAbsent('lock', 'c', 10_000)).toBe(true);
    expect(await kv.get('lock')).toBe('c');
  });

  it('take returns the value once, then null', async () => {
    await kv.set('code', 'payload', 10_000);
    expect(await kv.take('code')).toBe('payload');
    expect(await kv.take('code')).toBeNull();
    expect(await kv.get('code')).toBeNull();
    expect(await kv.take('never-set')).toBeNull();
  });

  it('take of an expired value returns null', async () => {
    await kv.set('code', 'payload', 100);
    await h.advance(150);
    expect(await kv.take('code')).toBeNull();
  });

  it('50 concurrent takes of one key: exactly one caller gets the value', async () => {
    for (let round = 0; round < 5; round++) {
      await kv.set(`code-${round}`, `payload-${round}`, 10_000);
      const results = await Promise.all(Array.from({ length: 50 }, () => kv.take(`code-${round}`)));
      expect(results.filter((r) => r !== null)).toEqual([`payload-${round}`]);
      expect(await kv.get(`code-${round}`)).toBeNull();
    }
  });

  it('50 concurrent takes spread over two instances: exactly one caller gets the value', async ({ skip }) => {
    if (!h.peer) return skip('needs a store shared between instances');
    const peer = await h.peer();
    for (let round = 0; round < 5; round++) {
      await kv.set(`code-${round}`, `payload-${round}`, 10_000);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? kv : peer).take(`code-${round}`)));
      expect(results.filter((r) => r !== null)).toEqual([`payload-${round}`]);
    }
  });

  it('swap stores a value and returns the one it replaced (null when there was none), with a fresh TTL', async () => {
    expect(await kv.swap('s', 'one', 100)).toBeNull();
    expect(await kv.swap('s', 'two', 10_000)).toBe('one');
    expect(await kv.get('s')).toBe('two');
    await h.advance(130); // past the first TTL: the second swap replaced it
    expect(await kv.get('s')).toBe('two');
    await kv.swap('t', 'x', 50);
    await h.advance(80);
    expect(await kv.swap('t', 'y', 1_000)).toBeNull(); // an expired value is no value
  });

  it('50 concurrent swaps over two instances form one chain: every value is replaced exactly once', async () => {
    const other = h.peer ? await h.peer() : kv;
    const previous = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? kv : other).swap('chain', `v${i}`, 10_000)));
    const last = await kv.get('chain');
    // Exactly one swap saw null; every written value except the last one was seen by exactly one swap.
    expect(previous.filter((p) => p === null)).toHaveLength(1);
    const seen = previous.filter((p): p is string => p !== null).sort();
    const written = Array.from({ length: 50 }, (_, i) => `v${i}`)
      .filter((v) => v !== last)
      .sort();
    expect(seen).toEqual(written);
  });

  it('swapIfPresent replaces only a live value: absent or expired keys stay absent', async () => {
    expect(await kv.swapIfPresent('p', 'one', 10_000)).toBeNull();
    expect(await kv.get('p')).toBeNull(); // nothing stored
    await kv.set('p', 'zero', 100);
    expect(await kv.swapIfPresent('p', 'one', 10_000)).toBe('zero');
    await h.advance(130); // past the first TTL: the swap gave a fresh one
    expect(await kv.swapIfPresent('p', 'two', 10_000)).toBe('one');
    expect(await kv.get('p')).toBe('two');
    await kv.set('gone', 'x', 50);
    await h.advance(80);
    expect(await kv.swapIfPresent('gone', 'y', 10_000)).toBeNull();
    expect(await kv.get('gone')).toBeNull();
  });

  it('50 concurrent swapIfPresent over two instances form one chain from the stored value', async () => {
    const other = h.peer ? await h.peer() : kv;
    await kv.set('present', 'v-start', 10_000);
    const previous = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? kv : other).swapIfPresent('present', `v${i}`, 10_000)));
    const last = await kv.get('present');
    expect(previous).not.toContain(null);
    const seen = previous.filter((p): p is string => p !== null).sort();
    const written = ['v-start', ...Array.from({ length: 50 }, (_, i) => `v${i}`)].filter((v) => v !== last).sort();
    expect(seen).toEqual(written);
  });

  it('exchange takes `from` only while it holds the expected value, and stores `to` with its TTL', async () => {
    expect(await kv.exchange('req', 'v1', 'code', 'grant', 100)).toBe(false); // absent: nothing stored
    expect(await kv.get('code')).toBeNull();
    await kv.set('req', 'v1', 10_000);
    expect(await kv.exchange('req', 'other', 'code', 'grant', 100)).toBe(false); // another value: untouched
    expect(await kv.get('req')).toBe('v1');
    expect(await kv.get('code')).toBeNull();
    expect(await kv.exchange('req', 'v1', 'code', 'grant', 100)).toBe(true);
    expect(await kv.get('req')).toBeNull();
    expect(await kv.get('code')).toBe('grant');
    expect(await kv.exchange('req', 'v1', 'code', 'again', 100)).toBe(false); // taken once only
    await h.advance(130);
    expect(await kv.get('code')).toBeNull(); // `to` got the TTL
    await kv.set('gone', 'x', 50);
    await h.advance(80);
    expect(await kv.exchange('gone', 'x', 'late', 'y', 10_000)).toBe(false); // an expired value is no value
    expect(await kv.get('late')).toBeNull();
  });

  it('50 concurrent exchanges of one key over two instances: exactly one succeeds and writes', async () => {
    const other = h.peer ? await h.peer() : kv;
    for (let round = 0; round < 5; round++) {
      await kv.set(`pending-${round}`, 'request', 10_000);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? kv : other).exchange(`pending-${round}`, 'request', `issued-${round}-${i}`, `code-${i}`, 10_000)),
      );
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      expect(winners).toHaveLength(1);
      const written = await Promise.all(Array.from({ length: 50 }, (_, i) => kv.get(`issued-${round}-${i}`)));
      expect(written.filter((w) => w !== null)).toEqual([`code-${winners[0]}`]);
    }
  });

  it('del removes a key, and deleting a missing key is a no-op', async () => {
    await kv.set('k', 'v', 10_000);
    await kv.set('other', 'v', 10_000);
    await kv.del('k');
    expect(await kv.get('k')).toBeNull();
    expect(await kv.get('other')).toBe('v');
    await expect(kv.del('never-set')).resolves.toBeUndefined();
  });

  it('incr counts 1, 2, 3 within a window and restarts after it; later increments do not extend the TTL', async () => {
    expect(await kv.incr('hits', 150)).toBe(1);
    await h.advance(50);
    expect(await kv.incr('hits', 150)).toBe(2);
    await h.advance(50);
    expect(await kv.incr('hits', 150)).toBe(3);
    expect(await kv.incr('other-hits', 150)).toBe(1);
    // ~180 ms after the first increment: the window (150 ms) is over. Had the increments at 50 and 100 ms
    // extended the TTL, the key would live until 250 ms and this would return 4.
    await h.advance(80);
    expect(await kv.incr('hits', 150)).toBe(1);
    expect(await kv.incr('hits', 150)).toBe(2);
  });

  it('incr of a key holding a non-integer value rejects', async () => {
    await kv.set('k', 'not a number', 10_000);
    await expect(kv.incr('k', 10_000)).rejects.toThrow();
    expect(await kv.get('k')).toBe('not a number');
  });

  it('publish delivers the message to subscribers of that channel only', async () => {
    const r = recorder();
    await kv.subscribe('news', r.on('news'));
    await kv.subscribe('sync', r.on('sync'));
    await kv.publish('news', 'hello');
    await kv.publish('elsewhere', 'nobody listens');
    await kv.publish('sync', 'done');
    await r.waitFor('sync:done');
    expect(r.log).toEqual(['news:hello', 'sync:done']);
  });

  it('subscribers are called asynchronously, never inside publish', async () => {
    const r = recorder();
    await kv.subscribe('news', r.on('news'));
    const published = kv.publish('news', 'hello');
    expect(r.log).toEqual([]);
    await published;
    await r.waitFor('news:hello');
  });

  it('unsubscribe stops delivery, and calling it twice is harmless', async () => {
    const r = recorder();
    const unsubscribe = await kv.subscribe('news', r.on('news'));
    await kv.subscribe('sync', r.on('sync'));
    await kv.publish('news', 'one');
    await kv.publish('sync', '1');
    await r.waitFor('sync:1');
    await unsubscribe();
    await unsubscribe();
    await kv.publish('news', 'two');
    await kv.publish('sync', '2');
    await r.waitFor('sync:2');
    expect(r.log).toEqual(['news:one', 'sync:1', 'sync:2']);
  });

  it('two subscriptions to one channel each get the message; unsubscribing one keeps the other', async () => {
    const r = recorder();
    const handler = r.on('news');
    const unsubscribeFirst = await kv.subscribe('news', handler);
    await kv.subscribe('news', handler); // same function, separate subscription
    await kv.subscribe('sync', r.on('sync'));
    await kv.publish('news', 'one');
    await kv.publish('sync', '1');
    await r.waitFor('sync:1');
    await unsubscribeFirst();
    await kv.publish('news', 'two');
    await kv.publish('sync', '2');
    await r.waitFor('sync:2');
    expect(r.log).toEqual(['news:one', 'news:one', 'sync:1', 'news:two', 'sync:2']);
  });

  it('a throwing subscriber affects neither the publisher nor other subscribers, and is reported', async () => {
    const r = recorder();
    const boom = new Error('subscriber failed');
    await kv.subscribe('news', () => {
      throw boom;
    });
    await kv.subscribe('news', r.on('news'));
    await expect(kv.publish('news', 'hello')).resolves.toBeUndefined();
    await r.waitFor('news:hello');
    await vi.waitFor(() => expect(h.errors).toEqual([boom]), { timeout: 2_000, interval: 5 });
    h.errors.length = 0;
  });

  it('a message published by another instance reaches the subscriber', async ({ skip }) => {
    if (!h.peer) return skip('needs a store shared between instances');
    const peer = await h.peer();
    const r = recorder();
    await kv.subscribe('revocations', r.on('revoked'));
    await peer.publish('revocations', 'key-123');
    await r.waitFor('revoked:key-123');
    expect(r.log).toEqual(['revoked:key-123']);
  });

  it('keys and channels under different prefixes do not see each other', async ({ skip }) => {
    if (!h.otherPrefix) return skip('only a shared store has prefixes');
    const other = await h.otherPrefix();
    await kv.set('shared-name', 'mine', 10_000);
    expect(await other.get('shared-name')).toBeNull();
    expect(await other.setIfAbsent('shared-name', 'theirs', 10_000)).toBe(true);
    expect(await kv.get('shared-name')).toBe('mine');
    expect(await other.take('shared-name')).toBe('theirs');
    expect(await kv.get('shared-name')).toBe('mine');
    expect(await kv.incr('counter', 10_000)).toBe(1);
    expect(await other.incr('counter', 10_000)).toBe(1);

    const r = recorder();
    await other.subscribe('news', r.on('other-news'));
    await other.subscribe('sync', r.on('other-sync'));
    await kv.publish('news', 'not for you'); // resolves after Redis has pushed to any subscribers
    await other.publish('sync', 'done');
    await r.waitFor('other-sync:done');
    expect(r.log).toEqual(['other-sync:done']);
  });

  it('ping resolves while the store is reachable', async () => {
    await expect(kv.ping()).resolves.toBeUndefined();
  });

  it('a TTL that is not a positive integer is rejected with a RangeError and nothing is stored', async () => {
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(kv.set('k', 'v', ttl)).rejects.toThrow(RangeError);
      await expect(kv.setIfAbsent('k', 'v', ttl)).rejects.toThrow(RangeError);
      await expect(kv.incr('n', ttl)).rejects.toThrow(RangeError);
      await kv.set('from', 'v', 10_000);
      await expect(kv.exchange('from', 'v', 'k', 'v', ttl)).rejects.toThrow(RangeError);
      expect(await kv.get('from')).toBe('v');
    }
    expect(await kv.get('k')).toBeNull();
    expect(await kv.get('n')).toBeNull();
  });

  it('reports a live subscription epoch once subscribed, and none after close', async () => {
    await kv.subscribe('news', () => {});
    const epoch = kv.subscriptionEpoch();
    expect(epoch).toEqual(expect.any(Number));
    expect(kv.subscriptionEpoch()).toBe(epoch); // stable while nothing happens
    await kv.close();
    expect(kv.subscriptionEpoch()).toBeNull();
  });

  it('close is idempotent, and the store rejects calls afterwards', async () => {
    await kv.subscribe('news', () => {});
    await kv.close();
    await expect(kv.close()).resolves.toBeUndefined();
    await expect(kv.get('k')).rejects.toThrow();
    await expect(kv.set('k', 'v', 1_000)).rejects.toThrow();
    await expect(kv.ping()).rejects.toThrow();
    await expect(kv.subscribe('news', () => {})).rejects.toThrow();
  });
}

describe('MemoryKv', () => {
  kvContract(memoryBackend());

  it('expired entries are swept on writes, so memory stays bounded by the live entries', async () => {
    const clock = new ManualClock();
    const kv = new MemoryKv({ clock });
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 500; i++) await kv.set(`session-${batch}-${i}`, 'v', 100);
      clock.advance(200); // everything written so far has expired
    }
    // 10,000 keys written, at most 500 alive at a time: without sweeping all 10,000 would still be held.
    expect(kv.size).toBeLessThanOrEqual(1_100);
    await kv.close();
    expect(kv.size).toBe(0);
  });

  it('close drops subscribers: a message already published is not delivered after close', async () => {
    const kv = new MemoryKv();
    const received: string[] = [];
    await kv.subscribe('news', (m) => received.push(m));
    const published = kv.publish('news', 'queued'); // queues the delivery
    await kv.close(); // runs before the queued delivery
    await published;
    expect(received).toEqual([]);
  });
});

describe.skipIf(!REDIS_URL)('RedisKv', () => {
  const url = REDIS_URL ?? '';
  kvContract(redisBackend(url));

  /** A TCP relay to the Redis server that can be cut, to make the server unreachable for one client. */
  async function startRelay(target: URL): Promise<{ url: string; cut(): Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const relayed = new URL(target);
    relayed.hostname = '127.0.0.1';
    relayed.port = String((server.address() as net.AddressInfo).port);
    return {
      url: relayed.toString(),
      cut: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        }),
    };
  }

  it('connecting to an unreachable server rejects instead of retrying forever', async () => {
    const relay = await startRelay(new URL(url));
    await relay.cut(); // nothing listens on its port any more
    await expect(openKv({ redisUrl: relay.url })).rejects.toThrow();
  });

  it('ping rejects once the server becomes unreachable, and the dropped connection does not crash', async () => {
    const relay = await startRelay(new URL(url));
    const errors: unknown[] = [];
    const kv = await RedisKv.connect({ url: relay.url, prefix: `test:${randomUUID()}:`, onError: (e) => errors.push(e) });
    try {
      await kv.subscribe('news', () => {}); // the subscriber connection drops too
      await expect(kv.ping()).resolves.toBeUndefined();
      await relay.cut();
      await vi.waitFor(() => expect(kv.ping()).rejects.toThrow(/Redis/), { timeout: 5_000, interval: 20 });
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0)); // the drop was reported, not thrown
      // Messages may be missed now: no epoch, so the key cache is not consulted (keys/bearer-keys.ts).
      await vi.waitFor(() => expect(kv.subscriptionEpoch()).toBeNull(), { timeout: 5_000, interval: 20 });
    } finally {
      await kv.close();
    }
  });
});
