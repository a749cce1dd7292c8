// A storage outage is never reported as a bad credential (DESIGN.md): with the database or the KV not
// answering, a valid key or session gets 503 temporarily_unavailable + Retry-After in the one error shape,
// never 401, and works again once storage is back.
import type { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kv } from '../src/store/kv/kv.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { StorageUnavailableError } from '../src/store/storage-unavailable.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { callMcp, signUpUser } from './support/flow.ts';
import { createManualKey } from './support/manual-keys.ts';
import { buildTestApp, type TestApp } from './support/test-app.ts';
import { openPgliteInMemory } from './support/test-databases.ts';

const TIMEOUT_MS = 300;

/** A MemoryKv that fails every call as an outage while `down` is set. */
function switchableKv(): { kv: Kv; setDown(down: boolean): void } {
  const inner = new MemoryKv();
  let down = false;
  const kv = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // A KV that is down delivers no messages either (no subscription epoch: the key cache is bypassed).
        if (down && prop === 'subscriptionEpoch') return null;
        if (down && prop !== 'close') return Promise.reject(new StorageUnavailableError('kv', 'test outage'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { kv, setDown: (d) => (down = d) };
}

/** Holds PGlite's transaction lock until the returned function is called: every other query waits. */
function freezeDatabase(t: TestApp): () => void {
  let thaw!: () => void;
  const gate = new Promise<void>((resolve) => (thaw = resolve));
  const client = (t.db.db as unknown as { $client: PGlite }).$client;
  client.transaction(() => gate).catch(() => {}); // its own deadline passes; the lock is held until thaw
  return thaw;
}

function expectStorageUnavailable(res: Parameters<typeof expectOAuthError>[0]) {
  expectOAuthError(res, 503, 'temporarily_unavailable');
  expect(res.headers['retry-after']).toBe('1');
}

describe('storage outage', { timeout: 60_000 }, () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function setup() {
    const db = await openPgliteInMemory(TIMEOUT_MS);
    const { kv, setDown } = switchableKv();
    t = await buildTestApp({ db, kv });
    const app = t;
    const close = app.close;
    app.close = async () => {
      await close();
      await kv.close();
      await db.dispose();
    };
    const user = await signUpUser(app);
    const key = await createManualKey(app, user, ['reminders:read']);
    return { t: app, user, key, setKvDown: setDown };
  }

  it('a valid key with the database frozen gets 503 temporarily_unavailable, not 401, then works again', async () => {
    const { t, key } = await setup();
    const thaw = freezeDatabase(t);
    const started = Date.now();
    const res = await callMcp(t, key.secret);
    expectStorageUnavailable(res);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    const rest = await t.app.inject({ method: 'GET', url: '/v1/reminders', headers: { authorization: `Bearer ${key.secret}` } });
    expectStorageUnavailable(rest);
    thaw();
    await expect.poll(async () => (await callMcp(t, key.secret)).statusCode).toBe(200);
  });

  it('a valid session with the KV down gets 503, not 401 "Sign in first."; a valid key still works', async () => {
    const { t, user, key, setKvDown } = await setup();
    setKvDown(true);
    const session = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: user.cookie } });
    expectStorageUnavailable(session);
    const keys = await t.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: user.cookie } });
    expectStorageUnavailable(keys);
    // Bearer checks need only the database.
    expect((await callMcp(t, key.secret)).statusCode).toBe(200);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.com', password: 'correct horse battery staple' },
    });
    expect(login.statusCode).toBe(503);
    setKvDown(false);
    const back = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie: user.cookie } });
    expect(back.statusCode).toBe(200);
  });

  it('without credentials an outage is still 401 where the credential is missing', async () => {
    const { t, setKvDown } = await setup();
    setKvDown(true);
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/session' });
    expectOAuthError(res, 401, 'unauthorized');
  });
});
