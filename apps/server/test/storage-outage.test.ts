// A storage outage is never reported as a bad credential (DESIGN.md): with the database or the KV not
// answering, a valid key or session gets 503 temporarily_unavailable + Retry-After in the one error shape,
// never 401, and works again once storage is back.
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { beforeEach, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../src/errors.ts';
import type { Database } from '../src/store/db/open-db.ts';
import { schema } from '../src/store/db/schema.ts';
import type { Kv } from '../src/store/kv/kv.ts';
import { MemoryKv } from '../src/store/kv/memory-kv.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { callMcp, type SignedIn, signUpUser } from './support/flow.ts';
import { createManualKey, type ManualKey } from './support/manual-keys.ts';
import { type TestApp, useTestApp } from './support/test-app.ts';
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

/**
 * The database with every query that names the `reminders` table failing as an outage while `down` is set:
 * the key check (api_keys) still passes, the reminder tools hit the outage.
 */
function remindersOutage(database: Database): { db: Database; setDown(down: boolean): void } {
  let down = false;
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const failing = new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => unknown).bind(target);
      if (prop !== 'query') return method;
      return (query: unknown, ...rest: unknown[]) =>
        down && String(query).includes('"reminders"') ? Promise.reject(new StorageUnavailableError('database', 'test outage')) : method(query, ...rest);
    },
  });
  return { db: { ...database, db: drizzle({ client: failing, schema }) as unknown as Database['db'] }, setDown: (d) => (down = d) };
}

function expectStorageUnavailable(res: Parameters<typeof expectOAuthError>[0]) {
  expectOAuthError(res, 503, 'temporarily_unavailable');
  expect(res.headers['retry-after']).toBe('1');
}

/** A `tools/call` as a 2025 client (headers name the revision) or a 2026-07-28 client (`_meta` envelope) sends it. */
function toolsCall(revision: '2025-06-18' | '2026-07-28') {
  const modern = revision === '2026-07-28';
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': revision,
    'io.modelcontextprotocol/clientInfo': { name: 'outage-test', version: '0.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  return {
    headers: (name: string, secret: string) => ({
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': revision,
      ...(modern ? { 'mcp-method': 'tools/call', 'mcp-name': name } : {}),
    }),
    body: (name: string, args: Record<string, unknown>) => ({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name, arguments: args, ...(modern ? { _meta: envelope } : {}) },
    }),
  };
}

describe('storage outage', { timeout: 60_000 }, () => {
  /** Per test: switches that take the KV or the reminders table down, and a user with a session and a key. */
  let setKvDown: (down: boolean) => void;
  let setRemindersDown: (down: boolean) => void;
  let user: SignedIn;
  let key: ManualKey;
  const t = useTestApp(
    async () => {
      const opened = await openPgliteInMemory(TIMEOUT_MS);
      const reminders = remindersOutage(opened);
      const db = { ...opened, ...reminders.db };
      const switchable = switchableKv();
      [setKvDown, setRemindersDown] = [switchable.setDown, reminders.setDown];
      return {
        db,
        kv: switchable.kv,
        afterClose: async () => {
          await switchable.kv.close();
          await db.dispose();
        },
      };
    },
    { each: true },
  );
  beforeEach(async () => {
    user = await signUpUser(t);
    key = await createManualKey(t, user, ['reminders:read', 'reminders:write']);
  });

  it('a valid key with the database frozen gets 503 temporarily_unavailable, not 401, then works again', async () => {
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

  it.each([
    ['2025-06-18', toolsCall('2025-06-18')],
    ['2026-07-28', toolsCall('2026-07-28')],
  ])('an MCP tools/call whose tool hits an outage gets HTTP 503, not an isError result (%s)', async (_revision, call) => {
    const send = (name: string, args: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/mcp', headers: call.headers(name, key.secret), payload: call.body(name, args) });
    const due = new Date(t.clock.now() + 3_600_000).toISOString();
    const create = { text: 'Call mum', due_at: due, channel: 'phone', phone_number: '+14155550123' };
    setRemindersDown(true);
    for (const [name, args] of [
      ['list_reminders', {}],
      ['create_reminder', create],
    ] as const) {
      const res = await send(name, args);
      expectStorageUnavailable(res);
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
    // Tool-level failures that are not outages stay isError results the model can read: a due time in the
    // past (refused before any query), and, once storage is back, an unknown reminder.
    const past = await send('create_reminder', { ...create, due_at: new Date(t.clock.now() - 60_000).toISOString() });
    expect(past.statusCode).toBe(200);
    expect(past.json().result.isError).toBe(true);
    expect(t.logs()).not.toContain('test outage');
    setRemindersDown(false);
    const back = await send('list_reminders', {});
    expect(back.statusCode).toBe(200);
    expect(back.json().result.isError).toBeUndefined();
    const missing = await send('cancel_reminder', { reminder_id: '00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(200);
    expect(missing.json().result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'No such reminder.' }] });
  });

  it('without credentials an outage is still 401 where the credential is missing', async () => {
    setKvDown(true);
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/session' });
    expectOAuthError(res, 401, 'unauthorized');
  });
});
