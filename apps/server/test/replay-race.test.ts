// RFC 6749 §4.1.2 / RFC 9700 §4.5: a code is exchanged once, and a replayed code revokes the key it
// produced — also when the two exchanges race on two server instances sharing the stores.
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../src/store/db/schema.ts';
import type { Kv } from '../src/store/kv/kv.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { RedisKv } from '../src/store/kv/redis-kv.ts';
import { exchangeCode, obtainCode, register, signUpUser, type Registered, type SignedIn } from './support/flow.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';
import { TEST_STORAGE_TIMEOUT_MS } from './support/test-databases.ts';

const RACES = 40;
const REDIS_URL = process.env.REDIS_URL;

/** Two KV handles on one store, as two server instances have. */
const stores: { name: string; available: boolean; open(): Promise<[Kv, Kv]> }[] = [
  {
    name: 'one in-memory KV shared by both apps',
    available: true,
    open: async () => {
      const kv = new MemoryKv();
      return [kv, kv];
    },
  },
  {
    name: 'two Redis connections on one prefix',
    available: REDIS_URL !== undefined,
    open: async () => {
      const prefix = `test:${randomUUID()}:`;
      const connect = () => RedisKv.connect({ url: REDIS_URL!, prefix, timeoutMs: TEST_STORAGE_TIMEOUT_MS });
      return [await connect(), await connect()];
    },
  },
];

describe.each(stores.filter((s) => s.available))('code exchange racing on two instances ($name)', ({ open }) => {
  let a: TestApp;
  let b: TestApp;
  let kvs: [Kv, Kv];
  let client: Registered;
  let user: SignedIn;

  beforeAll(async () => {
    kvs = await open();
    a = await buildTestApp({ kv: kvs[0] });
    b = await buildTestApp({ kv: kvs[1], db: a.db, clock: a.clock });
    client = await register(a);
    user = await signUpUser(a);
  }, 60_000);
  afterAll(async () => {
    await b.close();
    await a.close();
    await Promise.all([...new Set(kvs)].map((kv) => kv.close()));
  });

  it(`${RACES} races: at most one exchange wins, and the replay always revokes the key the code produced`, { timeout: 120_000 }, async () => {
    let delivered = 0;
    for (let race = 0; race < RACES; race++) {
      const issued = await obtainCode(a, { client, user });
      // Alternate which instance sees the code first.
      const [first, second] = race % 2 === 0 ? [a, b] : [b, a];
      const results = await Promise.all([exchangeCode(first, issued), exchangeCode(second, issued)]);
      const wins = results.filter((r) => r.statusCode === 200);
      expect(wins.length).toBeLessThanOrEqual(1);
      for (const r of results) if (r.statusCode !== 200) expect(r.json().error).toBe('invalid_grant');
      delivered += wins.length;
      // Whichever way the race went, no key minted from this code is still live.
      const live = await a.db.db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.userId, user.userId), isNull(apiKeys.revokedAt)));
      expect(live).toEqual([]);
    }
    expect(delivered).toBeGreaterThan(0); // the races did let a winner through, so its revocation was tested
  });
});
