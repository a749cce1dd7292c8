// Key bookkeeping that must hold under concurrency and partial failure: one key_revoked event per key however
// many revocations race, and no live key nobody received when an exchange fails between mint and recording.
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.ts';
import { StorageUnavailableError } from '../src/errors.ts';
import { mintKey, revokeKey } from '../src/keys/key-store.ts';
import { apiKeys, auditEvents } from '../src/store/db/schema.ts';
import type { Kv } from '../src/store/kv/kv.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { exchangeCode, obtainCode, signUpUser } from './support/flow.ts';
import { useTestApp } from './support/test-app.ts';
import { testDatabases } from './support/test-databases.ts';

describe.each(testDatabases())('revocation on $name', ({ open }) => {
  const t = useTestApp(
    async () => {
      const db = await open();
      return { db, afterClose: () => db.dispose() };
    },
    { timeout: 60_000 },
  );

  it('20 parallel revocations of one key write exactly one key_revoked event', async () => {
    const user = await signUpUser(t);
    const ctx = { db: t.db, kv: t.kv, clock: systemClock };
    const { key } = await mintKey(ctx, { userId: user.userId, clientId: null, label: 'k', scopes: [], resource: t.config.mcpResource });
    const results = await Promise.all(Array.from({ length: 20 }, () => revokeKey(ctx, { keyId: key.id }, 'test')));
    expect(results.every(Boolean)).toBe(true);
    const events = await t.db.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, 'key_revoked'), eq(auditEvents.keyId, key.id)));
    expect(events).toHaveLength(1);
    const minted = await t.db.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, 'key_minted'), eq(auditEvents.keyId, key.id)));
    expect(minted).toHaveLength(1);
  }, 60_000);
});

describe('an exchange that fails after minting', () => {
  let failRecording = false;
  const t = useTestApp(() => {
    const inner = new MemoryKv();
    // The KV fails the exchange's bookkeeping write (swap of a key id) while failRecording is set: what a
    // crash or a Redis outage between mint and recordExchange leaves behind.
    const kv = new Proxy(inner, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (prop === 'swap' && failRecording && args[1] !== 'replayed') {
            return Promise.reject(new StorageUnavailableError('kv', 'test outage'));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Kv;
    return { kv, afterClose: () => inner.close() };
  });

  it('answers 503, and the retry with the same code finds the minted key and revokes it [invalid_grant]', async () => {
    const issued = await obtainCode(t);
    failRecording = true;
    const first = await exchangeCode(t, issued);
    failRecording = false;
    expectOAuthError(first, 503, 'temporarily_unavailable');
    const minted = await t.db.db.select().from(apiKeys).where(eq(apiKeys.userId, issued.user.userId));
    expect(minted).toHaveLength(1); // minted, never delivered

    const retry = await exchangeCode(t, issued);
    expectOAuthError(retry, 400, 'invalid_grant');
    const live = await t.db.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, issued.user.userId), isNull(apiKeys.revokedAt)));
    expect(live).toEqual([]);
    const replays = await t.db.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, 'code_replayed'), eq(auditEvents.keyId, minted[0]!.id)));
    expect(replays).toHaveLength(1);
  }, 60_000);
});
