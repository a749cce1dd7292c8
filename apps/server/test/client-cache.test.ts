// The client cache across instances (oauth/client-cache.ts over store/kv/broadcast-cache.ts): two instances'
// caches over one database and one KV (a shared MemoryKv, or two Redis connections under one prefix). A client
// renewed on A, or a sweep on A, has B read the row afresh at once; a cached row expires by its own
// last_used_at; a change behind the broadcast's back is bounded by CLIENT_CACHE_TTL_MS; with the subscriptions
// down nothing is served from memory. Then the apps: /authorize reads the cached row.
import { createPkcePair } from '@reminderit/sdk';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ManualClock } from '../src/clock.ts';
import { CLIENT_CACHE_TTL_MS, type ClientCache, createClientCache } from '../src/oauth/client-cache.ts';
import { CLIENT_IDLE_EXPIRY_MS, CLIENT_TOUCH_INTERVAL_MS, sweepExpiredClients, touchClient } from '../src/oauth/client-expiry.ts';
import { createClient, findClient } from '../src/oauth/clients.ts';
import { type OAuthClientRow, oauthClients } from '../src/store/db/schema.ts';
import type { Kv } from '../src/store/kv/kv.ts';
import { authorize, authorizeQuery, register, signUpUser } from './support/flow.ts';
import type { TestDatabase } from './support/test-databases.ts';
import { type Backend, backends, sharedStores, useTwoInstances, withEpoch } from './support/two-instances.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Instance {
  db: TestDatabase;
  clock: ManualClock;
  clients: ClientCache;
}

/** Two instances' client caches over one database; `wrapB` interposes on B's KV. */
async function twoCaches(backend: Backend, wrapB: (kv: Kv) => Kv = (kv) => kv): Promise<{ a: Instance; b: Instance; clock: ManualClock }> {
  const { db, clock, kvA, kvB } = await sharedStores(backend, cleanups);
  const onError = (err: unknown) => {
    throw err;
  };
  const cacheA = await createClientCache({ kv: kvA, clock, onError });
  const cacheB = await createClientCache({ kv: wrapB(kvB), clock, onError });
  cleanups.push(
    () => cacheA.close(),
    () => cacheB.close(),
  );
  return { a: { db, clock, clients: cacheA }, b: { db, clock, clients: cacheB }, clock };
}

const newClient = async (at: Instance) =>
  (
    await createClient(at, {
      redirectUris: ['http://127.0.0.1/callback'],
      clientName: 'cached',
      label: 'cached',
      tokenEndpointAuthMethod: 'none',
      metadata: {},
    })
  ).client;

/**
 * What B reads, once A's broadcast reached it: at once in one process (MemoryKv delivers before publish
 * resolves); over Redis the message reaches B's subscriber socket before A hears back, but this one test process
 * may read A's reply first, so B is polled briefly.
 */
const readOnB = async <T>(backend: Backend, read: () => Promise<T>, expected: T) => {
  if (backend === 'memory') expect(await read()).toEqual(expected);
  else await vi.waitFor(async () => expect(await read()).toEqual(expected), { timeout: 2_000, interval: 10 });
};

/** Sets the client's last_used_at `ms` before now (in the database; no broadcast) and returns the row. */
async function lastUsedAgo(at: Instance, client: OAuthClientRow, ms: number): Promise<OAuthClientRow> {
  const lastUsedAt = new Date(at.clock.now() - ms);
  await at.db.db.update(oauthClients).set({ lastUsedAt }).where(eq(oauthClients.id, client.id));
  return { ...client, lastUsedAt };
}

/** Changes the row behind every cache's back (no broadcast): what a lost message would leave. */
const renameBehindTheBack = (at: Instance, id: string, label: string) => at.db.db.update(oauthClients).set({ label }).where(eq(oauthClients.id, id));

