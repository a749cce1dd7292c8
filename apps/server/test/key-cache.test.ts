// The bearer key cache across instances (keys/bearer-keys.ts): two apps over one database and one KV, as
// two servers behind a load balancer. A key revoked on A is refused by B on the very next request, although
// B had it cached; a revocation that bypasses the broadcast is still bounded by KEY_CACHE_TTL_SECONDS; with
// the subscriptions down the cache is not consulted at all. last_used_at is written in batches.
import { waitFor } from '@reminderit/testkit';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys } from '../src/store/db/schema.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { signUpUser } from './support/flow.ts';
import { createManualKey, revokeManualKey } from './support/manual-keys.ts';
import type { TestApp } from './support/test-app.ts';
import { backends, useTwoInstances, withEpoch } from './support/two-instances.ts';

const list = (t: TestApp, secret: string) => t.app.inject({ method: 'GET', url: '/v1/reminders', headers: { authorization: `Bearer ${secret}` } });

const twoInstances = useTwoInstances();

for (const { name, backend, available } of backends) {
  describe.skipIf(!available)(`key cache across two instances (${name})`, () => {
    it('revoked on A, refused by B on the very next request although B had the key cached', async () => {
      const { a, b } = await twoInstances(backend);
      const user = await signUpUser(a);
      const key = await createManualKey(a, user, ['reminders:read']);
      expect((await list(b, key.secret)).statusCode).toBe(200); // B validates and caches it

      await revokeManualKey(a, user, key.id);
      // The next request, over HTTP as a client sends it once A answered (Redis delivers a PUBLISH to every
      // subscriber before it replies to the publisher): no waiting, no retry.
      const next = await fetch(`${b.base}/v1/reminders`, { headers: { authorization: `Bearer ${key.secret}` } });
      expect(next.status).toBe(401);
      expect(((await next.json()) as { error: string }).error).toBe('invalid_token');
      expectOAuthError(await list(a, key.secret), 401, 'invalid_token');
    });

    it('B serves the key from its cache: a revocation written behind its back is only seen after the TTL', async () => {
      const { a, b, clock } = await twoInstances(backend, { KEY_CACHE_TTL_SECONDS: '30' });
      const user = await signUpUser(a);
      const key = await createManualKey(a, user, ['reminders:read']);
      expect((await list(b, key.secret)).statusCode).toBe(200);
      // Not through revokeKey(): no broadcast reaches B (a lost message).
      await b.db.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
      expect((await list(b, key.secret)).statusCode).toBe(200); // cached: no lookup
      expectOAuthError(await list(a, key.secret), 401, 'invalid_token'); // A never cached it
      if (clock) {
        clock.advance(30_000); // the documented bound: KEY_CACHE_TTL_SECONDS
        expectOAuthError(await list(b, key.secret), 401, 'invalid_token');
      }
    });
  });
}

describe('key cache fail-safe', () => {
  it('is not consulted while the KV subscriptions are down, and forgets entries from before a reconnect', async () => {
    let epoch: number | null = 0;
    const { a, b } = await twoInstances('memory', {}, (kv) => withEpoch(kv, () => epoch));
    const user = await signUpUser(a);
    const key = await createManualKey(a, user, ['reminders:read']);
    expect((await list(b, key.secret)).statusCode).toBe(200); // cached under epoch 0

    epoch = 1; // the subscriber reconnected: messages may have been missed meanwhile
    await b.db.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
    expectOAuthError(await list(b, key.secret), 401, 'invalid_token');

    const other = await createManualKey(a, user, ['reminders:read']);
    epoch = null; // the subscriber is down: nothing is cached or served from the cache
    expect((await list(b, other.secret)).statusCode).toBe(200);
    await b.db.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, other.id));
    expectOAuthError(await list(b, other.secret), 401, 'invalid_token');
  });

  it('with KEY_CACHE_TTL_SECONDS=0 every request looks the key up', async () => {
    const { a, b } = await twoInstances('memory', { KEY_CACHE_TTL_SECONDS: '0' });
    const user = await signUpUser(a);
    const key = await createManualKey(a, user, ['reminders:read']);
    expect((await list(b, key.secret)).statusCode).toBe(200);
    await b.db.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
    expectOAuthError(await list(b, key.secret), 401, 'invalid_token');
  });
});

describe('last_used_at in batches', () => {
  const lastUsed = async (t: TestApp, id: string) => (await t.db.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id)))[0]?.at ?? null;

  it('is written by the periodic flush, not by the request', async () => {
    const { a } = await twoInstances('memory', { KEY_USAGE_FLUSH_SECONDS: '1' });
    const user = await signUpUser(a);
    const key = await createManualKey(a, user, ['reminders:read']);
    expect((await list(a, key.secret)).statusCode).toBe(200);
    const used = a.clock.now();
    expect(await lastUsed(a, key.id)).toBeNull(); // the request itself wrote nothing
    const written = await waitFor(async () => (await lastUsed(a, key.id)) ?? undefined, { timeoutMs: 10_000 });
    expect(written.getTime()).toBe(used);
  });

  it('is written on shutdown, and never moved backwards by an older stamp', async () => {
    const { a, b, clock } = await twoInstances('memory', { KEY_USAGE_FLUSH_SECONDS: '3600' });
    const user = await signUpUser(a);
    const key = await createManualKey(a, user, ['reminders:read']);
    expect((await list(b, key.secret)).statusCode).toBe(200); // B's stamp: t0
    const older = clock!.now();
    clock!.advance(5_000);
    expect((await list(a, key.secret)).statusCode).toBe(200); // A's stamp: t0 + 5 s
    await a.app.close();
    expect((await lastUsed(a, key.id))?.getTime()).toBe(older + 5_000);
    await b.app.close(); // flushes t0 afterwards: ignored
    expect((await lastUsed(a, key.id))?.getTime()).toBe(older + 5_000);
  });
});
