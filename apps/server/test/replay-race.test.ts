// RFC 6749 §4.1.2 / RFC 9700 §4.5: a code is exchanged once, and a replayed code revokes the key it
// produced — also when the two exchanges race on two server instances sharing the stores. Issue target:
// exactly one winner and revoke-on-replay in 100 cross-instance races, per backend.
import { randomUUID } from 'node:crypto';
import { and, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto.ts';
import { apiKeys, auditEvents } from '../src/store/db/schema.ts';
import type { Kv } from '../src/store/kv/kv.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { RedisKv } from '../src/store/kv/redis-kv.ts';
import { exchangeCode, type IssuedCode, obtainCode, type Registered, register, type SignedIn, signUpUser } from './support/flow.ts';
import { useTestApp } from './support/test-app.ts';
import { TEST_STORAGE_TIMEOUT_MS, type TestDatabase, testDatabases } from './support/test-databases.ts';

const RACES = 100;
/** Races run this many at a time: the runtime stays reasonable and the instances see concurrent traffic. */
const BATCH = 10;
const REDIS_URL = process.env.REDIS_URL;
const [pglite, postgres] = testDatabases();

/** One database and two KV handles on one store, as two server instances have. */
const backends: { name: string; available: boolean; open(): Promise<{ db: TestDatabase; kvs: [Kv, Kv] }> }[] = [
  {
    name: 'PGlite, one in-memory KV shared by both apps',
    available: true,
    open: async () => {
      const kv = new MemoryKv();
      return { db: await pglite!.open(), kvs: [kv, kv] };
    },
  },
  {
    name: `${postgres ? 'Postgres' : 'PGlite'}, two Redis connections on one prefix`,
    available: REDIS_URL !== undefined,
    open: async () => {
      const prefix = `test:${randomUUID()}:`;
      const connect = () => RedisKv.connect({ url: REDIS_URL!, prefix, timeoutMs: TEST_STORAGE_TIMEOUT_MS });
      return { db: await (postgres ?? pglite)!.open(), kvs: [await connect(), await connect()] };
    },
  },
];

/** 100 codes from one browser in a test run: above the per-IP /authorize limit's default window budget. */
const ENV = { RATE_LIMIT_AUTHORIZE_MAX: '10000', RATE_LIMIT_TOKEN_MAX: '10000' };

describe.each(backends.filter((s) => s.available))('code exchange racing on two instances ($name)', ({ open }) => {
  let db: TestDatabase;
  let kvs: [Kv, Kv];
  let client: Registered;
  let user: SignedIn;

  // The shared stores outlive both apps: opened first, released after both have closed.
  beforeAll(async () => {
    ({ db, kvs } = await open());
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...new Set(kvs)].map((kv) => kv.close()));
    await db.dispose();
  });
  const a = useTestApp(() => ({ db, kv: kvs[0], env: ENV }));
  const b = useTestApp(() => ({ db, kv: kvs[1], clock: a.clock, env: ENV }));
  beforeAll(async () => {
    client = await register(a);
    user = await signUpUser(a);
  });

  /** One race: the code sent to both instances at once (which one first alternates). */
  async function race(issued: IssuedCode, index: number) {
    const [first, second] = index % 2 === 0 ? [a, b] : [b, a];
    const results = await Promise.all([exchangeCode(first, issued), exchangeCode(second, issued)]);
    const minted = await db.db
      .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.codeHash, sha256Hex(issued.code)));
    return { statuses: results.map((r) => r.statusCode), errors: results.map((r) => (r.statusCode === 200 ? null : r.json().error)), minted };
  }

  it(`${RACES} races: exactly one exchange wins the code, the other is refused as a replay, and the replay always revokes the winner's key`, {
    timeout: 600_000,
  }, async () => {
    const outcomes: Awaited<ReturnType<typeof race>>[] = [];
    for (let start = 0; start < RACES; start += BATCH) {
      const indexes = Array.from({ length: Math.min(BATCH, RACES - start) }, (_, i) => start + i);
      const codes = await Promise.all(indexes.map(() => obtainCode(a, { client, user })));
      outcomes.push(...(await Promise.all(codes.map((issued, i) => race(issued, indexes[i]!)))));
    }

    const delivered = outcomes.filter((o) => o.statuses.includes(200)).length;
    console.log(
      `replay races: ${outcomes.length} races, ${delivered} with the winner's key delivered then revoked by the replay, ` +
        `${outcomes.length - delivered} with the replay arriving mid-mint (key revoked before delivery)`,
    );
    for (const o of outcomes) {
      // Exactly one winner: one key minted for the code (one exchange took it); at most one response carried it.
      expect(o.minted).toHaveLength(1);
      expect(o.statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
      // The loser is always refused as a replay …
      expect(o.errors.filter((e) => e !== null).length).toBeGreaterThanOrEqual(1);
      for (const e of o.errors) if (e !== null) expect(e).toBe('invalid_grant');
      // … and revoke-on-replay fired: the winner's key is revoked, whether or not it was delivered.
      expect(o.minted[0]!.revokedAt).not.toBeNull();
    }
    // Bookkeeping: per race one key_minted, one key_revoked and one code_replayed event, none duplicated.
    const keyIds = outcomes.map((o) => o.minted[0]!.id);
    const perType = await db.db
      .select({ type: auditEvents.type, n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.clientId, client.clientId), inArray(auditEvents.type, ['key_minted', 'key_revoked', 'code_replayed'])))
      .groupBy(auditEvents.type);
    expect(Object.fromEntries(perType.map((r) => [r.type, r.n]))).toEqual({ key_minted: RACES, key_revoked: RACES, code_replayed: RACES });
    const revokedPerKey = await db.db
      .select({ keyId: auditEvents.keyId, n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.type, 'key_revoked'), inArray(auditEvents.keyId, keyIds)))
      .groupBy(auditEvents.keyId);
    expect(revokedPerKey).toHaveLength(RACES);
    expect(revokedPerKey.every((r) => r.n === 1)).toBe(true);
  });
});