for (const { name, backend, available } of backends) {
  describe.skipIf(!available)(`client cache across two instances (${name})`, () => {
    it('a client renewed on A is read afresh by B at once, although B had it cached', async () => {
      const { a, b, clock } = await twoCaches(backend);
      const client = await lastUsedAgo(a, await newClient(a), CLIENT_TOUCH_INTERVAL_MS + 1_000); // due for renewal
      expect((await findClient(b, client.id))?.lastUsedAt).toEqual(client.lastUsedAt); // B caches it
      await renameBehindTheBack(a, client.id, 'renamed');
      expect((await findClient(b, client.id))?.label).toBe('cached'); // served from B's memory

      await touchClient(a, client); // writes last_used_at and tells every instance
      await readOnB(backend, async () => (await findClient(b, client.id))?.label, 'renamed');
      expect((await findClient(b, client.id))?.lastUsedAt.getTime()).toBe(clock.now());
    });

    it('a change that bypassed the broadcast is seen after CLIENT_CACHE_TTL_MS at most', async () => {
      const { a, b, clock } = await twoCaches(backend);
      const client = await newClient(a);
      await findClient(b, client.id);
      await renameBehindTheBack(a, client.id, 'renamed');
      clock.advance(CLIENT_CACHE_TTL_MS - 1);
      expect((await findClient(b, client.id))?.label).toBe('cached');
      clock.advance(1);
      expect((await findClient(b, client.id))?.label).toBe('renamed');
    });

    it('a cached client expires by its own last_used_at, within the cache lifetime', async () => {
      const { a, b, clock } = await twoCaches(backend);
      const client = await lastUsedAgo(a, await newClient(a), CLIENT_IDLE_EXPIRY_MS - 10_000);
      expect(await findClient(b, client.id)).toBeDefined(); // cached, 10 s before its expiry
      clock.advance(20_000); // well within CLIENT_CACHE_TTL_MS
      expect(await findClient(b, client.id)).toBeUndefined();
    });

    it('a sweep on A empties the client cache of B', async () => {
      const { a, b } = await twoCaches(backend);
      await lastUsedAgo(a, await newClient(a), CLIENT_IDLE_EXPIRY_MS + 1_000); // expired: the sweep deletes it
      const live = await newClient(a);
      await findClient(b, live.id);
      await renameBehindTheBack(a, live.id, 'renamed');
      expect(await sweepExpiredClients(a)).toBe(1); // and tells every cache to drop all it holds
      await readOnB(backend, async () => (await findClient(b, live.id))?.label, 'renamed');
    });
  });
}

describe('client cache fail-safe', () => {
  it('is not consulted while the KV subscriptions are down, and forgets entries from before a reconnect', async () => {
    let epoch: number | null = 0;
    const { a, b } = await twoCaches('memory', (kv) => withEpoch(kv, () => epoch));
    const client = await newClient(a);
    await findClient(b, client.id); // cached under epoch 0
    expect(b.clients.size).toBe(1);

    epoch = 1; // the subscriber reconnected: messages may have been missed meanwhile
    await renameBehindTheBack(a, client.id, 'after reconnect');
    expect((await findClient(b, client.id))?.label).toBe('after reconnect');

    epoch = null; // the subscriber is down: nothing is cached or served from the cache
    await renameBehindTheBack(a, client.id, 'while down');
    expect((await findClient(b, client.id))?.label).toBe('while down');
    expect(b.clients.size).toBe(0);
  });

  it('a lookup that overlapped a change is not cached', async () => {
    const { a, b } = await twoCaches('memory');
    const client = await newClient(a);
    const loaded = b.clients.get(client.id, async () => {
      await a.clients.changed(client.id); // the change arrives while B reads the row
      return client;
    });
    expect(await loaded).toBe(client);
    expect(b.clients.size).toBe(0);
  });
});

describe('the apps read client rows through the cache', () => {
  const twoInstances = useTwoInstances();

  it('/authorize on B uses the row B cached; A, which never cached it, reads the database', async () => {
    const { a, b } = await twoInstances('memory');
    const client = await register(a);
    const user = await signUpUser(b);
    const pkce = await createPkcePair();
    expect((await authorize(b, authorizeQuery(client.clientId, pkce.codeChallenge), user)).statusCode).toBe(302); // B caches it
    await b.db.db
      .update(oauthClients)
      .set({ redirectUris: ['http://127.0.0.1/elsewhere'] })
      .where(eq(oauthClients.id, client.clientId));
    // Behind the broadcast's back (the test wrote the row): B still serves its cached row, A reads the new one.
    expect((await authorize(b, authorizeQuery(client.clientId, pkce.codeChallenge), user)).statusCode).toBe(302);
    expect((await authorize(a, authorizeQuery(client.clientId, pkce.codeChallenge), user)).statusCode).toBe(400);
  });
});
