// The API Keys page's endpoints: create (secret shown once), list, revoke — per user, session + CSRF.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto.ts';
import { apiKeys } from '../src/store/db/schema.ts';
import { expectOAuthError } from './support/expect-oauth-error.ts';
import { type TestApp, useTestApp } from './support/test-app.ts';

interface User {
  cookie: string;
  csrf: string;
  userId: string;
}

let emailCounter = 0;

async function signUp(t: TestApp): Promise<User> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: `keys${++emailCounter}-${Date.now()}@example.com`, password: 'correct horse battery staple' },
  });
  expect(res.statusCode).toBe(201);
  const cookie = res.cookies.find((c) => c.name === 'rmt_session')!;
  return { cookie: `rmt_session=${cookie.value}`, csrf: res.json().csrf_token, userId: res.json().user.id };
}

function createKey(t: TestApp, user: User, payload: Record<string, unknown> = { label: 'Home automation', scopes: ['reminders:read'] }) {
  return t.app.inject({ method: 'POST', url: '/api/keys', headers: { cookie: user.cookie, 'x-csrf-token': user.csrf }, payload });
}

async function created(t: TestApp, user: User, label = 'Home automation') {
  const res = await createKey(t, user, { label, scopes: ['reminders:read', 'reminders:write'] });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; secret: string; prefix: string };
}

function listKeys(t: TestApp, user: User) {
  return t.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: user.cookie } });
}

/** `csrf: null` sends no X-CSRF-Token header. */
function revoke(t: TestApp, user: User, keyId: string, csrf: string | null = user.csrf) {
  return t.app.inject({
    method: 'DELETE',
    url: `/api/keys/${keyId}`,
    headers: csrf === null ? { cookie: user.cookie } : { cookie: user.cookie, 'x-csrf-token': csrf },
  });
}

function listReminders(t: TestApp, secret: string) {
  return t.app.inject({ method: 'GET', url: '/v1/reminders', headers: { authorization: `Bearer ${secret}` } });
}

describe('API keys', () => {
  const t = useTestApp();
  let alice: User;
  let bob: User;
  beforeAll(async () => {
    alice = await signUp(t);
    bob = await signUp(t);
  });

  describe('create', () => {
    it('answers 201 with the key and its rmt_ secret', async () => {
      const res = await createKey(t, alice, { label: 'Home automation', scopes: ['reminders:read', 'reminders:write'] });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.secret).toMatch(/^rmt_[0-9A-Za-z]{49}$/);
      expect(body).toMatchObject({
        label: 'Home automation',
        scopes: ['reminders:read', 'reminders:write'],
        prefix: body.secret.slice(0, 12),
        last_used_at: null,
        revoked_at: null,
        client_id: null,
        client_name: null,
      });
      expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('stores only the SHA-256 of the secret, bound to the MCP resource', async () => {
      const key = await created(t, alice);
      const [row] = await t.db.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row!.secretHash).toBe(sha256Hex(key.secret));
      expect(row!.resource).toBe(t.config.mcpResource);
      expect(JSON.stringify(row)).not.toContain(key.secret);
    });

    it('requires a session (401 unauthorized)', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/keys',
        headers: { 'x-csrf-token': alice.csrf },
        payload: { label: 'x', scopes: ['reminders:read'] },
      });
      expectOAuthError(res, 401, 'unauthorized');
    });

    it('requires the X-CSRF-Token header (400 invalid_request)', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/keys',
        headers: { cookie: alice.cookie },
        payload: { label: 'x', scopes: ['reminders:read'] },
      });
      expectOAuthError(res, 400, 'invalid_request');
    });

    it("rejects another session's CSRF token (403 forbidden)", async () => {
      const res = await createKey(t, { ...alice, csrf: bob.csrf });
      expectOAuthError(res, 403, 'forbidden');
    });

    it('rejects an unknown scope (400 invalid_request)', async () => {
      expectOAuthError(await createKey(t, alice, { label: 'x', scopes: ['admin'] }), 400, 'invalid_request');
    });
  });

  describe('list', () => {
    it("shows the user's keys newest first with label, prefix, scopes and created_at, never the secret", async () => {
      const user = await signUp(t);
      const first = await created(t, user, 'First');
      t.clock.advance(1000);
      const second = await created(t, user, 'Second');
      const res = await listKeys(t, user);
      expect(res.statusCode).toBe(200);
      const { keys } = res.json();
      expect(keys.map((k: { id: string }) => k.id)).toEqual([second.id, first.id]);
      expect(keys[1]).toMatchObject({
        label: 'First',
        prefix: first.prefix,
        scopes: ['reminders:read', 'reminders:write'],
        revoked_at: null,
        client_id: null,
        client_name: null,
      });
      expect(keys[1]).not.toHaveProperty('secret');
      expect(res.body).not.toContain(first.secret);
      expect(res.body).not.toContain(second.secret);
      expect(res.body).not.toContain(sha256Hex(first.secret));
    });

    it('requires a session (401 unauthorized)', async () => {
      expectOAuthError(await t.app.inject({ method: 'GET', url: '/api/keys' }), 401, 'unauthorized');
    });

    it("never shows another user's keys", async () => {
      const key = await created(t, alice);
      const res = await listKeys(t, bob);
      expect(res.statusCode).toBe(200);
      expect(res.json().keys.map((k: { id: string }) => k.id)).not.toContain(key.id);
    });
  });

  describe('revoke', () => {
    it('answers 204 and the key stays listed with revoked_at set', async () => {
      const key = await created(t, alice);
      const res = await revoke(t, alice, key.id);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      const listed = (await listKeys(t, alice)).json().keys.find((k: { id: string }) => k.id === key.id);
      expect(listed.revoked_at).toBe(new Date(t.clock.now()).toISOString());
    });

    it('is a no-op (204) on an already revoked key', async () => {
      const key = await created(t, alice);
      expect((await revoke(t, alice, key.id)).statusCode).toBe(204);
      expect((await revoke(t, alice, key.id)).statusCode).toBe(204);
    });

    it("answers 404 not_found for another user's key and leaves it working", async () => {
      const key = await created(t, alice);
      expectOAuthError(await revoke(t, bob, key.id), 404, 'not_found');
      const listed = (await listKeys(t, alice)).json().keys.find((k: { id: string }) => k.id === key.id);
      expect(listed.revoked_at).toBeNull();
      expect((await listReminders(t, key.secret)).statusCode).not.toBe(401);
    });

    it('answers 404 not_found for an unknown key id', async () => {
      expectOAuthError(await revoke(t, alice, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
    });

    it('requires the CSRF token (400 without, 403 when wrong) and keeps the key', async () => {
      const key = await created(t, alice);
      expectOAuthError(await revoke(t, alice, key.id, null), 400, 'invalid_request');
      expectOAuthError(await revoke(t, alice, key.id, bob.csrf), 403, 'forbidden');
      const listed = (await listKeys(t, alice)).json().keys.find((k: { id: string }) => k.id === key.id);
      expect(listed.revoked_at).toBeNull();
    });
  });

  describe('the minted key as a bearer token', () => {
    it('authenticates GET /v1/reminders until revoked, then 401 invalid_token', async () => {
      const key = await created(t, alice);
      const listed = await listReminders(t, key.secret);
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toEqual({ reminders: [], next_cursor: null });
      expect((await revoke(t, alice, key.id)).statusCode).toBe(204);
      const res = await listReminders(t, key.secret);
      expectOAuthError(res, 401, 'invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    });

    it('records when the key was last used', async () => {
      const key = await created(t, alice);
      await listReminders(t, key.secret);
      const listed = (await listKeys(t, alice)).json().keys.find((k: { id: string }) => k.id === key.id);
      expect(listed.last_used_at).toBe(new Date(t.clock.now()).toISOString());
    });
  });

  it('never logs a key secret', async () => {
    const key = await created(t, alice);
    await listReminders(t, key.secret);
    await listKeys(t, alice);
    expect(t.logs()).not.toContain(key.secret);
    expect(t.logs()).not.toContain(key.secret.slice(4));
  });
});
